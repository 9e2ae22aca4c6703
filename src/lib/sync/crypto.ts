// Optional end-to-end encryption of what Tern puts on the sync server, with Web Crypto only: a key
// derived from the user's passphrase by PBKDF2-SHA-256 (600,000 iterations, a salt kept on the
// server beside the data) encrypts each document and attachment with AES-GCM-256 under a fresh
// random 12-byte IV. The server sees only base64 of IV + ciphertext. AES-GCM's tag makes a wrong
// passphrase (or altered data) fail to decrypt instead of giving garbage.
import { base64ToBytes, bytesToBase64 } from './base64';
import { SyncError } from './errors';

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
export const PBKDF2_ITERATIONS = 600_000;
const IV_BYTES = 12;
/** AES-GCM's authentication tag, appended to every ciphertext. */
const TAG_BYTES = 16;
const SALT_BYTES = 16;
const KEY_CHECK = 'tern-sync-key-check';

/** Web Crypto wants bytes over a plain ArrayBuffer; copies only when given anything else. */
function plain(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}

export function newSalt(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(SALT_BYTES));
}

/** The key for a passphrase and salt; it cannot be exported, only used. Takes about a second. */
export async function deriveKey(passphrase: string, salt: Uint8Array): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: plain(salt), iterations: PBKDF2_ITERATIONS },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** IV followed by ciphertext and tag. */
export async function encryptBytes(key: CryptoKey, bytes: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain(bytes)),
  );
  const out = new Uint8Array(IV_BYTES + sealed.length);
  out.set(iv);
  out.set(sealed, IV_BYTES);
  return out;
}

/** The bytes encryptBytes sealed; SyncError `wrong-passphrase` when this key did not seal them. */
export async function decryptBytes(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  if (data.length < IV_BYTES + TAG_BYTES)
    throw new SyncError('bad-response', 'The encrypted data is damaged: it is too short.');
  const bytes = plain(data);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES) },
        key,
        bytes.subarray(IV_BYTES),
      ),
    );
  } catch (e) {
    throw new SyncError(
      'wrong-passphrase',
      'The synced data cannot be opened with this passphrase: it was encrypted with another one (or changed on the server).',
      { cause: e },
    );
  }
}

/** Base64 of IV + ciphertext of the value's JSON. */
export async function encryptJson(key: CryptoKey, value: unknown): Promise<string> {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError('encryptJson: the value has no JSON form');
  return bytesToBase64(await encryptBytes(key, new TextEncoder().encode(text)));
}

export async function decryptJson(key: CryptoKey, text: string): Promise<unknown> {
  const bytes = await decryptBytes(key, base64ToBytes(text));
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new SyncError('bad-response', 'The decrypted data is damaged: it is not JSON.', {
      cause: e,
    });
  }
}

/**
 * A known text sealed with the key, kept on the server beside the salt, so that another device
 * can tell a wrong passphrase at once, before it tries any document.
 */
export function makeKeyCheck(key: CryptoKey): Promise<string> {
  return encryptJson(key, KEY_CHECK);
}

/** Whether `key` is the one that made `check`. A damaged check throws `bad-response`. */
export async function verifyKeyCheck(key: CryptoKey, check: string): Promise<boolean> {
  try {
    return (await decryptJson(key, check)) === KEY_CHECK;
  } catch (e) {
    if (e instanceof SyncError && e.code === 'wrong-passphrase') return false;
    throw e;
  }
}
