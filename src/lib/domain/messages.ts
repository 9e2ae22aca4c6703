// Messages: append, edit, delete, and paged reads. Appends take the next seq inside the same
// read-write transaction that bumps the session's counters; IndexedDB serialises read-write
// transactions over the same stores, so two racing appends (even from two tabs) get distinct,
// ordered seq values, and the unique [sessionId+seq] index refuses any that would not.
import { TernError } from '../errors';
import {
  BRANCH_ROOT,
  type JsonObject,
  type MessageError,
  type MessageMetadata,
  type MessagePart,
  type MessageRow,
  type MessageStatus,
  type Role,
  type SessionRow,
} from '../db/rows';
import { isOneOf, OPEN_STATUSES } from '../db/vocab';
import type { TernDB } from '../db/database';
import { mapErrors } from '../db/errors';
import { MESSAGE_SHAPE, sentence, shapeProblem } from '../db/row-shapes';
import { branchChildren, messageImages, messagesBelow, sessionMessages } from '../db/reads';
import { newId, now, rw } from './tx';

export const PAGE_SIZE = 50;

export interface NewMessage {
  role: Role;
  content?: string;
  parts?: MessagePart[];
  name?: string | null;
  toolCallId?: string | null;
  tokens?: number | null;
  status?: MessageStatus;
  error?: MessageError | null;
  preserved?: boolean;
  metadata?: MessageMetadata;
}

export interface MessagePatch {
  content?: string;
  parts?: MessagePart[];
  tokens?: number | null;
  status?: MessageStatus;
  error?: MessageError | null;
  preserved?: boolean;
  metadata?: MessageMetadata;
  name?: string | null;
}

/** The text of the text parts, which is what `content` mirrors. */
export function textOf(parts: readonly MessagePart[]): string {
  return parts
    .filter((p): p is Extract<MessagePart, { type: 'text' }> => p.type === 'text')
    .map((p) => p.text)
    .join('\n\n');
}

/** What a caller gives of a message, checked as the Tern reader checks it (see db/row-shapes). */
const GIVEN = {
  role: MESSAGE_SHAPE.role,
  status: MESSAGE_SHAPE.status,
  tokens: MESSAGE_SHAPE.tokens,
  metadata: MESSAGE_SHAPE.metadata,
};

/** Refuses the fields of `input` that do not hold what a message needs; a patch's absent ones pass. */
function check(input: Readonly<Record<string, unknown>>, patch: boolean): void {
  const problem = shapeProblem(GIVEN, input, { patch });
  if (problem) throw new TernError('invalid-input', sentence(problem));
}

/** Refuses metadata whose known fields hold the wrong type (see MessageMetadata). */
export function checkMetadata<T extends JsonObject | undefined>(metadata: T): T {
  check({ metadata }, true);
  return metadata;
}

const rounded = (tokens: number | null | undefined): number | null =>
  tokens === undefined || tokens === null ? null : Math.round(tokens);

/** Keeps the sparse `openStatus` index in step with `status`. */
export function withOpenStatus(row: MessageRow): MessageRow {
  if (isOneOf(OPEN_STATUSES, row.status)) row.openStatus = row.status;
  else delete row.openStatus;
  return row;
}

async function liveSession(db: TernDB, id: string): Promise<SessionRow> {
  const s = await db.sessions.get(id);
  if (!s) throw new TernError('not-found', 'That session no longer exists.');
  if (s.deletedAt !== null)
    throw new TernError('session-trashed', 'That session is in the trash. Restore it first.');
  return s;
}

async function lastSeq(db: TernDB, sessionId: string): Promise<number> {
  const last = await sessionMessages(db, sessionId).last();
  return last?.seq ?? 0;
}

export async function appendMessage(
  db: TernDB,
  sessionId: string,
  input: NewMessage,
): Promise<MessageRow> {
  const parts =
    input.parts ??
    (input.content !== undefined && input.content !== ''
      ? [{ type: 'text' as const, text: input.content }]
      : []);
  const content = input.content ?? textOf(parts);
  const status = input.status ?? 'complete';
  const metadata = input.metadata ?? {};
  check({ role: input.role, status, tokens: input.tokens, metadata }, false);
  const tokens = rounded(input.tokens);

  const imageIds = parts.flatMap((p) => (p.type === 'image' ? [p.imageId] : []));
  return rw(db, [db.sessions, db.messages, db.images], async () => {
    const session = await liveSession(db, sessionId);
    const t = now();
    const row = withOpenStatus({
      id: newId(),
      sessionId,
      seq: (await lastSeq(db, sessionId)) + 1,
      role: input.role,
      content,
      parts,
      name: input.name ?? null,
      toolCallId: input.toolCallId ?? null,
      tokens,
      status,
      error: input.error ?? null,
      preserved: input.preserved ?? false,
      metadata,
      createdAt: t,
      updatedAt: t,
    });
    await db.messages.add(row);
    // Images attached in the composer are stored before their message exists; from here on they
    // belong to it, so deleting the message deletes them too.
    if (imageIds.length > 0)
      await db.images
        .where('id')
        .anyOf(imageIds)
        .and((img) => img.sessionId === sessionId && img.messageId === null)
        .modify({ messageId: row.id });
    await db.sessions.update(sessionId, {
      messageCount: session.messageCount + 1,
      totalTokens: session.totalTokens + (tokens ?? 0),
      lastActivityAt: t,
      updatedAt: t,
    });
    return row;
  });
}

export async function editMessage(
  db: TernDB,
  id: string,
  patch: MessagePatch,
): Promise<MessageRow> {
  check({ status: patch.status, tokens: patch.tokens, metadata: patch.metadata }, true);
  const tokens = patch.tokens === undefined ? undefined : rounded(patch.tokens);
  return rw(db, [db.sessions, db.messages], async () => {
    const msg = await db.messages.get(id);
    if (!msg) throw new TernError('not-found', 'That message no longer exists.');
    const session = await liveSession(db, msg.sessionId);
    const t = now();
    const next: MessageRow = { ...msg, updatedAt: t };
    if (patch.parts !== undefined) {
      next.parts = patch.parts;
      next.content = patch.content ?? textOf(patch.parts);
    } else if (patch.content !== undefined) {
      next.content = patch.content;
      const others = msg.parts.filter((p) => p.type !== 'text');
      next.parts =
        patch.content === '' ? others : [{ type: 'text', text: patch.content }, ...others];
    }
    if (tokens !== undefined) next.tokens = tokens;
    if (patch.status !== undefined) next.status = patch.status;
    if (patch.error !== undefined) next.error = patch.error;
    if (patch.preserved !== undefined) next.preserved = patch.preserved;
    if (patch.metadata !== undefined) next.metadata = patch.metadata;
    if (patch.name !== undefined) next.name = patch.name;
    withOpenStatus(next);
    await db.messages.put(next);
    await db.sessions.update(msg.sessionId, {
      totalTokens: session.totalTokens - (msg.tokens ?? 0) + (next.tokens ?? 0),
      lastActivityAt: t,
      updatedAt: t,
    });
    return next;
  });
}

/** Deletes a message and the images attached to it. */
export async function deleteMessage(db: TernDB, id: string): Promise<void> {
  await rw(db, [db.sessions, db.messages, db.branchMessages, db.images], async () => {
    const msg = await db.messages.get(id);
    if (!msg) throw new TernError('not-found', 'That message no longer exists.');
    const session = await liveSession(db, msg.sessionId);
    // The versions that followed it follow the message before it instead: no branch is left
    // hanging off a message that is gone.
    const before = await messagesBelow(db, msg.sessionId, msg.seq).last();
    await branchChildren(db, msg.sessionId, [id]).modify({ parentId: before?.id ?? BRANCH_ROOT });
    const images = await messageImages(db, id).primaryKeys();
    await db.images.bulkDelete(images);
    await db.messages.delete(id);
    const t = now();
    await db.sessions.update(msg.sessionId, {
      messageCount: session.messageCount - 1,
      imageCount: session.imageCount - images.length,
      totalTokens: session.totalTokens - (msg.tokens ?? 0),
      lastActivityAt: t,
      updatedAt: t,
    });
  });
}

export function getMessage(db: TernDB, id: string): Promise<MessageRow | undefined> {
  return mapErrors(() => db.messages.get(id));
}

/** The newest `limit` messages of a session, oldest first. */
export function latestMessages(
  db: TernDB,
  sessionId: string,
  limit = PAGE_SIZE,
): Promise<MessageRow[]> {
  return mapErrors(async () =>
    (await sessionMessages(db, sessionId).reverse().limit(limit).toArray()).reverse(),
  );
}

/** The `limit` messages just before `beforeSeq`, oldest first (keyset paging, no offsets). */
export function messagesBefore(
  db: TernDB,
  sessionId: string,
  beforeSeq: number,
  limit = PAGE_SIZE,
): Promise<MessageRow[]> {
  return mapErrors(async () =>
    (await messagesBelow(db, sessionId, beforeSeq).reverse().limit(limit).toArray()).reverse(),
  );
}

/** Every message of a session in order. For exports and small sessions; pages otherwise. */
export function allMessages(db: TernDB, sessionId: string): Promise<MessageRow[]> {
  return mapErrors(() => sessionMessages(db, sessionId).toArray());
}

/** The first message of a session written by `role`, reading no further than it. */
export function firstMessageBy(
  db: TernDB,
  sessionId: string,
  role: MessageRow['role'],
): Promise<MessageRow | undefined> {
  return mapErrors(() =>
    sessionMessages(db, sessionId)
      .filter((m) => m.role === role)
      .first(),
  );
}

// Kept apart so that the first screen's badges read them without the rest of this repository.
export { countMessagesUpTo, openMessages, pendingSessions } from './open-messages';
