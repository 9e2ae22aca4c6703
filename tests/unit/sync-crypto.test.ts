// End-to-end encryption of synced data with Web Crypto (Node's is the same API as the browser's).
// Keys are derived once per passphrase: at 600,000 PBKDF2 iterations each derivation is slow.
import { beforeAll, describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../src/lib/sync/base64';
import {
  PBKDF2_ITERATIONS,
  decryptBytes,
  decryptJson,
  deriveKey,
  encryptBytes,
  encryptJson,
  makeKeyCheck,
  newSalt,
  verifyKeyCheck,
} from '../../src/lib/sync/crypto';
import { isSyncError } from '../../src/lib/sync/errors';

let key: CryptoKey;
let sameKey: CryptoKey;
let wrongKey: CryptoKey;
const salt = newSalt();

beforeAll(async () => {
  [key, sameKey, wrongKey] = await Promise.all([
    deriveKey('correct horse battery staple', salt),
    deriveKey('correct horse battery staple', salt),
    deriveKey('correct horse battery stapler', salt),
  ]);
}, 60_000);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

const message = {
  id: 'm-1',
  role: 'user',
  content: 'The launch code is swordfish, and the meeting is at Café Überblick 🌍.',
  seq: 42,
  parts: [{ type: 'text', text: 'nested' }],
};

describe('sync encryption', () => {
  it('derives a non-extractable AES-GCM key with 600,000 iterations and a 16-byte salt', () => {
    expect(PBKDF2_ITERATIONS).toBe(600_000);
    expect(salt).toHaveLength(16);
    expect(newSalt()).not.toEqual(salt);
    expect(key.extractable).toBe(false);
    expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
  });

  it('round-trips JSON, with a key derived again from the same passphrase and salt', async () => {
    const sealed = await encryptJson(key, message);
    expect(await decryptJson(sameKey, sealed)).toEqual(message);
    expect(await decryptJson(key, await encryptJson(key, null))).toBeNull();
  });

  it('round-trips bytes of every value, and none', async () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31 + (i >> 8)) % 256);
    const sealed = await encryptBytes(key, bytes);
    // IV in front, the 16-byte tag after.
    expect(sealed.length).toBe(12 + bytes.length + 16);
    expect(await decryptBytes(key, sealed)).toEqual(bytes);
    expect(await decryptBytes(key, await encryptBytes(key, new Uint8Array(0)))).toEqual(
      new Uint8Array(0),
    );
    // A view into a larger buffer encrypts only its own bytes.
    const view = bytes.subarray(100, 200);
    expect(await decryptBytes(key, await encryptBytes(key, view))).toEqual(view);
  });

  it('fails with wrong-passphrase under another passphrase or when altered', async () => {
    const sealed = await encryptJson(key, message);
    const wrong = await rejection(decryptJson(wrongKey, sealed));
    expect(isSyncError(wrong, 'wrong-passphrase')).toBe(true);
    expect((wrong as Error).message).toContain('passphrase');
    const bytes = base64ToBytes(sealed);
    bytes[bytes.length - 20]! ^= 1;
    expect(
      isSyncError(await rejection(decryptJson(key, bytesToBase64(bytes))), 'wrong-passphrase'),
    ).toBe(true);
    expect(
      isSyncError(
        await rejection(decryptBytes(wrongKey, await encryptBytes(key, new Uint8Array([1, 2, 3])))),
        'wrong-passphrase',
      ),
    ).toBe(true);
  });

  it('calls data too short or not base64 damaged, not a wrong passphrase', async () => {
    expect(isSyncError(await rejection(decryptJson(key, 'AAAA')), 'bad-response')).toBe(true);
    expect(
      isSyncError(await rejection(decryptJson(key, 'not base64 at all!')), 'bad-response'),
    ).toBe(true);
  });

  it('leaves no plaintext in the ciphertext', async () => {
    const sealed = await encryptJson(key, message);
    const raw = new TextDecoder('latin1').decode(base64ToBytes(sealed));
    for (const word of ['swordfish', 'launch', 'Café', 'role', 'user', 'm-1', 'nested'])
      for (const text of [sealed, raw]) expect(text).not.toContain(word);
    // Nor in the base64 of the plaintext, at any of its three alignments.
    const plainText = JSON.stringify(message);
    for (let shift = 0; shift < 3; shift++) {
      const b64 = bytesToBase64(new TextEncoder().encode(plainText.slice(shift)));
      expect(sealed).not.toContain(b64.slice(8, 24));
    }
  });

  it('uses a fresh IV for every message', async () => {
    const sealed = await Promise.all(Array.from({ length: 50 }, () => encryptJson(key, message)));
    expect(new Set(sealed).size).toBe(50);
    const ivs = sealed.map((s) => bytesToBase64(base64ToBytes(s).subarray(0, 12)));
    expect(new Set(ivs).size).toBe(50);
  });

  it('checks a passphrase against a key check made on another device', async () => {
    const check = await makeKeyCheck(key);
    expect(check).not.toBe(await makeKeyCheck(key));
    expect(await verifyKeyCheck(sameKey, check)).toBe(true);
    expect(await verifyKeyCheck(wrongKey, check)).toBe(false);
    // A check that opens but says something else is not this key's.
    expect(await verifyKeyCheck(key, await encryptJson(key, 'something else'))).toBe(false);
    expect(isSyncError(await rejection(verifyKeyCheck(key, '%%%')), 'bad-response')).toBe(true);
  });
});

describe('base64', () => {
  it('matches Node for every length around the chunk sizes, and megabytes', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 24_575, 24_576, 24_577, 32_767, 32_768, 32_769, 3_000_001]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 151) % 256);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      // Buffer's compare: toEqual walks megabytes element by element.
      expect(Buffer.from(base64ToBytes(text)).equals(bytes)).toBe(true);
    }
  });

  it('encodes 8 MB quickly', () => {
    const bytes = new Uint8Array(8 * 1024 * 1024).map((_, i) => i % 251);
    const started = performance.now();
    const back = base64ToBytes(bytesToBase64(bytes));
    const elapsed = performance.now() - started;
    expect(Buffer.from(back).equals(bytes)).toBe(true);
    // About 0.2 s here; a string built a byte at a time (or spread into fromCharCode) takes over
    // 1 s for the encoding alone.
    expect(elapsed).toBeLessThan(1_000);
  });
});
