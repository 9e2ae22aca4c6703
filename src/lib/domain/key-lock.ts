// The optional passphrase lock on API keys, with Web Crypto only: a key derived from the
// passphrase by PBKDF2 (SHA-256, a random 16-byte salt) encrypts each API key with AES-GCM under a
// fresh 12-byte IV. The derived key is never stored and cannot be exported; it lives in the memory
// of the tab that unlocked. A known text sealed with it (`check`) tells a wrong passphrase from a
// right one, in words, even when no provider has a key yet. Loaded only when a lock is used.
import { TernError } from '../errors';
import type { ProviderConfig } from '../providers';
import type { KeyLockRecord, SealedKey, StoredProvider } from './provider-store';

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
export const ITERATIONS = 600_000;
const CHECK_TEXT = 'tern-key-lock-check';

const toB64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));
const fromB64 = (s: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export async function deriveKey(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function seal(key: CryptoKey, text: string): Promise<SealedKey> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv },
    key,
    new TextEncoder().encode(text),
  );
  return { iv: toB64(iv), data: toB64(new Uint8Array(data)) };
}

/** The text sealed with `key`; a wrong key (or altered data) fails AES-GCM's check. */
export async function openSealed(key: CryptoKey, sealed: SealedKey): Promise<string> {
  try {
    const text = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromB64(sealed.iv) },
      key,
      fromB64(sealed.data),
    );
    return new TextDecoder().decode(text);
  } catch (e) {
    throw new TernError(
      'wrong-passphrase',
      'That is not the passphrase the keys were locked with.',
      e,
    );
  }
}

/** What asking for `action` while the keys are locked gets. */
export const lockedError = (action: string): TernError =>
  new TernError('keys-locked', `Unlock the keys before ${action}.`);

/** A new lock for `passphrase`: the record to store and the key to keep in memory. */
export async function createLock(
  passphrase: string,
): Promise<{ record: KeyLockRecord; key: CryptoKey }> {
  if (passphrase.length < 8)
    throw new TernError('invalid-input', 'Choose a passphrase of at least 8 characters.');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await deriveKey(passphrase, salt, ITERATIONS);
  const check = await seal(key, CHECK_TEXT);
  return { record: { salt: toB64(salt), iterations: ITERATIONS, check }, key };
}

/** The key for a stored lock; TernError `wrong-passphrase` when the passphrase is not its own. */
export async function unlockWith(record: KeyLockRecord, passphrase: string): Promise<CryptoKey> {
  const key = await deriveKey(passphrase, fromB64(record.salt), record.iterations);
  if ((await openSealed(key, record.check)) !== CHECK_TEXT)
    throw new TernError(
      'wrong-passphrase',
      'That is not the passphrase the keys were locked with.',
    );
  return key;
}

/**
 * The keys of the provider configurations under a lock: opened for use once unlocked, sealed for
 * storage. Until unlocked, a locked configuration has an empty `apiKey` and `keyLocked: true`, and
 * its sealed key is kept as it was, so edits made meanwhile do not lose it.
 */
export class KeyVault {
  private key: CryptoKey | null;
  private readonly sealed = new Map<string, SealedKey>();

  constructor(
    readonly record: KeyLockRecord,
    key: CryptoKey | null = null,
  ) {
    this.key = key;
  }

  static async create(passphrase: string): Promise<KeyVault> {
    const { record, key } = await createLock(passphrase);
    return new KeyVault(record, key);
  }

  get unlocked(): boolean {
    return this.key !== null;
  }

  async unlock(passphrase: string): Promise<void> {
    this.key = await unlockWith(this.record, passphrase);
  }

  forget(): void {
    this.key = null;
  }

  /** Stored configurations as the app uses them. */
  async open(list: readonly StoredProvider[]): Promise<ProviderConfig[]> {
    this.sealed.clear();
    const out: ProviderConfig[] = [];
    for (const { sealedApiKey, ...c } of list) {
      if (!sealedApiKey) out.push(c);
      else if (this.key) out.push({ ...c, apiKey: await openSealed(this.key, sealedApiKey) });
      else {
        this.sealed.set(c.id, sealedApiKey);
        out.push({ ...c, apiKey: '', keyLocked: true });
      }
    }
    return out;
  }

  /** The configurations as stored; a new key while locked is refused. */
  async store(list: readonly ProviderConfig[]): Promise<StoredProvider[]> {
    const out: StoredProvider[] = [];
    for (const { keyLocked, ...c } of list) {
      const kept = keyLocked ? this.sealed.get(c.id) : undefined;
      if (kept) out.push({ ...c, apiKey: '', sealedApiKey: kept });
      else if (c.apiKey === '') out.push(c);
      else if (this.key)
        out.push({ ...c, apiKey: '', sealedApiKey: await seal(this.key, c.apiKey) });
      else
        throw new TernError(
          'keys-locked',
          'Your API keys are locked: unlock them before setting a new key.',
        );
    }
    return out;
  }
}

/**
 * The vault for a stored lock: the one in hand while the lock is the same (unlocked stays
 * unlocked), else a new one, locked: the lock came from another device with its keys (sync), and
 * opens with that device's passphrase.
 */
export function vaultFor(record: KeyLockRecord, held: KeyVault | null): KeyVault {
  const same =
    held !== null &&
    held.record.salt === record.salt &&
    held.record.check.iv === record.check.iv &&
    held.record.check.data === record.check.data;
  return same ? held : new KeyVault(record);
}
