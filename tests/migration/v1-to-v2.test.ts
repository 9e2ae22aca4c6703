// Runs in Node (fake-indexeddb) and in real Chromium (the browser project includes this folder).
import { describe, expect, it } from 'vitest';
import { openTern } from '../../src/lib/db/lifecycle';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { listSnapshots, restoreSnapshot } from '../../src/lib/db/snapshots';
import { legacySessionId, LEGACY_TITLE } from '../../src/lib/db/transforms/v1-to-v2';
import { freshDeps, type TestDeps } from '../helpers/db';
import { expectedOrder, seedAtVersion, v1Fixture, type V1Fixture } from './harness';
import type { TernDB } from '../../src/lib/db/database';

async function seedV1(fixture: V1Fixture): Promise<TestDeps> {
  const deps = await freshDeps();
  await seedAtVersion(deps, 1, { workspaces: fixture.workspaces, chats: fixture.chats });
  return deps;
}

async function expectMigrated(db: TernDB, fixture: V1Fixture): Promise<void> {
  const expected = expectedOrder(fixture);
  expect(db.tables.map((t) => t.name)).not.toContain('chats');
  for (const [workspaceId, chats] of expected) {
    const session = await db.sessions.get(legacySessionId(workspaceId));
    expect(session, workspaceId).toBeDefined();
    expect(session?.title).toBe(LEGACY_TITLE);
    expect(session?.workspaceId).toBe(workspaceId);
    expect(session?.messageCount).toBe(chats.length);
    expect(session?.lastActivityAt).toBe(chats[chats.length - 1]?.createdAt);
    expect(session?.deletedAt).toBeNull();
    const messages = await db.messages
      .where('[sessionId+seq]')
      .between([legacySessionId(workspaceId), -Infinity], [legacySessionId(workspaceId), Infinity])
      .toArray();
    expect(messages.map((m) => m.id)).toEqual(chats.map((c) => c.id));
    expect(messages.map((m) => m.content)).toEqual(chats.map((c) => c.content));
    expect(messages.map((m) => m.role)).toEqual(chats.map((c) => c.role));
    expect(messages.map((m) => m.createdAt)).toEqual(chats.map((c) => c.createdAt));
    expect(messages.map((m) => m.seq)).toEqual(chats.map((_, i) => i + 1));
  }
  expect(await db.messages.count()).toBe(fixture.chats.length);
  const legacy = await db.sessions.filter((s) => s.title === LEGACY_TITLE).toArray();
  expect(legacy.length).toBe(expected.size);
  // The workspace without chats has no Legacy Chat; the missing workspace was recreated.
  expect(await db.sessions.where('workspaceId').equals('ws-empty').count()).toBe(0);
  expect((await db.workspaces.get('ws-deleted'))?.name).toBe('Recovered workspace');
  for (const w of fixture.workspaces)
    expect(await db.workspaces.get(w.id)).toMatchObject({ name: w.name, createdAt: w.createdAt });
  const report = await checkIntegrity(db);
  expect(report.issues).toEqual([]);
}

describe('upgrade from version 1', () => {
  it('moves every chat into its workspace Legacy Chat, in order, byte for byte', async () => {
    const fixture = v1Fixture();
    const deps = await seedV1(fixture);
    const result = await openTern({ ...deps, appVersion: 'test' });
    expect(result.kind).toBe('ready');
    if (result.kind !== 'ready') return;
    expect(result.upgradedFrom).toBe(1);
    await expectMigrated(result.db, fixture);
    result.db.close();
  });

  it('keeps a snapshot of the version-1 data that restores and upgrades to the same result', async () => {
    const fixture = v1Fixture(200);
    const deps = await seedV1(fixture);
    const first = await openTern({ ...deps, appVersion: 'test' });
    if (first.kind !== 'ready') throw new Error(first.kind);
    expect(first.snapshot?.nativeVersion).toBe(10);
    expect(first.snapshot?.rowCount).toBe(fixture.workspaces.length + fixture.chats.length);
    // The user then changes things, and later restores the pre-upgrade snapshot.
    await first.db.sessions.clear();
    first.db.close();
    const snapshots = await listSnapshots(deps);
    expect(snapshots.map((b) => b.id)).toContain(first.snapshot?.id);
    await restoreSnapshot({ ...deps, appVersion: 'test' }, first.snapshot?.id ?? '');
    const again = await openTern({ ...deps, appVersion: 'test' });
    if (again.kind !== 'ready') throw new Error(again.kind);
    expect(again.upgradedFrom).toBe(1);
    await expectMigrated(again.db, fixture);
    again.db.close();
    // The state replaced by the restore was itself kept first.
    const reasons = (await listSnapshots(deps)).map((b) => b.reason);
    expect(reasons).toContain('pre-restore');
  });

  it('upgrades an empty version-1 database without a snapshot and without Legacy Chats', async () => {
    const deps = await seedV1({ workspaces: [], chats: [] });
    const result = await openTern({ ...deps, appVersion: 'test' });
    if (result.kind !== 'ready') throw new Error(result.kind);
    expect(result.snapshot).toBeNull();
    expect(await result.db.sessions.count()).toBe(0);
    expect((await checkIntegrity(result.db)).ok).toBe(true);
    result.db.close();
  });

  it('creates a fresh database at the current version with a default workspace', async () => {
    const deps = await freshDeps();
    const result = await openTern({ ...deps, appVersion: 'test' });
    if (result.kind !== 'ready') throw new Error(result.kind);
    expect(result.upgradedFrom).toBeNull();
    expect(await result.db.workspaces.count()).toBe(1);
    expect((await checkIntegrity(result.db)).ok).toBe(true);
    result.db.close();
  });
});
