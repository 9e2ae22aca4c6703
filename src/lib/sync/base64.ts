// Base64 for attachments and ciphertexts, which run to megabytes: the platform's own codec where
// the browser has one (Uint8Array.prototype.toBase64 / Uint8Array.fromBase64). Otherwise encoding
// writes the ASCII into a byte array through a table and decodes it to a string once (8 MB in
// about 0.1 s, where String.fromCharCode over chunks and btoa took ten times that), and decoding
// runs atob over chunks into one byte array. No string is built a byte at a time.
import { SyncError } from './errors';

// Native codec, not yet in TypeScript's lib.
interface NativeBytes {
  toBase64?: () => string;
}
interface NativeBytesConstructor {
  fromBase64?: (text: string) => Uint8Array<ArrayBuffer>;
}

const ALPHABET = new TextEncoder().encode(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
);
const PAD = 61; // '='
/** A multiple of 4, so each chunk decodes to whole groups of 3 bytes. */
const DECODE_CHUNK = 4 * 8192;

export function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as NativeBytes).toBase64;
  if (typeof native === 'function') return native.call(bytes);
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  const a = ALPHABET;
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = a[v >> 18]!;
    out[o++] = a[(v >> 12) & 63]!;
    out[o++] = a[(v >> 6) & 63]!;
    out[o++] = a[v & 63]!;
  }
  if (i < n) {
    const v = (bytes[i]! << 16) | (i + 1 < n ? bytes[i + 1]! << 8 : 0);
    out[o++] = a[v >> 18]!;
    out[o++] = a[(v >> 12) & 63]!;
    out[o++] = i + 1 < n ? a[(v >> 6) & 63]! : PAD;
    out[o] = PAD;
  }
  return new TextDecoder().decode(out);
}

/** The bytes of standard base64 text; SyncError `bad-response` when it is not base64. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as NativeBytesConstructor).fromBase64;
  try {
    if (typeof native === 'function') return native(text);
    const clean = text.replace(/\s+/g, '');
    const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
    const out = new Uint8Array(Math.floor((clean.length * 3) / 4) - padding);
    let at = 0;
    for (let i = 0; i < clean.length; i += DECODE_CHUNK) {
      const binary = atob(clean.slice(i, i + DECODE_CHUNK));
      for (let j = 0; j < binary.length; j++) out[at++] = binary.charCodeAt(j);
    }
    if (at !== out.length) throw new Error('truncated base64');
    return out;
  } catch (e) {
    throw new SyncError('bad-response', 'The data is damaged: it is not valid base64.', {
      cause: e,
    });
  }
}
