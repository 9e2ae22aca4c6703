// The local side of a push: the changes not yet on the server, read as records, and the mark that
// they arrived. A message still being written (waiting in the outbox, or streaming) is held back
// until it settles: another device must never see it as waiting and send it to a model again.
import type { TernDB } from '../../db/database';
import type { MessageRow } from '../../db/rows';
import { parseRecordKey, SYNC_KINDS, type RecordId } from '../../db/sync-kinds';
import { countUnsent, unsentClocks } from '../../db/sync-reads';
import { ro, rw } from '../tx';
import type { SyncRecord } from './records';

export { countUnsent };

async function rowOf(
  db: TernDB,
  kind: keyof typeof SYNC_KINDS,
  id: RecordId,
): Promise<Pick<SyncRecord, 'row' | 'store'>> {
  for (const table of SYNC_KINDS[kind]) {
    const row = (await db.table(table).get(id)) as object | undefined;
    if (row)
      return table === 'messages' || table === 'branchMessages' ? { row, store: table } : { row };
  }
  return { row: null };
}

/**
 * Up to `limit` unsent changes, as records. `held` counts messages left for later because they
 * are not settled yet; `unknown` lists clock keys no kind owns (from a newer version: left alone).
 */
export async function readUnsent(
  db: TernDB,
  limit: number,
): Promise<{ records: SyncRecord[]; held: number }> {
  const tables = Object.values(SYNC_KINDS).flatMap((ts) => ts.map((t) => db.table(t)));
  return ro(db, [db.syncClocks, ...tables], async () => {
    const clocks = await unsentClocks(db, limit);
    const records: SyncRecord[] = [];
    let held = 0;
    for (const { key, c } of clocks) {
      const parsed = parseRecordKey(key);
      if (!parsed) continue;
      const found = await rowOf(db, parsed.kind, parsed.id);
      if (found.store === 'messages' && (found.row as MessageRow).openStatus !== undefined) {
        held++;
        continue;
      }
      records.push({ key, kind: parsed.kind, c, ...found });
    }
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
