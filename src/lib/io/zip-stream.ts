// Zips read in place, never whole: the central directory at the end of the file says where each
// entry lives, so one entry can be inflated on its own (an image a conversation points at) or
// streamed through fflate's `Unzip` (a conversations.json of hundreds of megabytes) while the
// rest of the file stays on disk.
import { inflateSync, strFromU8, Unzip, UnzipInflate } from 'fflate';
import { InputError } from './clean';

export interface ZipEntry {
  name: string;
  /** Where the entry's local header starts. */
  offset: number;
  method: number;
  compressedSize: number;
  size: number;
}

const damaged = () => new InputError('truncated', 'The zip file is damaged or cut short.');

async function bytesAt(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

const u16 = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u32 = (b: Uint8Array, at: number) => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 2 ** 32;

export async function isZipBlob(blob: Blob): Promise<boolean> {
  const b = await bytesAt(blob, 0, 4);
  return b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** Where the central directory is and how many entries it lists, zip64 included. */
async function directory(blob: Blob): Promise<{ offset: number; size: number; count: number }> {
  const tailStart = Math.max(0, blob.size - 65_557);
  const tail = await bytesAt(blob, tailStart, blob.size);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (u32(tail, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw damaged();
  const found = {
    count: u16(tail, eocd + 10),
    size: u32(tail, eocd + 12),
    offset: u32(tail, eocd + 16),
  };
  if (found.offset !== 0xffffffff && found.count !== 0xffff) return found;
  const locator = eocd - 20;
  if (locator < 0 || u32(tail, locator) !== 0x07064b50) throw damaged();
  const at = u64(tail, locator + 8);
  const z = await bytesAt(blob, at, at + 56);
  if (u32(z, 0) !== 0x06064b50) throw damaged();
  return { count: u64(z, 32), size: u64(z, 40), offset: u64(z, 48) };
}

/** The entries in the order the zip lists them (the order unzipping the whole file gives). */
export async function zipEntries(blob: Blob): Promise<ZipEntry[]> {
  const dir = await directory(blob);
  const b = await bytesAt(blob, dir.offset, dir.offset + dir.size);
  const out: ZipEntry[] = [];
  let at = 0;
  for (let n = 0; n < dir.count; n++) {
    if (u32(b, at) !== 0x02014b50) throw damaged();
    const flags = u16(b, at + 8);
    const nameLen = u16(b, at + 28);
    const extraLen = u16(b, at + 30);
    const entry: ZipEntry = {
      // As fflate names them: UTF-8 when the entry says so, Latin-1 otherwise.
      name: strFromU8(b.subarray(at + 46, at + 46 + nameLen), (flags & 0x800) === 0),
      method: u16(b, at + 10),
      compressedSize: u32(b, at + 20),
      size: u32(b, at + 24),
      offset: u32(b, at + 42),
    };
    readZip64(b.subarray(at + 46 + nameLen, at + 46 + nameLen + extraLen), entry);
    at += 46 + nameLen + extraLen + u16(b, at + 32);
    if (!entry.name.endsWith('/')) out.push(entry);
  }
  return out;
}

/** Sizes and offsets too big for 32 bits live in the zip64 extra field, in this order. */
function readZip64(extra: Uint8Array, e: ZipEntry): void {
  for (let i = 0; i + 4 <= extra.length; i += 4 + u16(extra, i + 2)) {
    if (u16(extra, i) !== 0x0001) continue;
    let at = i + 4;
    const next = () => {
      const v = u64(extra, at);
      at += 8;
      return v;
    };
    if (e.size === 0xffffffff) e.size = next();
    if (e.compressedSize === 0xffffffff) e.compressedSize = next();
    if (e.offset === 0xffffffff) e.offset = next();
  }
}

/** One entry's bytes, inflated on their own. */
export async function readZipEntry(blob: Blob, e: ZipEntry): Promise<Uint8Array> {
  const head = await bytesAt(blob, e.offset, e.offset + 30);
  if (u32(head, 0) !== 0x04034b50) throw damaged();
  const start = e.offset + 30 + u16(head, 26) + u16(head, 28);
  const data = await bytesAt(blob, start, start + e.compressedSize);
  if (e.method === 0) return data;
  if (e.method !== 8)
    throw new InputError('unknown-format', 'The zip uses a compression Tern cannot read.');
  try {
    return inflateSync(data, { out: new Uint8Array(e.size) });
  } catch {
    throw damaged();
  }
}

/**
 * One entry streamed: the file is read in slices from the entry's header on, each slice pushed
 * through fflate's `Unzip`, and what it inflates handed on with the number of zip bytes read.
 */
export async function* streamZipEntry(
  blob: Blob,
  e: ZipEntry,
  sliceSize: number,
): AsyncGenerator<{ data: Uint8Array[]; read: number }> {
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  const out: Uint8Array[] = [];
  let started = false;
  let final = false;
  let failed = false;
  unzip.onfile = (f) => {
    if (started) return;
    started = true;
    f.ondata = (err, data, last) => {
      if (err) failed = true;
      else {
        out.push(data);
        final ||= last;
      }
    };
    f.start();
  };
  const end = Math.min(blob.size, e.offset + 30 + 65_535 * 2 + e.compressedSize);
  for (let pos = e.offset; !final; pos += sliceSize) {
    if (pos >= end) throw damaged();
    const slice = await bytesAt(blob, pos, Math.min(end, pos + sliceSize));
    try {
      unzip.push(slice, pos + sliceSize >= end);
    } catch {
      throw damaged();
    }
    if (failed) throw damaged();
    yield { data: out.splice(0), read: slice.length };
  }
}
