// Reads for the conversation view: the live part of a session the user is looking at. Normally that
// is everything from a given seq onwards, so the pages scrolled back through stay live along with
// the newest one; opened at an older message (from a search), it also has an upper bound that moves
// down a page at a time until it reaches the newest message.
import Dexie from 'dexie';
import type { MessageRow } from '../db/rows';
import type { TernDB } from '../db/database';
import { mapErrors } from '../db/errors';

/** Every message of a session with fromSeq <= seq (<= toSeq, when given), oldest first. */
export function messagesFrom(
  db: TernDB,
  sessionId: string,
  fromSeq: number,
  toSeq: number | null = null,
): Promise<MessageRow[]> {
  return mapErrors(() =>
    db.messages
      .where('[sessionId+seq]')
      .between([sessionId, fromSeq], [sessionId, toSeq ?? Dexie.maxKey], true, true)
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

const seqOf = (key: unknown): number => (Array.isArray(key) ? Number(key[1]) : NaN);

/** The seq values of up to `limit` messages just after `afterSeq`, in order (keys only). */
export function seqsAfter(
  db: TernDB,
  sessionId: string,
  afterSeq: number,
  limit: number,
): Promise<number[]> {
  return mapErrors(async () =>
    (
      await db.messages
        .where('[sessionId+seq]')
        .between([sessionId, afterSeq], [sessionId, Dexie.maxKey], false, true)
        .limit(limit)
        .keys()
    ).map(seqOf),
  );
}

/** How many messages of a session come after `seq` (keys only). */
export function countAfter(db: TernDB, sessionId: string, seq: number): Promise<number> {
  return mapErrors(() =>
    db.messages
      .where('[sessionId+seq]')
      .between([sessionId, seq], [sessionId, Dexie.maxKey], false, true)
      .count(),
  );
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
      await db.messages
        .where('[sessionId+seq]')
        .between([sessionId, Dexie.minKey], [sessionId, seq], true, false)
        .reverse()
        .limit(before + 1)
        .keys()
    ).map(seqOf);
    const lead = Math.min(before, older.length);
    const floor = lead > 0 ? (older[lead - 1] ?? seq) : seq;
    const room = Math.max(1, size - lead);
    const newer = (
      await db.messages
        .where('[sessionId+seq]')
        .between([sessionId, seq], [sessionId, Dexie.maxKey], true, true)
        .limit(room + 1)
        .keys()
    ).map(seqOf);
    const ceiling = newer.length > room ? (newer[room - 1] ?? null) : null;
    return {
      floor,
      ceiling,
      hasOlder: older.length > before,
      after: ceiling === null ? 0 : await countAfter(db, sessionId, ceiling),
    };
  });
}
