// Reads what an export holds, in one read transaction so the file is a consistent point in time
// even while another tab writes. Rows come out in a fixed order (so exporting twice gives the
// same file) and as stored; turning them into the file format is lib/io's job.
import { TernError } from '../errors';
import type { TernDB } from '../db/database';
import type { CommandUsageRow, SessionRow, WorkspaceRow } from '../db/rows';
import type { Conversation } from './import';
import { workspaceSessions } from '../db/reads';
import { readSessionRows, sessionTables } from '../db/session-rows';
import { ro } from './tx';

export type ExportScope =
  | { kind: 'session'; sessionId: string }
  | { kind: 'workspace'; workspaceId: string }
  | { kind: 'all' };

export interface ExportRows {
  workspaces: WorkspaceRow[];
  conversations: Conversation[];
  commandUsage: CommandUsageRow[];
}

const byCreated = <T extends { createdAt: number; id: string }>(a: T, b: T): number =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

async function conversationOf(db: TernDB, session: SessionRow): Promise<Conversation> {
  const {
    sessionSettings: settings,
    messages,
    branchMessages,
    images,
    compactionEvents,
    messageArchive: archive,
  } = await readSessionRows(db, session.id);
  archive.sort((a, b) =>
    a.eventId === b.eventId ? (a.messageId < b.messageId ? -1 : 1) : a.eventId < b.eventId ? -1 : 1,
  );
  return {
    session,
    settings: settings ?? null,
    messages,
    // Parents before children would need a walk; a fixed order is all a file needs.
    branchMessages: branchMessages.sort(byCreated),
    images: images.sort(byCreated),
    compactionEvents: compactionEvents.sort(byCreated),
    archive,
  };
}

export function readForExport(db: TernDB, scope: ExportScope): Promise<ExportRows> {
  return ro(db, [...sessionTables(db), db.commandUsage], async () => {
    let sessions: SessionRow[];
    let workspaces: WorkspaceRow[];
    if (scope.kind === 'session') {
      const s = await db.sessions.get(scope.sessionId);
      if (!s) throw new TernError('not-found', 'That session no longer exists.');
      sessions = [s];
      const w = await db.workspaces.get(s.workspaceId);
      workspaces = w ? [w] : [];
    } else if (scope.kind === 'workspace') {
      const w = await db.workspaces.get(scope.workspaceId);
      if (!w) throw new TernError('not-found', 'That workspace no longer exists.');
      workspaces = [w];
      sessions = await workspaceSessions(db, w.id).toArray();
    } else {
      workspaces = await db.workspaces.toArray();
      sessions = await db.sessions.toArray();
    }
    const conversations: Conversation[] = [];
    for (const s of sessions.sort(byCreated)) conversations.push(await conversationOf(db, s));
    const commandUsage =
      scope.kind === 'all'
        ? (await db.commandUsage.toArray()).sort((a, b) => (a.command < b.command ? -1 : 1))
        : [];
    return { workspaces: workspaces.sort(byCreated), conversations, commandUsage };
  });
}
