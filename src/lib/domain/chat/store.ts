// The chat engine's writes that must be atomic, built from the message repositories inside one
// read-write transaction each (Dexie nests them into the outer one). Nothing but IndexedDB is
// awaited in here.
import type { TernDB } from '../../db/database';
import type { JsonObject, MessageRow } from '../../db/rows';
import {
  allMessages,
  appendMessage,
  deleteMessage,
  editMessage,
  openMessages,
  type MessagePatch,
  type NewMessage,
} from '../messages';
import { TernError } from '../../errors';
import { setAsideFrom } from '../branches';
import { copyImages, withCopiedImages } from '../branch-off';
import { pendingToolCalls } from './tool-calls';
import { messagesAfter } from '../../db/later-reads';
import { rw } from '../tx';

export interface Claim {
  users: MessageRow[];
  reply: MessageRow;
}

/**
 * Takes a session's pending user messages out of the outbox and opens the reply that answers
 * them, in one transaction. IndexedDB runs read-write transactions on the same stores one after
 * the other, so when two tabs race only the first finds the messages still pending.
 */
export function claimPending(
  db: TernDB,
  sessionId: string,
  metadata: JsonObject,
): Promise<Claim | null> {
  return rw(db, [db.sessions, db.messages, db.images], async () => {
    const pending = (await openMessages(db, 'pending')).filter((m) => m.sessionId === sessionId);
    if (pending.length === 0) return null;
    const users: MessageRow[] = [];
    for (const m of pending.sort((a, b) => a.seq - b.seq))
      users.push(await editMessage(db, m.id, { status: 'complete' }));
    const reply = await appendMessage(db, sessionId, {
      role: 'assistant',
      status: 'streaming',
      metadata,
    });
    return { users, reply };
  });
}

export { pendingSessions } from '../messages';

/** Puts a reply's user messages back in the outbox and removes the reply (nothing had arrived). */
export function requeue(db: TernDB, replyId: string): Promise<void> {
  return rw(db, [db.sessions, db.messages, db.branchMessages, db.images], async () => {
    const reply = await db.messages.get(replyId);
    if (!reply) return;
    const rows = await allMessages(db, reply.sessionId);
    for (let i = rows.findIndex((r) => r.id === replyId) - 1; i >= 0; i--) {
      const row = rows[i] as MessageRow;
      if (row.role !== 'user') break;
      await editMessage(db, row.id, { status: 'pending' });
    }
    await deleteMessage(db, replyId);
  });
}

/** Whether a message holds anything a user could want back (a failed empty reply does not). */
const worthKeeping = (m: MessageRow) => m.content.trim() !== '' || m.parts.length > 0;

/**
 * Opens a new reply after `seq` (regenerate, retry, edit-and-resend): what followed `seq` is set
 * aside as a version, one flip away, unless it holds nothing (a failed reply with no text).
 */
export function restartAfter(
  db: TernDB,
  sessionId: string,
  seq: number,
  metadata: JsonObject,
): Promise<MessageRow> {
  return rw(db, [db.sessions, db.messages, db.branchMessages, db.images], async () => {
    const after = await messagesAfter(db, sessionId, seq).toArray();
    if (after.some(worthKeeping)) await setAsideFrom(db, sessionId, seq + 1);
    else for (const row of after) await deleteMessage(db, row.id);
    return appendMessage(db, sessionId, { role: 'assistant', status: 'streaming', metadata });
  });
}

/**
 * A new version of a message of the user's, with `content` for its text and its images copied:
 * the old one and what followed it are set aside, one flip away.
 */
export function newVersionOf(
  db: TernDB,
  userMessageId: string,
  content: string,
  tokens: number | null,
): Promise<MessageRow> {
  return rw(db, [db.sessions, db.messages, db.branchMessages, db.images], async () => {
    const old = await db.messages.get(userMessageId);
    if (!old) throw new TernError('not-found', 'That message no longer exists.');
    const images = await copyImages(db, old);
    await setAsideFrom(db, old.sessionId, old.seq);
    const others = withCopiedImages(
      old.parts.filter((p) => p.type !== 'text'),
      images,
    );
    return appendMessage(db, old.sessionId, {
      role: 'user',
      content,
      parts: [{ type: 'text', text: content }, ...others],
      tokens,
      status: 'complete',
      metadata: {},
    });
  });
}

/** Replies left `streaming` by a reload, crash or closed tab become `interrupted`, unless `live`. */
export function markInterrupted(db: TernDB, live: ReadonlySet<string>): Promise<MessageRow[]> {
  return rw(db, [db.sessions, db.messages], async () => {
    const streaming = await openMessages(db, 'streaming');
    const out: MessageRow[] = [];
    for (const m of streaming)
      if (!live.has(m.id)) out.push(await editMessage(db, m.id, { status: 'interrupted' }));
    return out;
  });
}

/**
 * Takes a waiting tool call for running: in one transaction, checks that nothing answers it yet and
 * stores its tool message as `streaming`. Two tabs (or two clicks) answering the same call: only
 * the first gets the row, so a call never runs twice. Null when it no longer waits.
 */
export function claimToolCall(
  db: TernDB,
  sessionId: string,
  message: NewMessage,
): Promise<MessageRow | null> {
  return rw(db, [db.sessions, db.messages, db.images], async () => {
    const waiting = pendingToolCalls(await allMessages(db, sessionId));
    if (!waiting?.calls.some((c) => c.id === message.toolCallId)) return null;
    return appendMessage(db, sessionId, message);
  });
}

/**
 * Opens the model's next round once every call of the latest reply is answered and none still
 * runs, in one transaction: of several calls finishing together, one opens it. Null otherwise.
 */
export function openNextRound(
  db: TernDB,
  sessionId: string,
  metadata: JsonObject,
): Promise<{ reply: MessageRow; round: number } | null> {
  return rw(db, [db.sessions, db.messages, db.images], async () => {
    const rows = await allMessages(db, sessionId);
    const last = rows.at(-1);
    if (last?.role !== 'tool' || pendingToolCalls(rows)) return null;
    const turn = rows.slice(rows.findLastIndex((r) => r.role === 'user') + 1);
    if (turn.some((r) => r.role === 'tool' && r.status === 'streaming')) return null;
    const round = turn.filter((r) => r.role === 'assistant').length;
    const reply = await appendMessage(db, sessionId, {
      role: 'assistant',
      status: 'streaming',
      metadata,
    });
    return { reply, round };
  });
}

/**
 * Stores a call's outcome, unless its message stopped being `streaming` meanwhile (another tab's
 * start-up marked it interrupted): what the user was told stays true.
 */
export function finishToolCall(db: TernDB, rowId: string, patch: MessagePatch): Promise<boolean> {
  return rw(db, [db.sessions, db.messages], async () => {
    const row = await db.messages.get(rowId);
    if (row?.status !== 'streaming') return false;
    await editMessage(db, rowId, patch);
    return true;
  });
}
