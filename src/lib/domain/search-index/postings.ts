// The layout of the index in numbers: document numbers, blocks, and the two counters in `meta`.
// Document numbers tell recency: the first pass over the history counts down from LIVE_BASE (the
// newest sessions first, each from its newest message), everything written later counts up from it.
// Beside each document number a postings row may keep where the word stands in that text, as a
// mask of word positions modulo 64: enough to rule out most texts where the words of a phrase are
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
  /**
   * Two numbers per document: bit p of the first (p < 32), or p - 32 of the second, is set when the
   * word is a (p + 64k)-th word of the text (0-based).
   */
  at: Uint32Array;
}

/** The position masks of every word of a text (its words in order, as tokenize gives them). */
export function positions(words: readonly string[]): Map<string, [number, number]> {
  const at = new Map<string, [number, number]>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    let m = at.get(w);
    if (!m) at.set(w, (m = [0, 0]));
    const half = (i >> 5) & 1;
    m[half] = ((m[half] ?? 0) | (1 << (i & 31))) >>> 0;
  }
  return at;
}

/**
 * A mask moved back by `k` words, written into `out`: a word k places into a phrase then lines up
 * with its first.
 */
export function back(lo: number, hi: number, k: number, out: Uint32Array): void {
  let s = k & 63;
  if (s >= 32) {
    [lo, hi] = [hi, lo];
    s -= 32;
  }
  if (s === 0) {
    out[0] = lo;
    out[1] = hi;
    return;
  }
  out[0] = (lo >>> s) | (hi << (32 - s));
  out[1] = (hi >>> s) | (lo << (32 - s));
}

const atOf = (row: Pick<SearchPostingRow, 'docs' | 'at'>): Uint32Array =>
  row.at && row.at.length === 2 * row.docs.length
    ? row.at
    : new Uint32Array(2 * row.docs.length).fill(ANYWHERE);

const ascending = (docs: ArrayLike<number>): boolean => {
  for (let i = 1; i < docs.length; i++) if ((docs[i] ?? 0) <= (docs[i - 1] ?? 0)) return false;
  return true;
};

/** Two ascending lists as one, a document in both keeping every position of each. */
function merge(a: Placed, b: Placed): Placed {
  const n = a.docs.length + b.docs.length;
  const docs = new Uint32Array(n);
  const at = new Uint32Array(2 * n);
  let i = 0;
  let j = 0;
  let w = 0;
  while (i < a.docs.length || j < b.docs.length) {
    const x = i < a.docs.length ? (a.docs[i] ?? 0) : Infinity;
    const y = j < b.docs.length ? (b.docs[j] ?? 0) : Infinity;
    const d = Math.min(x, y);
    let lo = 0;
    let hi = 0;
    if (x === d) {
      lo |= a.at[2 * i] ?? 0;
      hi |= a.at[2 * i++ + 1] ?? 0;
    }
    if (y === d) {
      lo |= b.at[2 * j] ?? 0;
      hi |= b.at[2 * j++ + 1] ?? 0;
    }
    docs[w] = d;
    at[2 * w] = lo;
    at[2 * w++ + 1] = hi;
  }
  return { docs: docs.subarray(0, w), at: at.subarray(0, 2 * w) };
}

/** A list of one block put in order (lists written by the indexer already are, and are kept). */
export function sorted(list: Placed): Placed {
  const { docs, at } = list;
  if (ascending(docs)) return list;
  const n = docs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => (docs[x] ?? 0) - (docs[y] ?? 0),
  );
  const out = { docs: new Uint32Array(n), at: new Uint32Array(2 * n) };
  let w = 0;
  for (const i of order) {
    const d = docs[i] ?? 0;
    const lo = at[2 * i] ?? 0;
    const hi = at[2 * i + 1] ?? 0;
    if (w > 0 && out.docs[w - 1] === d) {
      out.at[2 * w - 2] = (out.at[2 * w - 2] ?? 0) | lo;
      out.at[2 * w - 1] = (out.at[2 * w - 1] ?? 0) | hi;
    } else {
      out.docs[w] = d;
      out.at[2 * w] = lo;
      out.at[2 * w++ + 1] = hi;
    }
  }
  return { docs: out.docs.subarray(0, w), at: out.at.subarray(0, 2 * w) };
}

/**
 * Lists of one block (each ascending, as stored) joined into one, ascending. Without `where`, only
 * the documents: a word outside any phrase needs no positions, and a native sort of the numbers
 * beats merging them with their masks.
 */
export function union(
  lists: readonly Pick<SearchPostingRow, 'docs' | 'at'>[],
  where = true,
): Placed {
  if (!where) return { docs: unionDocs(lists.map((l) => l.docs)), at: new Uint32Array(0) };
  let all = lists.map((l) => sorted({ docs: l.docs, at: atOf(l) }));
  if (all.length === 0) return { docs: new Uint32Array(0), at: new Uint32Array(0) };
  // Pairwise, so each entry is copied about log2(lists) times.
  while (all.length > 1) {
    const next: Placed[] = [];
    for (let i = 0; i < all.length; i += 2) {
      const a = all[i] as Placed;
      const b = all[i + 1];
      next.push(b ? merge(a, b) : a);
    }
    all = next;
  }
  return all[0] as Placed;
}

function unionDocs(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 1 && lists[0]) return lists[0];
  let n = 0;
  for (const l of lists) n += l.length;
  const all = new Uint32Array(n);
  let at = 0;
  for (const l of lists) {
    all.set(l, at);
    at += l.length;
  }
  all.sort();
  let w = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[w - 1]) all[w++] = all[i] ?? 0;
  return all.subarray(0, w);
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
