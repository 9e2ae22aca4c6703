// Every key range and index read of the stores, named for what it reads. Repositories ask for "a
// session's messages below seq 40" and add the direction and limit they need; which index answers
// (and how its compound key is bounded) is known here only, beside the schema that declares it.
// Each function returns a Dexie collection, so callers keep the same index, direction and limit.
import Dexie from 'dexie';
import type { TernDB } from './database';
import type { OpenStatus } from './vocab';

/** A collection of one store's rows, typed as the store declares them. */
export type Rows<K extends keyof TernDB> = TernDB[K] extends { toCollection(): infer C }
  ? C
  : never;

// ---- Messages, on [sessionId+seq] (ordered by seq) ----

/** Every message of a session, oldest first. */
export function sessionMessages(db: TernDB, sessionId: string): Rows<'messages'> {
  return db.messages
    .where('[sessionId+seq]')
    .between([sessionId, Dexie.minKey], [sessionId, Dexie.maxKey], true, true);
}

/** Messages of a session with seq below `seq` (all of them when null), oldest first. */
export function messagesBelow(db: TernDB, sessionId: string, seq: number | null): Rows<'messages'> {
  return db.messages
    .where('[sessionId+seq]')
    .between([sessionId, Dexie.minKey], [sessionId, seq ?? Dexie.maxKey], true, false);
}

/** Messages whose status is `status` (pending or streaming), oldest first, on the sparse index. */
export function openMessagesWith(db: TernDB, status: OpenStatus): Rows<'messages'> {
  return db.messages
    .where('[openStatus+createdAt]')
    .between([status, Dexie.minKey], [status, Dexie.maxKey], true, true);
}

// ---- Branches: the versions not on screen ----

/** Every message of a session's other versions, in no particular order. */
export function sessionBranchMessages(db: TernDB, sessionId: string): Rows<'branchMessages'> {
  return db.branchMessages.where('sessionId').equals(sessionId);
}

/** The other versions' messages that follow any of `parentIds` in a session. */
export function branchChildren(
  db: TernDB,
  sessionId: string,
  parentIds: readonly string[],
): Rows<'branchMessages'> {
  return db.branchMessages
    .where('[sessionId+parentId]')
    .anyOf(parentIds.map((p) => [sessionId, p]));
}

// ---- What else a session owns ----

/** A session's images, oldest first. */
export function sessionImages(db: TernDB, sessionId: string): Rows<'images'> {
  return db.images
    .where('[sessionId+createdAt]')
    .between([sessionId, Dexie.minKey], [sessionId, Dexie.maxKey], true, true);
}

/** The images attached to a message. */
export function messageImages(db: TernDB, messageId: string): Rows<'images'> {
  return db.images.where('messageId').equals(messageId);
}

/** The images attached to any of `messageIds`. */
export function imagesOfMessages(db: TernDB, messageIds: readonly string[]): Rows<'images'> {
  return db.images.where('messageId').anyOf([...messageIds]);
}

/** A session's compaction events, oldest first. */
export function sessionCompactions(db: TernDB, sessionId: string): Rows<'compactionEvents'> {
  return db.compactionEvents
    .where('[sessionId+createdAt]')
    .between([sessionId, Dexie.minKey], [sessionId, Dexie.maxKey], true, true);
}

/** The archived messages of a session, from all its compactions. */
export function sessionArchive(db: TernDB, sessionId: string): Rows<'messageArchive'> {
  return db.messageArchive.where('sessionId').equals(sessionId);
}

// ---- Sessions ----

/** A workspace's sessions (live and trashed) by last activity, least recent first. */
export function workspaceSessionsByActivity(db: TernDB, workspaceId: string): Rows<'sessions'> {
  return db.sessions
    .where('[workspaceId+lastActivityAt]')
    .between([workspaceId, Dexie.minKey], [workspaceId, Dexie.maxKey], true, true);
}

/** A workspace's sessions (live and trashed), in no particular order. */
export function workspaceSessions(db: TernDB, workspaceId: string): Rows<'sessions'> {
  return db.sessions.where('workspaceId').equals(workspaceId);
}

/** Sessions in the trash, by when they went there, the earliest first. */
export function trashedSessions(db: TernDB): Rows<'sessions'> {
  return db.sessions.where('deletedAt').above(0);
}
