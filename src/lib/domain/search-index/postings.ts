// The layout of the index in numbers: document numbers, blocks, and the two counters in `meta`.
// Document numbers tell recency: the first pass over the history counts down from LIVE_BASE (the
// newest sessions first, each from its newest message), everything written later counts up from it.
// Beside each document number a postings row may keep where the word stands in that text, as a
// mask of word positions modulo 32: enough to rule out most texts where the words of a phrase are
// all present but never side by side, without reading them.
import type { SearchPostingRow } from '../../db/rows';

export {
  asJson,
  BACKFILL_KEY,
  LIVE_BASE,
  LIVE_KEY,
  type BackfillCursor,
  type BackfillState,
  type LiveState,
} from '../../db/search-layout';

/** Document numbers per postings row: a word has one row per block it occurs in. */
export const BLOCK = 16_384;
export const blockOf = (doc: number): number => Math.floor(doc / BLOCK);

/** Where a word stands when that is not known (a row written before positions were kept). */
export const ANYWHERE = 0xffffffff;

/** The documents of one block holding a word, ascending, and where it stands in each. */
export interface Placed {
  docs: Uint32Array;
  /** Bit p % 32 is set when the word is the p-th word of the text (0-based). */
  at: Uint32Array;
}

/** The position mask of every word of a text (its words in order, as tokenize gives them). */
export function positions(words: readonly string[]): Map<string, number> {
  const at = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    at.set(w, ((at.get(w) ?? 0) | (1 << (i & 31))) >>> 0);
  }
  return at;
}

/** A mask moved back by `k` words: a word k places into a phrase lines up with its first. */
export function back(mask: number, k: number): number {
  const s = k & 31;
  return s === 0 ? mask : ((mask >>> s) | (mask << (32 - s))) >>> 0;
}

const atOf = (row: Pick<SearchPostingRow, 'docs' | 'at'>): Uint32Array =>
  row.at && row.at.length === row.docs.length
    ? row.at
    : new Uint32Array(row.docs.length).fill(ANYWHERE);

const ascending = (docs: ArrayLike<number>): boolean => {
  for (let i = 1; i < docs.length; i++) if ((docs[i] ?? 0) <= (docs[i - 1] ?? 0)) return false;
  return true;
};

/**
 * A list of one block put in order, a document found twice keeping every position of both: each
 * entry is sorted as one number (the document's place in its block above its mask: 46 bits, exact
 * in a double). Lists already in order, as the indexer writes them, are returned as they are.
 */
export function sorted(list: Placed): Placed {
  const { docs, at } = list;
  if (ascending(docs)) return list;
  const n = docs.length;
  const base = blockOf(docs[0] ?? 0) * BLOCK;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = ((docs[i] ?? 0) - base) * 2 ** 32 + (at[i] ?? 0);
  packed.sort();
  const out = { docs: new Uint32Array(n), at: new Uint32Array(n) };
  let w = 0;
  for (let i = 0; i < n; i++) {
    const v = packed[i] ?? 0;
    const d = base + Math.floor(v / 2 ** 32);
    const m = v % 2 ** 32;
    if (w > 0 && out.docs[w - 1] === d) out.at[w - 1] = ((out.at[w - 1] ?? 0) | m) >>> 0;
    else {
      out.docs[w] = d;
      out.at[w++] = m;
    }
  }
  return { docs: out.docs.subarray(0, w), at: out.at.subarray(0, w) };
}

/** Lists of one block joined into one, ascending (see sorted). */
export function union(lists: readonly Pick<SearchPostingRow, 'docs' | 'at'>[]): Placed {
  const first = lists[0];
  if (lists.length === 1 && first) return sorted({ docs: first.docs, at: atOf(first) });
  let n = 0;
  for (const l of lists) n += l.docs.length;
  const all = { docs: new Uint32Array(n), at: new Uint32Array(n) };
  let w = 0;
  for (const l of lists) {
    all.docs.set(l.docs, w);
    all.at.set(atOf(l), w);
    w += l.docs.length;
  }
  return sorted(all);
}

/** Where an ascending list holds `doc`, or -1. */
export function indexOf(list: Uint32Array, doc: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid] ?? 0;
    if (v === doc) return mid;
    if (v < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Whether an ascending list holds `doc`. */
export const holds = (list: Uint32Array, doc: number): boolean => indexOf(list, doc) !== -1;
