// "Branch off here": a new session holding the conversation up to one message, as a copy (new ids,
// its images copied with it, the session's settings too), linked back to where it came from. The
// source session is not touched.
import { TernError } from '../errors';
import type { TernDB } from '../db/database';
import { imagesOfMessages, messageImages, messagesBelow } from '../db/reads';
import { TITLE_MAX } from '../db/row-shapes';
import type { ImageRow, MessagePart, MessageRow, SessionRow } from '../db/rows';
import { withOpenStatus } from './messages';
import { newId, now, rw } from './tx';

/** `parts` with each image pointing at its copy, where it has one. */
export function withCopiedImages(
  parts: readonly MessagePart[],
  copies: ReadonlyMap<string, string>,
): MessagePart[] {
  return parts.map((p) =>
    p.type === 'image' ? { ...p, imageId: copies.get(p.imageId) ?? p.imageId } : p,
  );
}

/**
 * Copies of `images` with new ids, in `sessionId`, attached to what `messageId` says; an image
 * made from another of them points at that one's copy. Returns the rows and each new id.
 */
function copiesOf(
  images: readonly ImageRow[],
  sessionId: string,
  messageId: (old: string | null) => string | null,
): { rows: ImageRow[]; ids: Map<string, string> } {
  const ids = new Map(images.map((i) => [i.id, newId()]));
  const rows = images.map((i) => ({
    ...i,
    id: ids.get(i.id) as string,
    sessionId,
    messageId: messageId(i.messageId),
    // An image made from one not copied keeps that link only within its own session.
    parentId:
      i.parentId === null
        ? null
        : (ids.get(i.parentId) ?? (sessionId === i.sessionId ? i.parentId : null)),
  }));
  return { rows, ids };
}

export function branchOff(db: TernDB, messageId: string): Promise<SessionRow> {
  return rw(db, [db.sessions, db.messages, db.images, db.sessionSettings], async () => {
    const at = await db.messages.get(messageId);
    if (!at) throw new TernError('not-found', 'That message no longer exists.');
    const source = await db.sessions.get(at.sessionId);
    if (!source || source.deletedAt !== null)
      throw new TernError('not-found', 'That session is no longer there.');
    const path = await messagesBelow(db, at.sessionId, at.seq + 1).toArray();
    if (path.some((m) => m.status === 'streaming'))
      throw new TernError('conflict', 'Wait until the reply is written, then branch off.');
    const t = now();
    const ids = new Map(path.map((m) => [m.id, newId()]));
    const sessionId = newId();
    const images = copiesOf(
      await imagesOfMessages(db, [...ids.keys()]).toArray(),
      sessionId,
      (old) => (old === null ? null : (ids.get(old) ?? null)),
    );
    const session: SessionRow = {
      ...source,
      id: sessionId,
      title: `${source.title} (branch)`.slice(0, TITLE_MAX),
      createdAt: t,
      updatedAt: t,
      lastActivityAt: t,
      messageCount: path.length,
      imageCount: images.rows.length,
      totalTokens: path.reduce((n, m) => n + (m.tokens ?? 0), 0),
      compactionCount: 0,
      metadata: { ...source.metadata, branchedFrom: { sessionId: source.id, messageId } },
    };
    await db.sessions.add(session);
    await db.messages.bulkAdd(
      path.map((m, i) =>
        withOpenStatus({
          ...m,
          id: ids.get(m.id) as string,
          sessionId: session.id,
          seq: i + 1,
          // What waits to be sent in the source is sent from there; here it is only the text.
          status: m.status === 'pending' ? 'complete' : m.status,
          parts: withCopiedImages(m.parts, images.ids),
        }),
      ),
    );
    await db.images.bulkAdd(images.rows);
    const settings = await db.sessionSettings.get(source.id);
    if (settings)
      await db.sessionSettings.add({
        ...settings,
        sessionId: session.id,
        createdAt: t,
        updatedAt: t,
      });
    return session;
  });
}

/**
 * Copies the images attached to `message` as images of its session waiting for a message (the
 * next one appended with their ids adopts them), inside the caller's transaction; returns the new
 * id of each.
 */
export async function copyImages(db: TernDB, message: MessageRow): Promise<Map<string, string>> {
  const images = await messageImages(db, message.id).toArray();
  const { rows, ids } = copiesOf(images, message.sessionId, () => null);
  if (rows.length === 0) return ids;
  await db.images.bulkAdd(rows);
  const session = await db.sessions.get(message.sessionId);
  if (session)
    await db.sessions.update(session.id, { imageCount: session.imageCount + rows.length });
  return ids;
}
