// The rows a session owns (SESSION_OWNED_TABLES): a purge deletes them, an import replaces them, an
// export reads them, all through the one table of readers below. A store added to the list must
// be given its reader here (the type says so), so none of the three can forget it.
import type { TernDB } from './database';
import type { SessionSettingsRow } from './rows';
import {
  sessionArchive,
  sessionBranchMessages,
  sessionCompactions,
  sessionImages,
  sessionMessages,
} from './reads';
import { SESSION_OWNED_TABLES, type SessionOwnedTable } from './vocab';

/** The stores a read-write transaction over whole sessions covers (their workspaces included). */
export function sessionTables(db: TernDB) {
  return [db.workspaces, db.sessions, ...SESSION_OWNED_TABLES.map((t) => db[t])];
}

// `sessionSettings` is keyed by the session id: its "collection" is that one key.
const OWNED = {
  messages: sessionMessages,
  branchMessages: sessionBranchMessages,
  images: sessionImages,
  sessionSettings: (db: TernDB, id: string) => db.sessionSettings.where(':id').equals(id),
  compactionEvents: sessionCompactions,
  messageArchive: sessionArchive,
} satisfies Record<SessionOwnedTable, (db: TernDB, id: string) => unknown>;

/** Deletes every row the session owns (not the session row), inside the caller's transaction. */
export async function deleteSessionRows(db: TernDB, id: string): Promise<void> {
  for (const table of SESSION_OWNED_TABLES) await OWNED[table](db, id).delete();
}

/** Every row the session owns, as stored (messages by seq, images and events by createdAt). */
export async function readSessionRows(db: TernDB, id: string) {
  const [messages, branchMessages, images, settings, compactionEvents, messageArchive] =
    await Promise.all([
      OWNED.messages(db, id).toArray(),
      OWNED.branchMessages(db, id).toArray(),
      OWNED.images(db, id).toArray(),
      OWNED.sessionSettings(db, id).toArray(),
      OWNED.compactionEvents(db, id).toArray(),
      OWNED.messageArchive(db, id).toArray(),
    ]);
  const sessionSettings: SessionSettingsRow | undefined = settings[0];
  return { messages, branchMessages, images, sessionSettings, compactionEvents, messageArchive };
}
