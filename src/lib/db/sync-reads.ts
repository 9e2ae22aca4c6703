// Sync's key ranges: the records not yet sent, and a store walked in key order from a watermark.
// Apart from reads.ts so that only the sync code, loaded when sync is on or stamping, carries them.
import Dexie from 'dexie';
import type { TernDB } from './database';
import type { MessageRow, SyncClockRow } from './rows';
import type { RecordId, SyncTable } from './sync-kinds';

/** Clock rows of changes not yet on the server, in key order. */
export function unsentClocks(db: TernDB, limit: number): Promise<SyncClockRow[]> {
  return db.syncClocks.where('dirty').equals(1).limit(limit).toArray();
}

export function countUnsent(db: TernDB): Promise<number> {
  return db.syncClocks.where('dirty').equals(1).count();
}

/** The rows of `table` after `after` in key order (from the first when null). */
export function rowsAfter(
  db: TernDB,
  table: SyncTable,
  after: RecordId | null,
  limit: number,
): Promise<object[]> {
  const t = db.table<object, RecordId>(table);
  const range = after === null ? t.orderBy(':id') : t.where(':id').above(after);
  return range.limit(limit).toArray();
}

/** The active-path messages holding any of these places of a session. */
export function messagesAtSeqs(
  db: TernDB,
  sessionId: string,
  seqs: readonly number[],
): Promise<MessageRow[]> {
  return db.messages
    .where('[sessionId+seq]')
    .anyOf(seqs.map((s) => [sessionId, s]))
    .toArray();
}

/** A session's active-path messages from `seq` on, oldest first. */
export function messagesFrom(db: TernDB, sessionId: string, seq: number): Promise<MessageRow[]> {
  return db.messages
    .where('[sessionId+seq]')
    .between([sessionId, seq], [sessionId, Dexie.maxKey], true, true)
    .toArray();
}
