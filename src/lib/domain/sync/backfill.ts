// Gives every record written before sync existed (before schema version 5) its clock, after the
// open and in the background: store by store in key order, a few hundred rows per transaction, the
// watermark (`sync:backfill` in meta) moved in the same transaction, so a closed tab resumes where it
// stopped and never stamps a row twice. The clock is the row's own last change time, so an old
// record loses to any edit made since on another device. A record already stamped (written after
// the upgrade) keeps its clock.
import type { TernDB } from '../../db/database';
import { clockAt } from '../../db/hlc';
import type { JsonValue, SyncClockRow } from '../../db/rows';
import { SYNC_BACKFILL_KEY } from '../../db/sync-clock';
import {
  idOfRow,
  KIND_OF_TABLE,
  recordKey,
  SYNC_KINDS,
  SYNC_KIND_NAMES,
  type RecordId,
  type SyncTable,
} from '../../db/sync-kinds';
import { rowsAfter } from '../../db/sync-reads';
import { rw } from '../tx';

const TABLES: readonly SyncTable[] = SYNC_KIND_NAMES.flatMap((k) => SYNC_KINDS[k]);
const BATCH = 500;

export interface SyncBackfillState {
  done: boolean;
  /** Index in TABLES of the store under way. */
  table: number;
  /** The last key stamped in that store. */
  after: RecordId | null;
}

/** The time a row last changed, by whichever field its store keeps. */
function changedAt(row: object): number {
  const r = row as Record<string, unknown>;
  for (const f of ['updatedAt', 'lastActivityAt', 'lastUsedAt', 'archivedAt', 'createdAt'])
    if (typeof r[f] === 'number') return r[f];
  return 0;
}

export async function readSyncBackfill(db: TernDB): Promise<SyncBackfillState> {
  const row = await db.meta.get(SYNC_BACKFILL_KEY);
  return (
    (row?.value as unknown as SyncBackfillState | undefined) ?? {
      done: false,
      table: 0,
      after: null,
    }
  );
}

/** Stamps one batch; false once every store is done. */
export async function stampBatch(db: TernDB): Promise<boolean> {
  const state = await readSyncBackfill(db);
  if (state.done) return false;
  const table = TABLES[state.table];
  if (!table) {
    await db.meta.put({ key: SYNC_BACKFILL_KEY, value: { ...state, done: true } });
    return false;
  }
  const kind = KIND_OF_TABLE.get(table);
  if (!kind) throw new Error(`no sync kind for ${table}`);
  await rw(db, [db.table(table), db.syncClocks, db.meta], async () => {
    const rows = await rowsAfter(db, table, state.after, BATCH);
    const ids = rows.map((r) => idOfRow(table, r));
    const keys = ids.map((id) => recordKey(kind, id));
    const have = await db.syncClocks.bulkGet(keys);
    const stamps: SyncClockRow[] = [];
    rows.forEach((row, i) => {
      if (!have[i]) stamps.push({ key: keys[i] as string, c: clockAt(changedAt(row)), dirty: 1 });
    });
    await db.syncClocks.bulkPut(stamps);
    const last = ids[ids.length - 1];
    const next: SyncBackfillState =
      rows.length < BATCH || last === undefined
        ? { done: false, table: state.table + 1, after: null }
        : { done: false, table: state.table, after: last };
    await db.meta.put({ key: SYNC_BACKFILL_KEY, value: next as unknown as JsonValue });
  });
  return true;
}

/** Stamps everything still unstamped, giving the page a turn between batches. */
export async function runSyncBackfill(
  db: TernDB,
  pause: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0)),
): Promise<void> {
  while (await stampBatch(db)) await pause();
}
