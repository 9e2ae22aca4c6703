// A row that came from the sync server, read as untrusted as a file: every field copied out and
// checked by the same readers as a Tern export (io/tern), so a document another device (or anyone
// with the server's password) wrote can never put a shape into the stores that the app itself
// would refuse. A row that does not pass throws InputError, naming the field.
import type { SyncKind } from '../db/sync-kinds';
import type { ImageRow, MessageArchiveRow, MessageRow } from '../db/rows';
import { invalid, num, obj, str } from './clean';
import { branchMessage, message } from './tern/messages';
import { event, imageRow, session, settings, workspace } from './tern/read';

export type SyncStore = 'messages' | 'branchMessages';

/** A message as it may arrive: settled (one still waiting or streaming is never sent). */
function settledMessage(v: unknown): MessageRow {
  const m = obj(v, 'A message');
  const row = message(m, str(m.sessionId, 'A message session'));
  if (row.openStatus !== undefined) throw invalid('A message still being written came in.');
  return row;
}

function image(v: unknown, bytes: Uint8Array<ArrayBuffer> | null): ImageRow {
  const i = obj(v, 'An image');
  // A document's type is shown as an image's: anything but an image type is refused.
  if (typeof i.mimeType !== 'string' || !/^image\/[a-z0-9.+-]+$/i.test(i.mimeType))
    throw invalid('An image is not an image.');
  if (!bytes) throw invalid('An image came without its bytes.');
  return imageRow(i, str(i.sessionId, 'An image session'), bytes);
}

function archived(v: unknown): MessageArchiveRow {
  const a = obj(v, 'An archived message');
  const sessionId = str(a.sessionId, 'An archive session');
  return {
    eventId: str(a.eventId, 'An archive event id'),
    messageId: str(a.messageId, 'An archived message id'),
    sessionId,
    row: message(a.row, sessionId),
    archivedAt: num(a.archivedAt, 'An archive time'),
  };
}

/**
 * The row a document carries, checked. `bytes` is an image's content (from the document's
 * attachment); `store` says which message store a message belongs in.
 */
export function readSyncRow(
  kind: SyncKind,
  store: SyncStore | undefined,
  d: unknown,
  bytes: Uint8Array<ArrayBuffer> | null,
): object {
  switch (kind) {
    case 'workspace':
      return workspace(d);
    case 'session':
      return session(d);
    case 'message':
      if (store === 'branchMessages') {
        const b = obj(d, 'A message of another version');
        return branchMessage(b, str(b.sessionId, 'A message session'));
      }
      return settledMessage(d);
    case 'image':
      return image(d, bytes);
    case 'settings': {
      const s = obj(d, 'Session settings');
      const row = settings(s, str(s.sessionId, 'A settings session'));
      if (!row) throw invalid('Session settings are empty.');
      return row;
    }
    case 'command': {
      const c = obj(d, 'A command');
      return {
        command: str(c.command, 'A command'),
        usageCount: num(c.usageCount, 'A command count'),
        lastUsedAt: num(c.lastUsedAt, 'A command time'),
      };
    }
    case 'compaction': {
      const e = obj(d, 'A compaction event');
      return event(e, str(e.sessionId, 'A compaction session'));
    }
    case 'archive':
      return archived(d);
  }
}
