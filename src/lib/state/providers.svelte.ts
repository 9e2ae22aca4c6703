// App-wide provider configs (endpoint, API key, models), kept on this device in the prefs store
// under one key. The key is never logged and never part of an error message.
//
// API for the UI:
//   providers.list                       ProviderConfig[] (reactive)
//   providers.defaultId                  id used by sessions whose settings name no provider
//   await providers.load(prefs)          once at start-up
//   await providers.save(config)         add or replace (by id); returns the stored config
//   await providers.remove(id)
//   await providers.setDefault(id)
//   await providers.fetchModels(id)      asks the API for its models and stores them; throws
//                                        ProviderError (code + message to show) on failure
//   providers.resolve(id)                the config a session uses (id, else the default)
import type { Prefs } from '../db/prefs';
import { loadProvider } from '../providers/registry';
import { isProviderKind, type ProviderConfig } from '../providers';

const KEY = 'providers';

interface Stored {
  list: ProviderConfig[];
  defaultId: string | null;
}

function valid(c: unknown): c is ProviderConfig {
  if (typeof c !== 'object' || c === null) return false;
  const r = c as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    isProviderKind(r.kind) &&
    typeof r.baseUrl === 'string' &&
    typeof r.apiKey === 'string' &&
    Array.isArray(r.models)
  );
}

class ProvidersState {
  list = $state.raw<ProviderConfig[]>([]);
  defaultId = $state<string | null>(null);
  private prefs: Prefs | null = null;

  async load(prefs: Prefs): Promise<void> {
    this.prefs = prefs;
    const stored = await prefs.get<Stored>(KEY);
    this.list = (stored?.list ?? []).filter(valid);
    this.defaultId = stored?.defaultId ?? this.list[0]?.id ?? null;
  }

  private async persist(): Promise<void> {
    await this.prefs?.set(KEY, { list: $state.snapshot(this.list), defaultId: this.defaultId });
  }

  resolve(id: string | null): ProviderConfig | null {
    return this.list.find((c) => c.id === (id ?? this.defaultId)) ?? null;
  }

  async save(config: ProviderConfig): Promise<ProviderConfig> {
    const clean = {
      ...config,
      baseUrl: config.baseUrl.trim().replace(/\/+$/, ''),
      apiKey: config.apiKey.trim(),
    };
    const i = this.list.findIndex((c) => c.id === clean.id);
    this.list =
      i < 0 ? [...this.list, clean] : this.list.map((c) => (c.id === clean.id ? clean : c));
    this.defaultId ??= clean.id;
    await this.persist();
    return clean;
  }

  async remove(id: string): Promise<void> {
    this.list = this.list.filter((c) => c.id !== id);
    if (this.defaultId === id) this.defaultId = this.list[0]?.id ?? null;
    await this.persist();
  }

  async setDefault(id: string): Promise<void> {
    this.defaultId = id;
    await this.persist();
  }

  async fetchModels(id: string): Promise<string[]> {
    const config = this.resolve(id);
    if (!config) return [];
    const provider = await loadProvider(config.kind);
    const models = await provider.listModels(config);
    await this.save({ ...config, models });
    return models;
  }
}

export const providers = new ProvidersState();
