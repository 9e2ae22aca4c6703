import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { DEFAULT_WORKSPACE_ID } from '../../src/lib/db/database';
import {
  createSession,
  createWorkspace,
  deleteWorkspace,
  emptyTrash,
  listSessions,
  trashPage,
  listWorkspaces,
  moveSession,
  purgeSession,
  renameSession,
  renameWorkspace,
  restoreSession,
  trashSession,
} from '../../src/lib/domain/sessions';
import { appendMessage } from '../../src/lib/domain/messages';
import { addImage } from '../../src/lib/domain/images';
import { setSettings } from '../../src/lib/domain/settings';
import { compactSession } from '../../src/lib/domain/compaction';
import { openTestDb } from '../helpers/db';
import type { TernDB } from '../../src/lib/db/database';
import { newSession } from '../helpers/builders';

async function fullSession(db: TernDB, workspaceId = DEFAULT_WORKSPACE_ID) {
  const s = await createSession(db, { workspaceId, title: 'Full' });
  const a = await appendMessage(db, s.id, { role: 'user', content: 'one', tokens: 1 });
  await appendMessage(db, s.id, { role: 'assistant', content: 'two', tokens: 2 });
  await appendMessage(db, s.id, { role: 'user', content: 'three', tokens: 3 });
  const img = await addImage(db, { sessionId: s.id, messageId: a.id, blob: new Blob(['png']) });
  await addImage(db, {
    sessionId: s.id,
    blob: new Blob(['styled']),
    isStyled: true,
    parentId: img.id,
  });
  await setSettings(db, s.id, { systemPrompt: 'Be brief.', permissionMode: 'auto' });
  await compactSession(db, s.id, {
    archiveIds: [a.id],
    summary: { content: 'Summary', tokens: 1 },
    strategy: 'keep-last',
  });
  return s;
}

async function expectGreen(db: TernDB) {
  expect((await checkIntegrity(db)).issues).toEqual([]);
}

describe('sessions', () => {
  it('creates, renames and lists sessions by most recent activity', async () => {
    const { db } = await openTestDb();
    const a = await newSession(db, { title: 'A' });
    const b = await newSession(db, { title: 'B' });
    await appendMessage(db, a.id, { role: 'user', content: 'bump' });
    expect((await listSessions(db, DEFAULT_WORKSPACE_ID)).map((s) => s.id)).toEqual([a.id, b.id]);
    await renameSession(db, b.id, '  New\n name  ');
    const renamed = await db.sessions.get(b.id);
    expect(renamed?.title).toBe('New name');
    expect(renamed?.updatedAt).toBeGreaterThanOrEqual(b.updatedAt);
    await expect(renameSession(db, b.id, '   ')).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await db.sessions.get(b.id))?.title).toBe('New name');
    await expectGreen(db);
  });

  it('refuses a session in a workspace that does not exist', async () => {
    const { db } = await openTestDb();
    await expect(createSession(db, { workspaceId: 'nope' })).rejects.toMatchObject({
      code: 'not-found',
    });
    expect(await db.sessions.count()).toBe(0);
  });

  it('moves a session between workspaces', async () => {
    const { db } = await openTestDb();
    const w = await createWorkspace(db, { name: 'Work' });
    const s = await fullSession(db);
    await moveSession(db, s.id, w.id);
    expect((await listSessions(db, w.id)).map((x) => x.id)).toEqual([s.id]);
    expect(await listSessions(db, DEFAULT_WORKSPACE_ID)).toEqual([]);
    await expect(moveSession(db, s.id, 'nope')).rejects.toMatchObject({ code: 'not-found' });
    await expectGreen(db);
  });

  it('trashes and restores with everything kept', async () => {
    const { db } = await openTestDb();
    const s = await fullSession(db);
    const before = await db.sessions.get(s.id);
    await trashSession(db, s.id);
    expect(await listSessions(db, DEFAULT_WORKSPACE_ID)).toEqual([]);
    expect((await trashPage(db, 10)).rows.map((x) => x.id)).toEqual([s.id]);
    await restoreSession(db, s.id);
    const after = await db.sessions.get(s.id);
    expect(after?.deletedAt).toBeNull();
    expect([after?.messageCount, after?.imageCount, after?.totalTokens]).toEqual([
      before?.messageCount,
      before?.imageCount,
      before?.totalTokens,
    ]);
    expect(await trashPage(db, 10)).toEqual({ rows: [], more: false });
    await expectGreen(db);
  });

  it('purges a session and everything that belongs to it, and nothing else', async () => {
    const { db } = await openTestDb();
    const keep = await fullSession(db);
    const gone = await fullSession(db);
    const counts = async () =>
      Promise.all([
        db.messages.count(),
        db.images.count(),
        db.sessionSettings.count(),
        db.compactionEvents.count(),
        db.messageArchive.count(),
      ]);
    const [m, i, st, ce, ar] = await counts();
    await trashSession(db, gone.id);
    await purgeSession(db, gone.id);
    expect(await db.sessions.get(gone.id)).toBeUndefined();
    expect(await counts()).toEqual([m / 2, i / 2, st / 2, ce / 2, ar / 2]);
    expect(await db.messages.where('sessionId').equals(gone.id).count()).toBe(0);
    expect(await db.sessions.get(keep.id)).toBeDefined();
    await expectGreen(db);
  });

  it('empties the trash', async () => {
    const { db } = await openTestDb();
    const a = await fullSession(db);
    const b = await fullSession(db);
    const c = await fullSession(db);
    await trashSession(db, a.id);
    await trashSession(db, b.id);
    expect(await emptyTrash(db)).toBe(2);
    expect((await db.sessions.toArray()).map((s) => s.id)).toEqual([c.id]);
    await expectGreen(db);
  });

  it('removes a workspace, moving or purging its sessions as asked', async () => {
    const { db } = await openTestDb();
    const w1 = await createWorkspace(db, { name: 'One' });
    const w2 = await createWorkspace(db, { name: 'Two' });
    const s1 = await fullSession(db, w1.id);
    const s2 = await fullSession(db, w2.id);
    await deleteWorkspace(db, w1.id, { kind: 'move-sessions', to: DEFAULT_WORKSPACE_ID });
    expect((await db.sessions.get(s1.id))?.workspaceId).toBe(DEFAULT_WORKSPACE_ID);
    await deleteWorkspace(db, w2.id, { kind: 'purge-sessions' });
    expect(await db.sessions.get(s2.id)).toBeUndefined();
    expect((await listWorkspaces(db)).map((w) => w.id)).toEqual([DEFAULT_WORKSPACE_ID]);
    await expect(
      deleteWorkspace(db, DEFAULT_WORKSPACE_ID, { kind: 'purge-sessions' }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
    await renameWorkspace(db, DEFAULT_WORKSPACE_ID, 'Home');
    expect((await listWorkspaces(db))[0]?.name).toBe('Home');
    await expectGreen(db);
  });
});
