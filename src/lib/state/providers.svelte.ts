// App-wide provider configs (endpoint, API key, models), kept on this device in the prefs store
// under one key. The key is never logged and never part of an error message.
//
// API for the UI:
//   providers.list                       ProviderConfig[] (reactive)
//   providers.defaultId                  id used by sessions whose settings name no provider
//   await providers.load(prefs)          once at start-up
//   await providers.reload()             after a restore wrote the stored configurations, or sync
//                                        took another device's (its lock with them)
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
//   providers.lockOn / providers.locked  a passphrase lock exists / its keys are not open here
//   await providers.setLock(passphrase)  seals every key (throws invalid-input when too short)
//   await providers.unlock(passphrase)   once per tab; throws TernError 'wrong-passphrase'
//   await providers.lockNow()            forgets the keys in this tab
//   await providers.removeLock()         keys stored in the clear again (only when unlocked)
import type { Prefs } from '../db/prefs';
import type { KeyVault } from '../domain/key-lock';
import { readStoredProviders, writeStoredProviders } from '../domain/provider-store';
import { loadProvider } from '../providers/registry';
import { DEFAULT_STALL_MS, type ProviderConfig } from '../providers';

export const DEFAULT_STALL_SECONDS = DEFAULT_STALL_MS / 1000;

// The lock's code (Web Crypto) loads only when a lock exists or is being set.
const lockLib = () => import('../domain/key-lock');

export class ProvidersState {
  #list = $state.raw<ProviderConfig[]>([]);
  #defaultId = $state<string | null>(null);
  #stallSeconds = $state(DEFAULT_STALL_SECONDS);
  #lockOn = $state(false);
  #locked = $state(false);

  get list() {
    return this.#list;
  }
  get defaultId() {
    return this.#defaultId;
  }
  get stallSeconds() {
    return this.#stallSeconds;
  }
  get lockOn() {
    return this.#lockOn;
  }
  get locked() {
    return this.#locked;
  }

  private prefs: Prefs | null = null;
  /** The lock and, once unlocked in this tab, its key (in memory only). */
  private vault: KeyVault | null = null;

  async load(prefs: Prefs): Promise<void> {
    this.prefs = prefs;
    const stored = await readStoredProviders(prefs);
    if (!stored.lock) this.vault = null;
    else this.vault = (await lockLib()).vaultFor(stored.lock, this.vault);
    this.#list = this.vault ? await this.vault.open(stored.list) : stored.list;
    this.#defaultId = stored.defaultId;
    this.#stallSeconds = stored.stallSeconds ?? DEFAULT_STALL_SECONDS;
    this.#lockOn = this.vault !== null;
    this.#locked = this.vault !== null && !this.vault.unlocked;
  }

  async setLock(passphrase: string): Promise<void> {
    const lib = await lockLib();
    if (this.#locked) throw lib.lockedError('changing the lock');
    this.vault = await lib.KeyVault.create(passphrase);
    await this.persist();
    this.#lockOn = true;
    this.#locked = false;
  }

  async unlock(passphrase: string): Promise<void> {
    if (!this.vault || !this.prefs) return;
    await this.vault.unlock(passphrase);
    const stored = await readStoredProviders(this.prefs);
    await this.load(this.prefs);
    // Keys that came in the clear while locked (from a restored backup) are sealed now.
    if (stored.list.some((c) => c.apiKey !== '')) await this.persist();
  }

  async lockNow(): Promise<void> {
    this.vault?.forget();
    if (this.prefs) await this.load(this.prefs);
  }

  async removeLock(): Promise<void> {
    if (this.#locked) throw (await lockLib()).lockedError('removing the lock');
    this.vault = null;
    await this.persist();
    this.#lockOn = false;
  }

  /** Reads the stored configurations again (after a restore wrote them). */
  async reload(): Promise<void> {
    if (this.prefs) await this.load(this.prefs);
  }

  private async persist(list = this.#list, defaultId = this.#defaultId): Promise<void> {
    if (!this.prefs) return;
    const plain = $state.snapshot(list);
    await writeStoredProviders(this.prefs, {
      list: this.vault ? await this.vault.store(plain) : plain,
      defaultId,
      stallSeconds: this.#stallSeconds,
      ...(this.vault ? { lock: this.vault.record } : {}),
    });
  }

  resolve(id: string | null): ProviderConfig | null {
    return this.#list.find((c) => c.id === (id ?? this.#defaultId)) ?? null;
  }

  async save(config: ProviderConfig): Promise<ProviderConfig> {
    const apiKey = config.apiKey.trim();
    const before = this.#list.find((c) => c.id === config.id);
    // An edit that leaves a locked key's field empty keeps that key.
    const keyLocked = Boolean(before?.keyLocked && apiKey === '');
    const clean: ProviderConfig = {
      ...config,
      baseUrl: config.baseUrl.trim().replace(/\/+$/, ''),
      apiKey,
    };
    if (keyLocked) clean.keyLocked = true;
    else delete clean.keyLocked;
    const list = before
      ? this.#list.map((c) => (c.id === clean.id ? clean : c))
      : [...this.#list, clean];
    const defaultId = this.#defaultId ?? clean.id;
    // Written first: a key typed while the keys are locked is refused, with nothing changed.
    await this.persist(list, defaultId);
    this.#list = list;
    this.#defaultId = defaultId;
    return clean;
  }

  async remove(id: string): Promise<void> {
    this.#list = this.#list.filter((c) => c.id !== id);
    if (this.#defaultId === id) this.#defaultId = this.#list[0]?.id ?? null;
    await this.persist();
  }

  async setDefault(id: string, model?: string): Promise<void> {
    this.#defaultId = id;
    if (model !== undefined)
      this.#list = this.#list.map((c) => (c.id === id ? { ...c, defaultModel: model } : c));
    await this.persist();
  }

  async setStallSeconds(seconds: number): Promise<void> {
    if (!Number.isFinite(seconds) || seconds <= 0) return;
    this.#stallSeconds = seconds;
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
