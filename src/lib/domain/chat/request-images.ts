// The images a request carries, read from the database just before it is sent. The provider layer
// never touches storage, so the bytes are handed over as base64 in the neutral request. An image
// that is gone (deleted, unreadable) or of a type no provider takes is left out: the text of its
// message still goes.
import type { TernDB } from '../../db/database';
import type { ImageRow, MessageRow } from '../../db/rows';
import { IMAGE_MIME_TYPES } from '../../providers/types';
import { mapErrors } from '../../db/errors';

export interface RequestImage {
  mimeType: string;
  /** base64, without a `data:` prefix. */
  data: string;
}

// A multiple of 3, so that each chunk encodes to whole base64 quads and the pieces join cleanly;
// small enough to pass as call arguments in every engine.
const CHUNK = 3 * 4096;

/** base64 of the bytes in linear time: per chunk, never a string grown a byte at a time. */
export function toBase64(bytes: Uint8Array): string {
  // Uint8Array.prototype.toBase64 is newer than the TypeScript lib in use; used where present.
  const b = bytes as Uint8Array & { toBase64?(): string };
  return typeof b.toBase64 === 'function' ? b.toBase64() : chunkedBase64(bytes);
}

export function chunkedBase64(bytes: Uint8Array): string {
  const pieces: string[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK)
    pieces.push(btoa(String.fromCharCode(...bytes.subarray(i, i + CHUNK))));
  return pieces.join('');
}

/**
 * Encoded images by image id, so that every later request of a conversation reuses the base64 of
 * an image instead of reading and encoding it again. Image rows never change after they are
 * written (scaling makes a new row), so the id is the whole key. Bounded by the characters held,
 * least recently used first out; an image larger than the whole bound is not kept, and a deleted
 * one leaves when the next request of its conversation finds it gone.
 */
export class EncodedImageCache {
  private readonly entries = new Map<string, string>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  get(id: string): string | undefined {
    const data = this.entries.get(id);
    if (data !== undefined) {
      this.entries.delete(id);
      this.entries.set(id, data);
    }
    return data;
  }

  set(id: string, data: string): void {
    this.delete(id);
    if (data.length > this.maxChars) return;
    this.entries.set(id, data);
    this.chars += data.length;
    for (const [oldest, old] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= old.length;
    }
  }

  delete(id: string): void {
    const old = this.entries.get(id);
    if (old === undefined) return;
    this.entries.delete(id);
    this.chars -= old.length;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** 48 million characters: a few dozen photos as providers take them, about 96 MB of memory. */
export const encodedImages = new EncodedImageCache(48_000_000);

function sendableType(row: ImageRow): string | null {
  const type = (row.mimeType || row.blob?.type || '').toLowerCase();
  const normal = type === 'image/jpg' ? 'image/jpeg' : type;
  return IMAGE_MIME_TYPES.includes(normal) ? normal : null;
}

async function bytesOf(row: ImageRow): Promise<Uint8Array | null> {
  if (row.blob) return new Uint8Array(await row.blob.arrayBuffer());
  return row.data ? new Uint8Array(row.data) : null;
}

/** The images the user messages among `rows` point to, by image id; missing ones are absent. */
export async function loadRequestImages(
  db: TernDB,
  rows: readonly MessageRow[],
): Promise<Map<string, RequestImage>> {
  const ids = [
    ...new Set(
      rows.flatMap((r) =>
        r.role === 'user' ? r.parts.flatMap((p) => (p.type === 'image' ? [p.imageId] : [])) : [],
      ),
    ),
  ];
  const out = new Map<string, RequestImage>();
  if (ids.length === 0) return out;
  const found = await mapErrors(() => db.images.bulkGet(ids));
  for (const [i, row] of found.entries()) {
    // A deleted image leaves the cache the first time a request finds it gone.
    if (!row) {
      encodedImages.delete(ids[i] ?? '');
      continue;
    }
    const mimeType = sendableType(row);
    if (!mimeType) continue;
    const cached = encodedImages.get(row.id);
    if (cached !== undefined) {
      out.set(row.id, { mimeType, data: cached });
      continue;
    }
    // Read after the transaction above has ended. A Blob whose backing file the browser lost
    // throws here; that image is skipped rather than failing the whole message.
    const bytes = await bytesOf(row).catch(() => null);
    if (!bytes || bytes.length === 0) continue;
    const data = toBase64(bytes);
    encodedImages.set(row.id, data);
    out.set(row.id, { mimeType, data });
  }
  return out;
}
