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

const isLock = (v: unknown): v is KeyLockRecord =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as KeyLockRecord).salt === 'string' &&
  typeof (v as KeyLockRecord).iterations === 'number' &&
  isSealed((v as KeyLockRecord).check);

const isSealed = (v: unknown): v is SealedKey =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as SealedKey).iv === 'string' &&
  typeof (v as SealedKey).data === 'string';

export function isStoredProvider(c: unknown): c is StoredProvider {
  if (typeof c !== 'object' || c === null) return false;
  const r = c as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    isProviderKind(r.kind) &&
    typeof r.baseUrl === 'string' &&
    typeof r.apiKey === 'string' &&
    Array.isArray(r.models) &&
    r.models.every((m) => typeof m === 'string') &&
    (r.defaultModel === undefined || typeof r.defaultModel === 'string') &&
    (r.sealedApiKey === undefined || isSealed(r.sealedApiKey))
  );
}

/** Whatever the value holds, as a clean stored list (entries of another shape are dropped). */
export function cleanStoredProviders(v: unknown): StoredProviders {
  const r = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const list = (Array.isArray(r.list) ? r.list : [])
    .filter(isStoredProvider)
    .map((c) => ({ ...c, label: typeof c.label === 'string' ? c.label : '' }));
  const defaultId =
    typeof r.defaultId === 'string' && list.some((c) => c.id === r.defaultId)
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
