// Images as Blobs. Where a browser refuses to store a Blob (some WebKit versions and private
// modes), the bytes are read out before the transaction and stored as an ArrayBuffer instead; a
// reader always gets a Blob back through imageBlob().
import { TernError } from '../errors';
import type { ImageRow, JsonObject } from '../db/rows';
import type { TernDB } from '../db/database';
import { isQuotaError, mapErrors, toTernError } from '../db/errors';
import { derivedImages } from '../db/later-reads';
import { sessionImages } from '../db/reads';
import { newId, now, rw } from './tx';

export interface NewImage {
  sessionId: string;
  messageId?: string | null;
  blob: Blob;
  width?: number | null;
  height?: number | null;
  isStyled?: boolean;
  parentId?: string | null;
  meta?: JsonObject;
}

function refusedBlob(e: unknown): boolean {
  if (isQuotaError(e)) return false;
  const err = toTernError(e);
  const text = `${String((err.cause as Error | undefined)?.name)} ${err.message}`;
  return /DataCloneError|UnknownError|Blob/i.test(text);
}

export async function addImage(db: TernDB, input: NewImage): Promise<ImageRow> {
  const base: ImageRow = {
    id: newId(),
    sessionId: input.sessionId,
    messageId: input.messageId ?? null,
    blob: input.blob,
    data: null,
    mimeType: input.blob.type || 'application/octet-stream',
    bytes: input.blob.size,
    width: input.width ?? null,
    height: input.height ?? null,
    isStyled: input.isStyled ?? false,
    parentId: input.parentId ?? null,
    meta: input.meta ?? {},
    createdAt: now(),
  };
  try {
    return await write(db, base);
  } catch (e) {
    if (!refusedBlob(e)) throw toTernError(e);
  }
  // Read the bytes outside any transaction: a transaction would commit while we wait.
  const data = await input.blob.arrayBuffer();
  return write(db, { ...base, blob: null, data });
}

function write(db: TernDB, row: ImageRow): Promise<ImageRow> {
  return rw(db, [db.sessions, db.messages, db.images], async () => {
    const session = await db.sessions.get(row.sessionId);
    if (!session) throw new TernError('not-found', 'That session no longer exists.');
    if (session.deletedAt !== null)
      throw new TernError('session-trashed', 'That session is in the trash. Restore it first.');
    if (row.messageId !== null) {
      const msg = await db.messages.get(row.messageId);
      if (!msg || msg.sessionId !== row.sessionId)
        throw new TernError('not-found', 'That message no longer exists.');
    }
    if (row.parentId !== null && !(await db.images.get(row.parentId)))
      throw new TernError('not-found', 'The image it was made from no longer exists.');
    await db.images.add(row);
    const t = now();
    await db.sessions.update(row.sessionId, {
      imageCount: session.imageCount + 1,
      lastActivityAt: t,
      updatedAt: t,
    });
    return row;
  });
}

/** The stored image as a Blob, whichever way it was stored. */
export function imageBlob(row: ImageRow): Blob {
  if (row.blob) return row.blob;
  return new Blob(row.data ? [row.data] : [], { type: row.mimeType });
}

/** Removes an image; images made from it keep existing but lose the link. */
export async function removeImage(db: TernDB, id: string): Promise<void> {
  await rw(db, [db.sessions, db.images], async () => {
    const img = await db.images.get(id);
    if (!img) throw new TernError('not-found', 'That image no longer exists.');
    const session = await db.sessions.get(img.sessionId);
    await derivedImages(db, id).modify({ parentId: null });
    await db.images.delete(id);
    if (session) {
      const t = now();
      await db.sessions.update(img.sessionId, { imageCount: session.imageCount - 1, updatedAt: t });
    }
  });
}

export function getImage(db: TernDB, id: string): Promise<ImageRow | undefined> {
  return mapErrors(() => db.images.get(id));
}

/** A session's images, oldest first. */
export function listImages(db: TernDB, sessionId: string): Promise<ImageRow[]> {
  return mapErrors(() => sessionImages(db, sessionId).toArray());
}
