// The local side of a push: the changes not yet on the server, read as records, and the mark that
// they arrived. A message still being written (waiting in the outbox, or streaming) is held back
// until it settles: another device must never see it as waiting and send it to a model again.
import type { TernDB } from '../../db/database';
import type { MessageRow } from '../../db/rows';
import {
  parseRecordKey,
  SYNC_KIND_NAMES,
  SYNC_KINDS,
  type RecordId,
  type SyncKind,
} from '../../db/sync-kinds';
import { countUnsent, unsentClocks } from '../../db/sync-reads';
import { ro, rw } from '../tx';
import type { SyncRecord } from './records';

export { countUnsent };

type Found = Pick<SyncRecord, 'row' | 'store'>;

/** The rows of these records, each looked up in its kind's stores in turn, a store at a time. */
async function rowsOf(db: TernDB, wanted: readonly { kind: SyncKind; id: RecordId }[]) {
  const out: Found[] = wanted.map(() => ({ row: null }));
  for (const kind of SYNC_KIND_NAMES)
    for (const table of SYNC_KINDS[kind]) {
      const at = wanted.flatMap((w, i) => (w.kind === kind && out[i]?.row === null ? [i] : []));
      if (at.length === 0) continue;
      const rows = (await db
        .table(table)
        .bulkGet(at.map((i) => (wanted[i] as { id: RecordId }).id))) as (object | undefined)[];
      rows.forEach((row, k) => {
        if (!row) return;
        out[at[k] as number] =
          table === 'messages' || table === 'branchMessages' ? { row, store: table } : { row };
      });
    }
  return out;
}

/**
 * Up to `limit` unsent changes, as records (a deletion's row is null). `held` counts messages left
 * for later because they are not settled yet; a clock key no kind owns (a newer version's) is left
 * alone.
 */
export async function readUnsent(
  db: TernDB,
  limit: number,
): Promise<{ records: SyncRecord[]; held: number }> {
  const tables = Object.values(SYNC_KINDS).flatMap((ts) => ts.map((t) => db.table(t)));
  return ro(db, [db.syncClocks, ...tables], async () => {
    const clocks = (await unsentClocks(db, limit)).flatMap(({ key, c }) => {
      const parsed = parseRecordKey(key);
      return parsed ? [{ key, c, ...parsed }] : [];
    });
    const found = await rowsOf(db, clocks);
    const records: SyncRecord[] = [];
    let held = 0;
    clocks.forEach(({ key, c, kind }, i) => {
      const f = found[i] as Found;
      if (f.store === 'messages' && (f.row as MessageRow).openStatus !== undefined) held++;
      else records.push({ key, kind, c, ...f });
    });
    return { records, held };
  });
}

/** Marks changes as on the server, each only if it has not changed again since it was read. */
export async function markSent(
  db: TernDB,
  sent: readonly { key: string; c: string }[],
): Promise<void> {
  if (sent.length === 0) return;
  await rw(db, [db.syncClocks], async () => {
    const rows = await db.syncClocks.bulkGet(sent.map((s) => s.key));
    const done = sent.filter((s, i) => rows[i]?.c === s.c);
    await db.syncClocks.bulkPut(done.map(({ key, c }) => ({ key, c })));
  });
}

/**
 * Marks every record of `kinds` (all when empty) as unsent again: the server lost its data, or
 * images were switched on after being left out.
 */
export async function markAllUnsent(db: TernDB, kinds: readonly string[] = []): Promise<void> {
  await rw(db, [db.syncClocks], async () => {
    await db.syncClocks.toCollection().modify((row) => {
      if (kinds.length === 0 || kinds.some((k) => row.key.startsWith(`${k}|`))) row.dirty = 1;
    });
  });
}
