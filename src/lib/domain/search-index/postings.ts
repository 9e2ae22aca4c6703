// The layout of the index in numbers: document numbers, blocks, and the two counters in `meta`.
// Document numbers tell recency: the first pass over the history counts down from LIVE_BASE (the
// newest sessions first, each from its newest message), everything written later counts up from it.
import type { JsonValue } from '../../db/rows';

export const LIVE_BASE = 2 ** 31;
/** Document numbers per postings row: a word has one row per block it occurs in. */
export const BLOCK = 16_384;
export const blockOf = (doc: number): number => Math.floor(doc / BLOCK);

export const LIVE_KEY = 'search:live';
export const BACKFILL_KEY = 'search:backfill';

export interface LiveState {
  /** The next document number for a text written after the first pass began. */
  next: number;
}

export interface BackfillCursor {
  /** The last session done (lastActivityAt, id), and where inside the next one to go on. */
  at: number;
  id: string;
  /** Messages below this seq of session `id` are still to do; null when it is done. */
  below: number | null;
}

export interface BackfillState {
  /** Sessions active after this were written with the queue in place and are swept at the end. */
  startedAt: number;
  /** The next (downward) document number. */
  down: number;
  cursor: BackfillCursor | null;
  /** Texts indexed by the first pass, and how many there were when it began. */
  indexed: number;
  total: number;
  done: boolean;
}

export const asJson = (v: LiveState | BackfillState): JsonValue => v as unknown as JsonValue;

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
