// Reads for the conversation view: the live part of a session the user is looking at. Normally that
// is everything from a given seq onwards, so the pages scrolled back through stay live along with
// the newest one; opened at an older message (from a search), it also has an upper bound that moves
// down a page at a time until it reaches the newest message.
import type { MessageRow } from '../db/rows';
import type { TernDB } from '../db/database';
import { mapErrors } from '../db/errors';
import { messagesAfter, messagesFrom as readFrom, seqOfKey } from '../db/later-reads';
import { messagesBelow } from '../db/reads';

/** Every message of a session with fromSeq <= seq (<= toSeq, when given), oldest first. */
export function messagesFrom(
  db: TernDB,
  sessionId: string,
  fromSeq: number,
  toSeq: number | null = null,
): Promise<MessageRow[]> {
  return mapErrors(() => readFrom(db, sessionId, fromSeq, toSeq).toArray());
}

/** Whether the session has any message before `seq` (so more history can be loaded). */
export function hasMessagesBefore(db: TernDB, sessionId: string, seq: number): Promise<boolean> {
  return mapErrors(async () => (await messagesBelow(db, sessionId, seq).first()) !== undefined);
}

/** The seq values of up to `limit` messages just after `afterSeq`, in order (keys only). */
export function seqsAfter(
  db: TernDB,
  sessionId: string,
  afterSeq: number,
  limit: number,
): Promise<number[]> {
  return mapErrors(async () =>
    (await messagesAfter(db, sessionId, afterSeq).limit(limit).keys()).map(seqOfKey),
  );
}

/** How many messages of a session come after `seq` (keys only). */
export function countAfter(db: TernDB, sessionId: string, seq: number): Promise<number> {
  return mapErrors(() => messagesAfter(db, sessionId, seq).count());
}

export interface WindowBounds {
  /** Lowest seq in the window. */
  floor: number;
  /** Highest seq in the window; null when it reaches the newest message. */
  ceiling: number | null;
  /** Whether messages come before the floor. */
  hasOlder: boolean;
  /** How many messages come after the ceiling (0 when there is none). */
  after: number;
}

/**
 * A window of about `size` messages holding the message at `seq`, starting `before` messages ahead
 * of it (fewer near the start of the session). Keys only: no message is read.
 */
export function windowAround(
  db: TernDB,
  sessionId: string,
  seq: number,
  before = 10,
  size = 50,
): Promise<WindowBounds> {
  return mapErrors(async () => {
    const older = (
      await messagesBelow(db, sessionId, seq)
        .reverse()
        .limit(before + 1)
        .keys()
    ).map(seqOfKey);
    const lead = Math.min(before, older.length);
    const floor = lead > 0 ? (older[lead - 1] ?? seq) : seq;
    const room = Math.max(1, size - lead);
    const newer = (
      await readFrom(db, sessionId, seq)
        .limit(room + 1)
        .keys()
    ).map(seqOfKey);
    const ceiling = newer.length > room ? (newer[room - 1] ?? null) : null;
    return {
      floor,
      ceiling,
      hasOlder: older.length > before,
      after: ceiling === null ? 0 : await countAfter(db, sessionId, ceiling),
    };
  });
}
