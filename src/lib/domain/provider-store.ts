// How the provider configurations are kept in the preferences (one key): the stored shape, read
// with every entry checked, and written. The providers' state and the backup both go through here.
import type { Prefs } from '../db/prefs';
import { isProviderKind, type ProviderConfig } from '../providers';

export const PROVIDERS_KEY = 'providers';

/** An API key encrypted with the passphrase lock (AES-GCM), both fields base64. */
export interface SealedKey {
  iv: string;
  data: string;
}

/** A configuration as stored: with the lock on, `apiKey` is empty and `sealedApiKey` holds it. */
export type StoredProvider = ProviderConfig & { sealedApiKey?: SealedKey };

/** The passphrase lock (domain/key-lock.ts): how its key is derived, and a text sealed with it. */
export interface KeyLockRecord {
  salt: string;
  iterations: number;
  check: SealedKey;
}

export interface StoredProviders {
  list: StoredProvider[];
  defaultId: string | null;
  stallSeconds?: number;
  lock?: KeyLockRecord;
}

type Loose = Record<string, unknown>;
const isObj = (v: unknown): v is Loose => typeof v === 'object' && v !== null;
const isStr = (v: unknown): v is string => typeof v === 'string';
const isSealed = (v: unknown): v is SealedKey => isObj(v) && isStr(v.iv) && isStr(v.data);
const isLock = (v: unknown): v is KeyLockRecord =>
  isObj(v) && isStr(v.salt) && typeof v.iterations === 'number' && isSealed(v.check);

export const isStoredProvider = (c: unknown): c is StoredProvider =>
  isObj(c) &&
  isStr(c.id) &&
  isProviderKind(c.kind) &&
  isStr(c.label) &&
  isStr(c.baseUrl) &&
  isStr(c.apiKey) &&
  Array.isArray(c.models) &&
  c.models.every(isStr) &&
  (c.defaultModel === undefined || isStr(c.defaultModel)) &&
  (c.sealedApiKey === undefined || isSealed(c.sealedApiKey));

/** Whatever the value holds, as a clean stored list (entries of another shape are dropped). */
export function cleanStoredProviders(v: unknown): StoredProviders {
  const r: Loose = isObj(v) ? v : {};
  const list = (Array.isArray(r.list) ? r.list : []).filter(isStoredProvider);
  const defaultId =
    isStr(r.defaultId) && list.some((c) => c.id === r.defaultId)
      ? r.defaultId
      : (list[0]?.id ?? null);
  const stall = r.stallSeconds;
  return {
    list,
    defaultId,
    ...(isLock(r.lock) ? { lock: r.lock } : {}),
    ...(typeof stall === 'number' && Number.isFinite(stall) && stall > 0
      ? { stallSeconds: stall }
      : {}),
  };
}

export async function readStoredProviders(prefs: Prefs): Promise<StoredProviders> {
  return cleanStoredProviders(await prefs.get(PROVIDERS_KEY));
}

export function writeStoredProviders(prefs: Prefs, stored: StoredProviders): Promise<void> {
  return prefs.set(PROVIDERS_KEY, stored);
}
