// The integrity check must catch each kind of damage it claims to: break the data behind the
// repositories' back, and see it reported; repair the counters and see it green again.
import { describe, expect, it } from 'vitest';
import { checkIntegrity, repairCounters, type IntegrityIssue } from '../../src/lib/db/integrity';
import { type TernDB } from '../../src/lib/db/database';
import { appendMessage } from '../../src/lib/domain/messages';
import { addImage } from '../../src/lib/domain/images';
import { setSettings } from '../../src/lib/domain/settings';
import { compactSession } from '../../src/lib/domain/compaction';
import { openTestDb } from '../helpers/db';
import { newSession } from '../helpers/builders';

async function world() {
  const { db } = await openTestDb();
  const s = await newSession(db);
  const m1 = await appendMessage(db, s.id, { role: 'user', content: 'a', tokens: 2 });
  const m2 = await appendMessage(db, s.id, { role: 'assistant', content: 'b', tokens: 3 });
  const img = await addImage(db, { sessionId: s.id, messageId: m1.id, blob: new Blob(['i']) });
  await setSettings(db, s.id, { model: 'x' });
  expect((await checkIntegrity(db)).ok).toBe(true);
  return { db, s, m1, m2, img };
}

async function kinds(db: TernDB): Promise<IntegrityIssue['kind'][]> {
  const report = await checkIntegrity(db);
  expect(report.ok).toBe(report.issues.length === 0);
  return report.issues.map((i) => i.kind);
}

describe('integrity check', () => {
  it('reports a message whose session is gone', async () => {
    const { db, m1 } = await world();
    await db.messages.put({ ...m1, id: 'stray', sessionId: 'ghost', seq: 1 });
    const report = await checkIntegrity(db);
    expect(report.issues).toContainEqual({
      kind: 'orphan-message',
      messageId: 'stray',
      sessionId: 'ghost',
    });
  });

  it('reports a message without a seq', async () => {
    const { db, m2 } = await world();
    const broken = { ...m2 } as Partial<typeof m2>;
    delete broken.seq;
    await db.messages.put(broken as typeof m2);
    expect(await kinds(db)).toContain('missing-seq');
  });

  it('reports counters that differ from the rows, and repair fixes them', async () => {
    const { db, s } = await world();
    await db.sessions.update(s.id, {
      messageCount: 99,
      imageCount: 7,
      totalTokens: 1,
      compactionCount: 3,
    });
    const issues = (await checkIntegrity(db)).issues.filter((i) => i.kind === 'counter-mismatch');
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          kind: 'counter-mismatch',
          sessionId: s.id,
          counter: 'messageCount',
          stored: 99,
          actual: 2,
        },
        { kind: 'counter-mismatch', sessionId: s.id, counter: 'imageCount', stored: 7, actual: 1 },
        { kind: 'counter-mismatch', sessionId: s.id, counter: 'totalTokens', stored: 1, actual: 5 },
        {
          kind: 'counter-mismatch',
          sessionId: s.id,
          counter: 'compactionCount',
          stored: 3,
          actual: 0,
        },
      ]),
    );
    expect(await repairCounters(db)).toBe(1);
    expect((await checkIntegrity(db)).ok).toBe(true);
    expect(await repairCounters(db)).toBe(0);
  });

  it('reports images, settings and archive rows pointing at nothing', async () => {
    const { db, s, img } = await world();
    await db.images.put({
      ...img,
      id: 'i2',
      sessionId: 'ghost',
      messageId: 'gone',
      parentId: 'nope',
    });
    await db.sessionSettings.put({ ...(await db.sessionSettings.get(s.id))!, sessionId: 'ghost' });
    await db.messageArchive.put({
      eventId: 'no-event',
      messageId: 'm',
      sessionId: s.id,
      row: (await db.messages.toArray())[0]!,
      archivedAt: 1,
    });
    const issues = (await checkIntegrity(db)).issues;
    expect(issues).toContainEqual({
      kind: 'orphan-image',
      imageId: 'i2',
      missing: 'session',
      ref: 'ghost',
    });
    expect(issues).toContainEqual({
      kind: 'orphan-image',
      imageId: 'i2',
      missing: 'message',
      ref: 'gone',
    });
    expect(issues).toContainEqual({
      kind: 'orphan-image',
      imageId: 'i2',
      missing: 'parent',
      ref: 'nope',
    });
    expect(issues).toContainEqual({ kind: 'orphan-settings', sessionId: 'ghost' });
    expect(issues).toContainEqual({
      kind: 'orphan-archive',
      eventId: 'no-event',
      messageId: 'm',
      missing: 'event',
    });
  });

  it('reports a compaction event whose session is gone', async () => {
    const { db, s, m1 } = await world();
    const event = await compactSession(db, s.id, {
      archiveIds: [m1.id],
      summary: { content: 'sum', tokens: 1 },
      strategy: 't',
    });
    await db.compactionEvents.put({ ...event, id: 'e2', sessionId: 'ghost' });
    expect(await kinds(db)).toContain('orphan-compaction-event');
  });

  it('reports a session whose workspace is gone', async () => {
    const { db, s } = await world();
    await db.sessions.update(s.id, { workspaceId: 'ghost' });
    expect((await checkIntegrity(db)).issues).toContainEqual({
      kind: 'session-without-workspace',
      sessionId: s.id,
      workspaceId: 'ghost',
    });
  });

  it('reports a workspace with legacy data but not exactly one Legacy Chat', async () => {
    const { db, m1 } = await world();
    const legacy = {
      ...(await db.sessions.toArray())[0]!,
      id: 'legacy-w',
      title: 'Legacy Chat',
      messageCount: 1,
      totalTokens: 0,
      imageCount: 0,
      metadata: { legacy: true, legacyWorkspaceId: 'w' },
    };
    await db.sessions.put(legacy);
    await db.messages.put({
      ...m1,
      id: 'old',
      sessionId: 'legacy-w',
      seq: 1,
      tokens: null,
      metadata: { origin: 'v1-chat' },
    });
    expect(await kinds(db)).toEqual([]);
    await db.sessions.put({ ...legacy, id: 'legacy-w-copy', messageCount: 0 });
    expect((await checkIntegrity(db)).issues).toContainEqual({
      kind: 'legacy-chat-count',
      workspaceId: 'w',
      count: 2,
    });
  });

  it('stays green through a run of mixed operations', async () => {
    const { db, s } = await world();
    for (let i = 0; i < 20; i++)
      await appendMessage(db, s.id, { role: 'user', content: `${i}`, tokens: i });
    expect((await checkIntegrity(db)).ok).toBe(true);
  });
});
