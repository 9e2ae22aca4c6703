// Reads a GGUF file's header, without loading the weights: is it GGUF at all, is it whole (the
// header says where every tensor ends), and what the model is (architecture, name, context, size
// of its layers, whether it carries a chat template). A file is checked before it is kept, so that
// a file that is not a model, or a download cut short, is never stored as one.
import { LocalModelError } from './errors';

export interface GgufInfo {
  version: number;
  architecture: string;
  name: string | null;
  contextLength: number | null;
  layers: number | null;
  embedding: number | null;
  headsKv: number | null;
  heads: number | null;
  hasChatTemplate: boolean;
  tensorCount: number;
  /** The size the header says the file has; null when a tensor type is unknown to this reader. */
  expectedBytes: number | null;
}

// [elements per block, bytes per block] for ggml's tensor types (ggml.h, ggml.c type_traits).
const TYPE_SIZES: Record<number, [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  16: [256, 66], // IQ2_XXS
  17: [256, 74], // IQ2_XS
  18: [256, 98], // IQ3_XXS
  19: [256, 50], // IQ1_S
  20: [32, 18], // IQ4_NL
  21: [256, 110], // IQ3_S
  22: [256, 82], // IQ2_S
  23: [256, 136], // IQ4_XS
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  29: [256, 56], // IQ1_M
  30: [1, 2], // BF16
  34: [256, 54], // TQ1_0
  35: [256, 66], // TQ2_0
  39: [32, 17], // MXFP4
};

const CHUNK = 1 << 20;
/** No real key, name or template is this long: past it the file is damaged, not a model. */
const MAX_STRING = 64 << 20;

class Truncated extends Error {}

/** Reads little-endian values from a Blob through a sliding window, loading more as needed. */
class BlobReader {
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private start = 0;
  pos = 0;
  constructor(private readonly blob: Blob) {}

  private async need(n: number): Promise<void> {
    if (this.pos + n <= this.start + this.buf.length) return;
    if (this.pos + n > this.blob.size) throw new Truncated();
    const end = Math.min(this.blob.size, this.pos + Math.max(n, CHUNK));
    this.buf = new Uint8Array(await this.blob.slice(this.pos, end).arrayBuffer());
    this.view = new DataView(this.buf.buffer);
    this.start = this.pos;
  }
  async u32(): Promise<number> {
    await this.need(4);
    const v = this.view.getUint32(this.pos - this.start, true);
    this.pos += 4;
    return v;
  }
  async u64(): Promise<number> {
    await this.need(8);
    const v = this.view.getBigUint64(this.pos - this.start, true);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Damaged();
    return Number(v);
  }
  async bytes(n: number): Promise<Uint8Array> {
    await this.need(n);
    const out = this.buf.subarray(this.pos - this.start, this.pos - this.start + n);
    this.pos += n;
    return out;
  }
  skip(n: number): void {
    if (this.pos + n > this.blob.size) throw new Truncated();
    this.pos += n;
  }
  async str(): Promise<string> {
    const n = await this.u64();
    if (n > MAX_STRING) throw new Damaged();
    return new TextDecoder().decode(await this.bytes(n));
  }
}

class Damaged extends Error {}

const SCALAR_SIZES: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};

async function readValue(r: BlobReader, type: number): Promise<unknown> {
  if (type === 8) return r.str();
  if (type === 4 || type === 5) {
    const n = await r.u32();
    return type === 5 ? n | 0 : n;
  }
  if (type === 10 || type === 11) return r.u64();
  if (type === 9) {
    const elem = await r.u32();
    const count = await r.u64();
    if (elem === 8) for (let i = 0; i < count; i++) r.skip(await r.u64());
    else if (elem in SCALAR_SIZES) r.skip(count * (SCALAR_SIZES[elem] ?? 0));
    else throw new Damaged();
    return null;
  }
  const size = SCALAR_SIZES[type];
  if (size === undefined) throw new Damaged();
  r.skip(size);
  return null;
}

/** The header of a GGUF model; throws LocalModelError `not-gguf` or `truncated`. */
export async function inspectGguf(blob: Blob, label = 'This file'): Promise<GgufInfo> {
  const notGguf = new LocalModelError(
    'not-gguf',
    `${label} is not a GGUF model. Pick a .gguf file (the format llama.cpp, Ollama and LM Studio use).`,
  );
  const truncated = new LocalModelError(
    'truncated',
    `${label} is incomplete: it ends before the model does (a download cut short?). Get the whole file and try again.`,
  );
  const r = new BlobReader(blob);
  try {
    const magic = new TextDecoder().decode(await r.bytes(4));
    if (magic !== 'GGUF') throw notGguf;
    const version = await r.u32();
    if (version < 2 || version > 3) throw notGguf;
    const tensorCount = await r.u64();
    const kvCount = await r.u64();
    const meta = new Map<string, unknown>();
    for (let i = 0; i < kvCount; i++) {
      const key = await r.str();
      const type = await r.u32();
      meta.set(key, await readValue(r, type));
    }
    let known = true;
    let end = 0;
    for (let i = 0; i < tensorCount; i++) {
      await r.str();
      const dims = await r.u32();
      if (dims > 8) throw new Damaged();
      let elements = 1;
      for (let d = 0; d < dims; d++) elements *= await r.u64();
      const type = await r.u32();
      const offset = await r.u64();
      const size = TYPE_SIZES[type];
      if (!size) known = false;
      else end = Math.max(end, offset + (elements / size[0]) * size[1]);
    }
    const alignment =
      typeof meta.get('general.alignment') === 'number'
        ? (meta.get('general.alignment') as number)
        : 32;
    const dataStart = Math.ceil(r.pos / alignment) * alignment;
    const expectedBytes = known ? dataStart + end : null;
    if (expectedBytes !== null && blob.size < expectedBytes) throw truncated;
    const arch = meta.get('general.architecture');
    const num = (key: string) => {
      const v = typeof arch === 'string' ? meta.get(`${arch}.${key}`) : undefined;
      return typeof v === 'number' ? v : null;
    };
    const name = meta.get('general.name');
    return {
      version,
      architecture: typeof arch === 'string' ? arch : 'unknown',
      name: typeof name === 'string' && name.trim() ? name.trim() : null,
      contextLength: num('context_length'),
      layers: num('block_count'),
      embedding: num('embedding_length'),
      heads: num('attention.head_count'),
      headsKv: num('attention.head_count_kv'),
      hasChatTemplate: typeof meta.get('tokenizer.chat_template') === 'string',
      tensorCount,
      expectedBytes,
    };
  } catch (e) {
    if (e instanceof Truncated) throw truncated;
    if (e instanceof Damaged) throw notGguf;
    throw e;
  }
}

/** Enough of a file to tell whether it is GGUF (a download checks its first bytes early). */
export function looksLikeGguf(first: Uint8Array): boolean {
  return first.length >= 4 && new TextDecoder().decode(first.subarray(0, 4)) === 'GGUF';
}
