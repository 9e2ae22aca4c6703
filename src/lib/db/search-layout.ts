// The search index's bookkeeping in `meta` (schema/v3.ts): where document numbers stand, and the
// watermark of the first pass over the history. Defined here, beside the stores, because opening a
// new database writes them too: an empty library has nothing to index, so the indexer's code need
// not load until something is written.
import type { TernDB } from './database';
import type { JsonValue } from './rows';

export const LIVE_BASE = 2 ** 31;
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

/** The first pass of a library that starts empty: nothing to do. */
export function emptyBackfill(now: number): BackfillState {
  return { startedAt: now, down: LIVE_BASE - 1, cursor: null, indexed: 0, total: 0, done: true };
}

/** Whether the index has work waiting: the first pass unfinished, or texts queued. */
export async function searchIndexPending(db: TernDB): Promise<boolean> {
  if (!db.tables.some((t) => t.name === 'searchQueue')) return false;
  return db.transaction('r', db.meta, db.searchQueue, async () => {
    const [state, queued] = await Promise.all([
      db.meta.get(BACKFILL_KEY),
      db.searchQueue.limit(1).count(),
    ]);
    return !(state?.value as BackfillState | undefined)?.done || queued > 0;
  });
}
