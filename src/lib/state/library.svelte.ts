// Live views of the workspaces and their sessions for the sidebar. Reads go through the
// repositories; every tab's writes show up here without a reload.
import type { SessionRow, WorkspaceRow } from '../db/rows';
import { listSessions, listTrash, listWorkspaces } from '../domain/sessions';
import { app } from './app.svelte';
import { live, type Live } from './live.svelte';

export interface WorkspaceWithSessions {
  workspace: WorkspaceRow;
  sessions: SessionRow[];
}

export function liveLibrary(): Live<WorkspaceWithSessions[]> {
  return live(async () => {
    const db = app.db;
    if (!db) return [];
    const workspaces = await listWorkspaces(db);
    return Promise.all(
      workspaces.map(async (workspace) => ({
        workspace,
        sessions: await listSessions(db, workspace.id),
      })),
    );
  });
}

export function liveTrash(): Live<SessionRow[]> {
  return live(async () => (app.db ? listTrash(app.db) : []));
}
