// The layout of the index in numbers: document numbers, blocks, and the two counters in `meta`.
// Document numbers tell recency: the first pass over the history counts down from LIVE_BASE (the
// newest sessions first, each from its newest message), everything written later counts up from it.

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

/** Sorted union of ascending lists. */
export function union(lists: readonly Uint32Array[]): Uint32Array {
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

/** Whether an ascending list holds `doc`. */
export function holds(list: Uint32Array, doc: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid] ?? 0;
    if (v === doc) return true;
    if (v < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
