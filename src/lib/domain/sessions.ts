// Workspaces and sessions: create, rename, move, trash, restore, purge. Each function is one
// transaction; a purge removes everything that belongs to the session in the same one.
import { TernError } from '../errors';
import type { JsonObject, SessionRow, WorkspaceRow } from '../db/rows';
import type { TernDB } from '../db/database';
import { oneLine, sentence, SESSION_SHAPE, shapeProblem } from '../db/row-shapes';
import { mapErrors } from '../db/errors';
import { trashedSessions, workspaceSessions, workspaceSessionsByActivity } from '../db/reads';
import { deleteSessionRows, sessionTables } from '../db/session-rows';
import { newId, now, ro, rw } from './tx';

export const DEFAULT_SESSION_TITLE = 'New chat';

/** A workspace's name made one line, as a session's title is; refused when blank. */
function cleanName(name: string): string {
  const clean = oneLine(name);
  if (clean === '') throw new TernError('invalid-input', 'A workspace needs a name.');
  return clean;
}

/** Refuses the given fields of a session that do not hold what it needs (see db/row-shapes). */
function checkSession(given: Partial<Record<keyof SessionRow, unknown>>): void {
  const problem = shapeProblem(SESSION_SHAPE, given, { patch: true });
  if (problem) throw new TernError('invalid-input', sentence(problem));
}

async function mustGetSession(db: TernDB, id: string): Promise<SessionRow> {
  const s = await db.sessions.get(id);
  if (!s) throw new TernError('not-found', 'That session no longer exists.');
  return s;
}

async function mustGetWorkspace(db: TernDB, id: string): Promise<WorkspaceRow> {
  const w = await db.workspaces.get(id);
  if (!w) throw new TernError('not-found', 'That workspace no longer exists.');
  return w;
}

// Workspaces

export function listWorkspaces(db: TernDB): Promise<WorkspaceRow[]> {
  return mapErrors(async () =>
    (await db.workspaces.toArray()).sort((a, b) => a.createdAt - b.createdAt),
  );
}

export async function createWorkspace(
  db: TernDB,
  input: { name: string; id?: string },
): Promise<WorkspaceRow> {
  const t = now();
  const row: WorkspaceRow = {
    id: input.id ?? newId(),
    name: cleanName(input.name),
    createdAt: t,
    updatedAt: t,
  };
  await rw(db, [db.workspaces], () => db.workspaces.add(row));
  return row;
}

export async function renameWorkspace(db: TernDB, id: string, name: string): Promise<void> {
  const clean = cleanName(name);
  await rw(db, [db.workspaces], async () => {
    await mustGetWorkspace(db, id);
    await db.workspaces.update(id, { name: clean, updatedAt: now() });
  });
}

export type WorkspaceRemoval = { kind: 'move-sessions'; to: string } | { kind: 'purge-sessions' };

/** Removes a workspace; its sessions (live and trashed) move to another or are purged. */
export async function deleteWorkspace(
  db: TernDB,
  id: string,
  what: WorkspaceRemoval,
): Promise<void> {
  await rw(db, sessionTables(db), async () => {
    await mustGetWorkspace(db, id);
    if ((await db.workspaces.count()) <= 1)
      throw new TernError('invalid-input', 'Tern needs at least one workspace.');
    const sessions = await workspaceSessions(db, id).toArray();
    if (what.kind === 'move-sessions') {
      if (what.to === id) throw new TernError('invalid-input', 'Pick another workspace.');
      await mustGetWorkspace(db, what.to);
      const t = now();
      for (const s of sessions)
        await db.sessions.update(s.id, { workspaceId: what.to, updatedAt: t });
      if (sessions.length > 0) await db.workspaces.update(what.to, { updatedAt: t });
    } else {
      for (const s of sessions) await purgeInside(db, s.id);
    }
    await db.workspaces.delete(id);
  });
}

// Sessions

export async function createSession(
  db: TernDB,
  input: { workspaceId: string; title?: string; model?: string | null; metadata?: JsonObject },
): Promise<SessionRow> {
  checkSession({ workspaceId: input.workspaceId, title: input.title, model: input.model });
  const t = now();
  const row: SessionRow = {
    id: newId(),
    workspaceId: input.workspaceId,
    title: input.title === undefined ? DEFAULT_SESSION_TITLE : oneLine(input.title),
    model: input.model ?? null,
    createdAt: t,
    updatedAt: t,
    lastActivityAt: t,
    deletedAt: null,
    messageCount: 0,
    imageCount: 0,
    totalTokens: 0,
    compactionCount: 0,
    metadata: input.metadata ?? {},
  };
  await rw(db, [db.workspaces, db.sessions], async () => {
    await mustGetWorkspace(db, input.workspaceId);
    await db.sessions.add(row);
  });
  return row;
}

export function getSession(db: TernDB, id: string): Promise<SessionRow | undefined> {
  return mapErrors(() => db.sessions.get(id));
}

export async function renameSession(db: TernDB, id: string, title: string): Promise<void> {
  checkSession({ title });
  const clean = oneLine(title);
  await rw(db, [db.sessions], async () => {
    await mustGetSession(db, id);
    await db.sessions.update(id, { title: clean, updatedAt: now() });
  });
}

export async function moveSession(db: TernDB, id: string, workspaceId: string): Promise<void> {
  checkSession({ workspaceId });
  await rw(db, [db.workspaces, db.sessions], async () => {
    const s = await mustGetSession(db, id);
    await mustGetWorkspace(db, workspaceId);
    if (s.workspaceId === workspaceId) return;
    await db.sessions.update(id, { workspaceId, updatedAt: now() });
  });
}

export async function trashSession(db: TernDB, id: string): Promise<void> {
  await rw(db, [db.sessions], async () => {
    const s = await mustGetSession(db, id);
    if (s.deletedAt !== null) return;
    const t = now();
    await db.sessions.update(id, { deletedAt: t, updatedAt: t });
  });
}

/** Back from the trash; into the first workspace if its own was removed meanwhile. */
export async function restoreSession(db: TernDB, id: string): Promise<void> {
  await rw(db, [db.workspaces, db.sessions], async () => {
    const s = await mustGetSession(db, id);
    if (s.deletedAt === null) return;
    const patch: Partial<SessionRow> = { deletedAt: null, updatedAt: now() };
    if (!(await db.workspaces.get(s.workspaceId))) {
      const first = (await db.workspaces.toArray()).sort((a, b) => a.createdAt - b.createdAt)[0];
      if (!first) throw new TernError('not-found', 'There is no workspace to restore it into.');
      patch.workspaceId = first.id;
    }
    await db.sessions.update(id, patch);
  });
}

async function purgeInside(db: TernDB, id: string): Promise<void> {
  await deleteSessionRows(db, id);
  await db.sessions.delete(id);
}

/** Gone for good, with its messages, images, settings, compaction events and archive. */
export async function purgeSession(db: TernDB, id: string): Promise<void> {
  await rw(db, sessionTables(db), async () => {
    await mustGetSession(db, id);
    await purgeInside(db, id);
  });
}

/** Sessions purged per transaction when emptying the trash. */
export const PURGE_CHUNK = 100;

/**
 * Purges every session in the trash, a chunk of sessions per transaction (each session whole), so
 * the screens refresh as it goes rather than once at the end of a long one. Returns how many.
 */
export async function emptyTrash(
  db: TernDB,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const ids = await mapErrors(() => trashedSessions(db).primaryKeys());
  for (let i = 0; i < ids.length; i += PURGE_CHUNK) {
    const chunk = ids.slice(i, i + PURGE_CHUNK);
    await rw(db, sessionTables(db), async () => {
      // Restored meanwhile (from another tab): it stays.
      const rows = await db.sessions.bulkGet(chunk);
      for (const s of rows) if (s && s.deletedAt !== null) await purgeInside(db, s.id);
    });
    onProgress?.(Math.min(ids.length, i + PURGE_CHUNK), ids.length);
  }
  return ids.length;
}

/** Live sessions of a workspace, most recent activity first. */
export function listSessions(db: TernDB, workspaceId: string): Promise<SessionRow[]> {
  return mapErrors(() => liveByActivity(db, workspaceId).toArray());
}

function liveByActivity(db: TernDB, workspaceId: string, match?: (s: SessionRow) => boolean) {
  return workspaceSessionsByActivity(db, workspaceId)
    .reverse()
    .filter((s) => s.deletedAt === null && (!match || match(s)));
}

/** A page of rows, and whether any follow it. */
export interface Page<T> {
  rows: T[];
  more: boolean;
}

async function pageOf<T>(read: (n: number) => Promise<T[]>, limit: number): Promise<Page<T>> {
  // One row past the page says whether there is more, without counting the rest.
  const rows = await read(limit + 1);
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

/**
 * The `limit` most recently active live sessions of a workspace (those `match` accepts, if given),
 * reading no further down the index than the page needs.
 */
export function sessionPage(
  db: TernDB,
  workspaceId: string,
  limit: number,
  match?: (s: SessionRow) => boolean,
): Promise<Page<SessionRow>> {
  return mapErrors(async () => {
    if (!match) {
      // With no more than a few hundred sessions in the trash, the page plus as many rows as the
      // trash holds is sure to have a page of live ones: one request reads them all, where a
      // filter would step a cursor a row at a time.
      const trashed = await countTrash(db);
      if (trashed <= PAGE_TRASH_SLACK) {
        const rows = await workspaceSessionsByActivity(db, workspaceId)
          .reverse()
          .limit(limit + 1 + trashed)
          .toArray();
        const live = rows.filter((s) => s.deletedAt === null);
        return { rows: live.slice(0, limit), more: live.length > limit };
      }
    }
    return pageOf((n) => liveByActivity(db, workspaceId, match).limit(n).toArray(), limit);
  });
}

/** Trashed sessions up to which a page is read in one request (see sessionPage). */
const PAGE_TRASH_SLACK = 300;

/** Sessions of every workspace, live and trashed, by workspace id (counted on the index). */
export function countSessionsByWorkspace(db: TernDB): Promise<Map<string, number>> {
  return mapErrors(() =>
    ro(db, [db.workspaces, db.sessions], async () => {
      const ids = await db.workspaces.toCollection().primaryKeys();
      const counts = await Promise.all(ids.map((id) => workspaceSessions(db, id).count()));
      return new Map(ids.map((id, i) => [id, counts[i] ?? 0]));
    }),
  );
}

/** The `limit` most recently trashed sessions. */
export function trashPage(db: TernDB, limit: number): Promise<Page<SessionRow>> {
  return mapErrors(() => pageOf((n) => trashedSessions(db).reverse().limit(n).toArray(), limit));
}

/**
 * Sessions in the trash, counted on the index's keys. (Not `count()`: a live query that counts
 * on an index runs again after any write to the table, such as each imported session.)
 */
export function countTrash(db: TernDB): Promise<number> {
  return mapErrors(async () => (await trashedSessions(db).primaryKeys()).length);
}

/** How many trashed sessions each workspace has (reads the trash, which only trash changes touch). */
export function trashedByWorkspace(db: TernDB): Promise<Map<string, number>> {
  return mapErrors(async () => {
    const by = new Map<string, number>();
    await trashedSessions(db).each((s) => by.set(s.workspaceId, (by.get(s.workspaceId) ?? 0) + 1));
    return by;
  });
}
