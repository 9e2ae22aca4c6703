// Reads for the conversation view: the live tail of a session from a given seq onwards, so that the
// pages the user has scrolled back through stay live along with the newest one.
import Dexie from 'dexie';
import type { MessageRow } from '../db/rows';
import type { TernDB } from '../db/database';
import { mapErrors } from '../db/errors';

/** Every message of a session with seq >= fromSeq, oldest first. */
export function messagesFrom(
  db: TernDB,
  sessionId: string,
  fromSeq: number,
): Promise<MessageRow[]> {
  return mapErrors(() =>
    db.messages
      .where('[sessionId+seq]')
      .between([sessionId, fromSeq], [sessionId, Dexie.maxKey], true, true)
      .toArray(),
  );
}

/** Whether the session has any message before `seq` (so more history can be loaded). */
export function hasMessagesBefore(db: TernDB, sessionId: string, seq: number): Promise<boolean> {
  return mapErrors(
    async () =>
      (await db.messages
        .where('[sessionId+seq]')
        .between([sessionId, Dexie.minKey], [sessionId, seq], true, false)
        .first()) !== undefined,
  );
}
