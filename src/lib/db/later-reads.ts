// Key ranges of the screens and actions loaded later (the conversation's window, a compaction's
// undo, an image's edits), apart from reads.ts so that the first load does not carry them.
import Dexie from 'dexie';
import type { TernDB } from './database';
import type { Rows } from './reads';

type MessageKey = [string, number];

/** Messages of a session with `from` <= seq (<= `to`, when given), oldest first. */
export function messagesFrom(
  db: TernDB,
  sessionId: string,
  from: number,
  to: number | null = null,
): Rows<'messages'> {
  return db.messages
    .where('[sessionId+seq]')
    .between([sessionId, from], [sessionId, to ?? Dexie.maxKey], true, true);
}

/** Messages of a session with seq above `seq`, oldest first. */
export function messagesAfter(db: TernDB, sessionId: string, seq: number): Rows<'messages'> {
  return db.messages
    .where('[sessionId+seq]')
    .between([sessionId, seq], [sessionId, Dexie.maxKey], false, true);
}

/** The seq in a key read from one of the collections above (`.keys()`). */
export const seqOfKey = (key: unknown): number =>
  Array.isArray(key) ? Number((key as MessageKey)[1]) : NaN;

/** The images made from an image. */
export function derivedImages(db: TernDB, parentId: string): Rows<'images'> {
  return db.images.where('parentId').equals(parentId);
}

/** The messages one compaction archived, by message id. */
export function eventArchive(db: TernDB, eventId: string): Rows<'messageArchive'> {
  return db.messageArchive
    .where('[eventId+messageId]')
    .between([eventId, Dexie.minKey], [eventId, Dexie.maxKey], true, true);
}
