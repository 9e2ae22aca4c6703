// Every user action on the library, as one call: it runs the repository against the open database,
// and turns a failure into a notice the user can read. Components call these and never see the db.
import type { MessagePart, SessionSettingsRow } from '../db/rows';
import { TernError } from '../errors';
import * as sessions from '../domain/sessions';
import type { SettingsPatch } from '../domain/settings';
import { errorText } from '../ui/error-text';
import { app } from './app.svelte';
import { view } from './view.svelte';
import { rememberSession } from './prefs.svelte';
import type { TernDB } from '../db/database';

function db(): TernDB {
  if (!app.db) throw new TernError('database-closed', 'The database is not open.');
  return app.db;
}

/** Runs `fn`; on failure shows why and returns undefined, leaving the data as it was. */
export async function attempt<T>(fn: (db: TernDB) => Promise<T>): Promise<T | undefined> {
  try {
    return await fn(db());
  } catch (e) {
    view.notify(errorText(e), 'error');
    return undefined;
  }
}

export function openSession(id: string | null): void {
  view.openSession(id);
  view.setDrawer(false);
  void rememberSession(id);
}

/** Opens a session at one of its messages: scrolled to it, focused and outlined for a moment. */
export function openMessage(target: { sessionId: string; messageId: string; seq: number }): void {
  view.requestJump(target.sessionId, target.messageId, target.seq);
  openSession(target.sessionId);
}

export async function newSession(workspaceId?: string): Promise<string | undefined> {
  const row = await attempt(async (d) => {
    const ws = workspaceId ?? (await sessions.listWorkspaces(d))[0]?.id;
    if (!ws) throw new TernError('not-found', 'There is no workspace.');
    return sessions.createSession(d, { workspaceId: ws });
  });
  if (row) openSession(row.id);
  return row?.id;
}

export async function renameSession(id: string, title: string): Promise<boolean> {
  return (await attempt((d) => sessions.renameSession(d, id, title).then(() => true))) ?? false;
}

export async function moveSession(id: string, workspaceId: string): Promise<void> {
  await attempt((d) => sessions.moveSession(d, id, workspaceId));
}

export async function trashSession(id: string, title: string): Promise<void> {
  const ok = await attempt((d) => sessions.trashSession(d, id).then(() => true));
  if (!ok) return;
  if (view.sessionId === id) openSession(null);
  view.notify(`“${title}” moved to the trash.`, 'info', {
    label: 'Undo',
    run: () => void restoreSession(id, true),
  });
}

export async function restoreSession(id: string, reopen = false): Promise<void> {
  const ok = await attempt((d) => sessions.restoreSession(d, id).then(() => true));
  if (ok && reopen) openSession(id);
}

export async function purgeSession(id: string): Promise<void> {
  await attempt((d) => sessions.purgeSession(d, id));
}

export async function emptyTrash(onProgress?: (done: number, total: number) => void) {
  await attempt((d) => sessions.emptyTrash(d, onProgress));
}

export async function createWorkspace(name: string): Promise<boolean> {
  return (await attempt((d) => sessions.createWorkspace(d, { name }).then(() => true))) ?? false;
}

export async function renameWorkspace(id: string, name: string): Promise<boolean> {
  return (await attempt((d) => sessions.renameWorkspace(d, id, name).then(() => true))) ?? false;
}

export async function deleteWorkspace(
  id: string,
  what: sessions.WorkspaceRemoval,
): Promise<boolean> {
  return (await attempt((d) => sessions.deleteWorkspace(d, id, what).then(() => true))) ?? false;
}

// The message repository comes with the first conversation on screen, not with the welcome screen.
const messageRepo = () => import('../domain/messages');

export async function editMessageText(id: string, content: string): Promise<boolean> {
  const messages = await messageRepo();
  return (await attempt((d) => messages.editMessage(d, id, { content }).then(() => true))) ?? false;
}

export async function deleteMessage(id: string): Promise<void> {
  const messages = await messageRepo();
  await attempt((d) => messages.deleteMessage(d, id));
}

export async function markInterrupted(ids: string[]): Promise<void> {
  const messages = await messageRepo();
  await attempt(async (d) => {
    for (const id of ids) await messages.editMessage(d, id, { status: 'interrupted' });
  });
}

export async function appendUserMessage(
  sessionId: string,
  content: string,
  parts: MessagePart[],
): Promise<boolean> {
  const messages = await messageRepo();
  const ok = await attempt((d) =>
    messages.appendMessage(d, sessionId, { role: 'user', content, parts }).then(() => true),
  );
  return ok ?? false;
}

export async function addImage(
  sessionId: string,
  blob: Blob,
  size: { width: number; height: number },
): Promise<string | undefined> {
  // Images and command ranks load with their first use, not with the welcome screen.
  const images = await import('../domain/images');
  const row = await attempt((d) =>
    images.addImage(d, { sessionId, blob, width: size.width, height: size.height }),
  );
  return row?.id;
}

export async function removeImage(id: string): Promise<void> {
  const images = await import('../domain/images');
  await attempt((d) => images.removeImage(d, id));
}

export async function saveSettings(
  sessionId: string,
  patch: SettingsPatch,
): Promise<SessionSettingsRow | undefined> {
  // The settings repository loads with the first change of settings, not with the first screen.
  return attempt(async (d) =>
    (await import('../domain/settings')).setSettings(d, sessionId, patch),
  );
}

export async function recordCommand(id: string): Promise<void> {
  // Ranking is a nicety: a failure to count a use is not worth a notice.
  if (!app.db || !app.writable) return;
  const { recordCommandUse } = await import('../domain/commands');
  await recordCommandUse(app.db, id).catch(() => undefined);
}
