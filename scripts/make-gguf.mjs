// Writes a small llama-architecture GGUF model with random weights, for tests and benchmarks: no
// download, no dependency. The vocabulary is ASCII only (three special tokens, "▁", the printable
// characters and the byte tokens <0x00>–<0x7F>), so whatever the model samples is valid UTF-8.
// The chat template is in the metadata, as real models carry it.
//
// Only words come out: the output projection's rows are large for "▁", letters, digits and . , ! ?
// and zero for every other token (the special tokens, byte tokens, markdown punctuation), which
// the model then practically never picks. So it never ends a reply by itself (a reply runs until
// its max tokens or the context is full; tests set its length) and its text renders calmly.
//
//   node scripts/make-gguf.mjs out.gguf [tiny|large|<layers>x<embd>]
//
// In a browser (the tests import it): `new Blob(makeGguf(options))`.

/** GGUF value types. */
const T = { U32: 4, I32: 5, F32: 6, STRING: 8, ARRAY: 9 };
const ALIGN = 32;

export const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

/** Presets: `tiny` for tests (about 0.5 MB), `large` for benchmarks (about 230 MB). */
export const PRESETS = {
  tiny: { layers: 2, embd: 64, heads: 4, ff: 128, ctx: 512 },
  large: { layers: 8, embd: 768, heads: 12, ff: 2048, ctx: 2048 },
};

/** @param {string} token */
const spoken = (token) => token === '\u2581' || /^[A-Za-z0-9.,!?]$/.test(token);

function vocabulary() {
  const tokens = ['<unk>', '<s>', '</s>', '\u2581'];
  const types = [2, 3, 3, 1];
  for (let c = 0x20; c < 0x7f; c++) {
    tokens.push(String.fromCharCode(c));
    types.push(1);
  }
  for (let b = 0; b < 0x80; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  return { tokens, types };
}

class Writer {
  constructor() {
    /** @type {Uint8Array[]} */
    this.parts = [];
    this.size = 0;
    this.encoder = new TextEncoder();
  }
  /** @param {Uint8Array} bytes */
  bytes(bytes) {
    this.parts.push(bytes);
    this.size += bytes.length;
  }
  /** @param {number} n */
  u32(n) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    this.bytes(b);
  }
  /** @param {number} n */
  i32(n) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, n, true);
    this.bytes(b);
  }
  /** @param {number} n */
  f32(n) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, n, true);
    this.bytes(b);
  }
  /** @param {number} n */
  u64(n) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
    this.bytes(b);
  }
  /** @param {string} s */
  str(s) {
    const b = this.encoder.encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  pad() {
    const rest = this.size % ALIGN;
    if (rest) this.bytes(new Uint8Array(ALIGN - rest));
  }
}

/**
 * The model as a list of byte chunks (so a large one never needs one huge buffer).
 * @param {{layers?: number, embd?: number, heads?: number, ff?: number, ctx?: number, seed?: number, name?: string}} [options]
 * @returns {Uint8Array[]}
 */
export function makeGguf(options = {}) {
  const { layers, embd, heads, ff, ctx } = { ...PRESETS.tiny, ...options };
  const { tokens, types } = vocabulary();
  const nVocab = tokens.length;
  const speaks = tokens.map(spoken);
  /** @type {[string, number[]][]} */
  const tensors = [
    ['token_embd.weight', [embd, nVocab]],
    ['output_norm.weight', [embd]],
    ['output.weight', [embd, nVocab]],
  ];
  for (let i = 0; i < layers; i++) {
    const p = `blk.${i}.`;
    tensors.push(
      [`${p}attn_norm.weight`, [embd]],
      [`${p}attn_q.weight`, [embd, embd]],
      [`${p}attn_k.weight`, [embd, embd]],
      [`${p}attn_v.weight`, [embd, embd]],
      [`${p}attn_output.weight`, [embd, embd]],
      [`${p}ffn_norm.weight`, [embd]],
      [`${p}ffn_gate.weight`, [embd, ff]],
      [`${p}ffn_down.weight`, [ff, embd]],
      [`${p}ffn_up.weight`, [embd, ff]],
    );
  }
  /** @type {[string, number, unknown][]} */
  const kv = [
    ['general.architecture', T.STRING, 'llama'],
    ['general.name', T.STRING, options.name ?? 'Tern test model'],
    ['general.alignment', T.U32, ALIGN],
    ['llama.context_length', T.U32, ctx],
    ['llama.embedding_length', T.U32, embd],
    ['llama.block_count', T.U32, layers],
    ['llama.feed_forward_length', T.U32, ff],
    ['llama.attention.head_count', T.U32, heads],
    ['llama.attention.head_count_kv', T.U32, heads],
    ['llama.attention.layer_norm_rms_epsilon', T.F32, 1e-5],
    ['llama.rope.dimension_count', T.U32, embd / heads],
    ['llama.vocab_size', T.U32, nVocab],
    ['tokenizer.ggml.model', T.STRING, 'llama'],
    ['tokenizer.ggml.tokens', T.ARRAY, [T.STRING, tokens]],
    ['tokenizer.ggml.scores', T.ARRAY, [T.F32, tokens.map((_, i) => -i)]],
    ['tokenizer.ggml.token_type', T.ARRAY, [T.I32, types]],
    ['tokenizer.ggml.unknown_token_id', T.U32, 0],
    ['tokenizer.ggml.bos_token_id', T.U32, 1],
    ['tokenizer.ggml.eos_token_id', T.U32, 2],
    ['tokenizer.ggml.add_bos_token', 7, true],
    ['tokenizer.chat_template', T.STRING, CHAT_TEMPLATE],
  ];

  const w = new Writer();
  w.bytes(new TextEncoder().encode('GGUF'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kv.length);
  /** @param {number} type @param {unknown} v */
  const value = (type, v) => {
    if (type === T.U32) w.u32(/** @type {number} */ (v));
    else if (type === T.I32) w.i32(/** @type {number} */ (v));
    else if (type === T.F32) w.f32(/** @type {number} */ (v));
    else if (type === T.STRING) w.str(/** @type {string} */ (v));
    else if (type === 7) w.bytes(new Uint8Array([v ? 1 : 0]));
    else throw new Error(`type ${type}`);
  };
  for (const [key, type, v] of kv) {
    w.str(key);
    w.u32(type);
    if (type === T.ARRAY) {
      const [elem, list] = /** @type {[number, unknown[]]} */ (v);
      w.u32(elem);
      w.u64(list.length);
      for (const item of list) value(elem, item);
    } else value(type, v);
  }
  let offset = 0;
  const sizes = [];
  for (const [name, dims] of tensors) {
    w.str(name);
    w.u32(dims.length);
    for (const d of dims) w.u64(d);
    w.u32(0); // F32
    w.u64(offset);
    const bytes = dims.reduce((a, b) => a * b, 1) * 4;
    sizes.push(bytes);
    offset += Math.ceil(bytes / ALIGN) * ALIGN;
  }
  w.pad();
  // xorshift32: the same weights for the same seed, so runs compare.
  let s = options.seed ?? 0x2545f491;
  for (const [i, [name]] of tensors.entries()) {
    const count = sizes[i] / 4;
    const data = new Float32Array(Math.ceil(sizes[i] / ALIGN) * (ALIGN / 4));
    const norm = name.endsWith('norm.weight');
    const output = name === 'output.weight';
    for (let j = 0; j < count; j++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const r = (s >>> 0) / 0xffffffff - 0.5;
      // output.weight is [embd, vocab]: row j / embd is a token.
      if (output) data[j] = speaks[Math.floor(j / embd)] ? r * 4 : 0;
      else data[j] = norm ? 1 : r * 0.2;
    }
    w.bytes(new Uint8Array(data.buffer));
  }
  return w.parts;
}

/** @param {string} spec `tiny`, `large` or `<layers>x<embd>` */
export function presetOf(spec) {
  if (spec in PRESETS) return PRESETS[/** @type {keyof typeof PRESETS} */ (spec)];
  const m = /^(\d+)x(\d+)$/.exec(spec);
  if (!m) throw new Error(`Unknown size ${spec}: use tiny, large or <layers>x<embd>`);
  const embd = Number(m[2]);
  return { layers: Number(m[1]), embd, heads: embd / 64, ff: embd * 2.75, ctx: 2048 };
}

if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
  const { createWriteStream } = await import('node:fs');
  const [out, spec = 'tiny'] = process.argv.slice(2);
  if (!out)
    throw new Error('usage: node scripts/make-gguf.mjs out.gguf [tiny|large|<layers>x<embd>]');
  const stream = createWriteStream(out);
  for (const part of makeGguf(presetOf(spec))) stream.write(part);
  await new Promise((resolve) => stream.end(resolve));
}
