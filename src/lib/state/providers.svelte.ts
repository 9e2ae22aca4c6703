// App-wide provider configs (endpoint, API key, models), kept on this device in the prefs store
// under one key. The key is never logged and never part of an error message.
//
// API for the UI:
//   providers.list                       ProviderConfig[] (reactive)
//   providers.defaultId                  id used by sessions whose settings name no provider
//   await providers.load(prefs)          once at start-up
//   await providers.save(config)         add or replace (by id); returns the stored config
//   await providers.remove(id)
//   await providers.setDefault(id, model?)  the default provider, and optionally its default model
//   await providers.fetchModels(id)      asks the API for its models and stores them; throws
//                                        ProviderError (code + message to show) on failure
//   await providers.listModels(config)   the same for a config not saved yet (the settings form's
//                                        "Fetch models" and "Test connection"); stores nothing
//   providers.resolve(id)                the config a session uses (id, else the default)
//   providers.stallSeconds               how long a reply may send nothing before it is ended
//   await providers.setStallSeconds(s)
import type { Prefs } from '../db/prefs';
import { loadProvider } from '../providers/registry';
import { DEFAULT_STALL_MS, isProviderKind, type ProviderConfig } from '../providers';

const KEY = 'providers';

interface Stored {
  list: ProviderConfig[];
  defaultId: string | null;
  stallSeconds?: number;
}

export const DEFAULT_STALL_SECONDS = DEFAULT_STALL_MS / 1000;

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
  stallSeconds = $state(DEFAULT_STALL_SECONDS);
  private prefs: Prefs | null = null;

  async load(prefs: Prefs): Promise<void> {
    this.prefs = prefs;
    const stored = await prefs.get<Stored>(KEY);
    this.list = (stored?.list ?? []).filter(valid);
    this.defaultId = stored?.defaultId ?? this.list[0]?.id ?? null;
    const stall = stored?.stallSeconds;
    this.stallSeconds =
      typeof stall === 'number' && Number.isFinite(stall) && stall > 0
        ? stall
        : DEFAULT_STALL_SECONDS;
  }

  private async persist(): Promise<void> {
    const stored: Stored = {
      list: $state.snapshot(this.list),
      defaultId: this.defaultId,
      stallSeconds: this.stallSeconds,
    };
    await this.prefs?.set(KEY, stored);
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

  async setDefault(id: string, model?: string): Promise<void> {
    this.defaultId = id;
    if (model !== undefined)
      this.list = this.list.map((c) => (c.id === id ? { ...c, defaultModel: model } : c));
    await this.persist();
  }

  async setStallSeconds(seconds: number): Promise<void> {
    if (!Number.isFinite(seconds) || seconds <= 0) return;
    this.stallSeconds = seconds;
    await this.persist();
  }

  /** The model ids an endpoint offers, for a config that may not be saved yet. */
  async listModels(config: ProviderConfig): Promise<string[]> {
    const provider = await loadProvider(config.kind);
    return provider.listModels({
      ...config,
      baseUrl: config.baseUrl.trim().replace(/\/+$/, ''),
      apiKey: config.apiKey.trim(),
    });
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
