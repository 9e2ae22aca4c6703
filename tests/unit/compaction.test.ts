import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { allMessages, editMessage } from '../../src/lib/domain/messages';
import { compactSession, listCompactions, revertCompaction } from '../../src/lib/domain/compaction';
import { planCompaction } from '../../src/lib/domain/compaction-plan';
import { openTestDb } from '../helpers/db';
import { sessionWith } from '../helpers/builders';

async function setup() {
  const { db } = await openTestDb();
  const { session: s } = await sessionWith(db, 10, {
    content: (i) => `m${i - 1}`,
    message: () => ({ tokens: 10 }),
  });
  return { db, s };
}

describe('compaction', () => {
  it('replaces older messages by a summary in their place, with an audit row', async () => {
    const { db, s } = await setup();
    const before = await allMessages(db, s.id);
    await editMessage(db, before[1]!.id, { preserved: true });
    const archiveIds = planCompaction(await allMessages(db, s.id), 4).map((m) => m.id);
    expect(archiveIds).not.toContain(before[1]!.id);
    expect(archiveIds.length).toBe(5);
    const event = await compactSession(db, s.id, {
      archiveIds,
      summary: { content: 'They said hello several times.', tokens: 7 },
      strategy: 'keep-last-4',
    });
    const after = await allMessages(db, s.id);
    expect(after.map((m) => m.content)).toEqual([
      'They said hello several times.',
      'm1',
      'm6',
      'm7',
      'm8',
      'm9',
    ]);
    expect(event).toMatchObject({ tokensBefore: 100, tokensAfter: 57, revertedAt: null });
    expect(event.preservedMessageIds).toEqual([before[1]!.id]);
    const session = await db.sessions.get(s.id);
    expect([session?.messageCount, session?.totalTokens, session?.compactionCount]).toEqual([
      6, 57, 1,
    ]);
    expect(await db.messageArchive.count()).toBe(5);
    expect((await checkIntegrity(db)).issues).toEqual([]);
    expect((await listCompactions(db, s.id)).map((e) => e.id)).toEqual([event.id]);
  });

  it('reverts exactly: the same rows as before, byte for byte', async () => {
    const { db, s } = await setup();
    const before = await allMessages(db, s.id);
    const sessionBefore = await db.sessions.get(s.id);
    const event = await compactSession(db, s.id, {
      archiveIds: before.slice(0, 6).map((m) => m.id),
      summary: { content: 'sum', tokens: 3 },
      strategy: 'x',
    });
    await revertCompaction(db, event.id);
    expect(await allMessages(db, s.id)).toEqual(before);
    const session = await db.sessions.get(s.id);
    expect([session?.messageCount, session?.totalTokens, session?.compactionCount]).toEqual([
      sessionBefore?.messageCount,
      sessionBefore?.totalTokens,
      0,
    ]);
    expect(await db.messageArchive.count()).toBe(0);
    expect((await db.compactionEvents.get(event.id))?.revertedAt).not.toBeNull();
    await expect(revertCompaction(db, event.id)).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('refuses to archive a preserved message and changes nothing', async () => {
    const { db, s } = await setup();
    const before = await allMessages(db, s.id);
    await editMessage(db, before[0]!.id, { preserved: true });
    await expect(
      compactSession(db, s.id, {
        archiveIds: [before[0]!.id, before[1]!.id],
        summary: { content: 'x', tokens: 1 },
        strategy: 'x',
      }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await allMessages(db, s.id)).length).toBe(10);
    expect(await db.compactionEvents.count()).toBe(0);
  });

  it('asks for the later compaction to be undone first', async () => {
    const { db, s } = await setup();
    const msgs = await allMessages(db, s.id);
    const first = await compactSession(db, s.id, {
      archiveIds: msgs.slice(0, 3).map((m) => m.id),
      summary: { content: 'first', tokens: 1 },
      strategy: 'x',
    });
    const second = await compactSession(db, s.id, {
      archiveIds: [first.summaryMessageId!, msgs[3]!.id],
      summary: { content: 'second', tokens: 1 },
      strategy: 'x',
    });
    await expect(revertCompaction(db, first.id)).rejects.toMatchObject({ code: 'invalid-input' });
    await revertCompaction(db, second.id);
    await revertCompaction(db, first.id);
    expect((await allMessages(db, s.id)).map((m) => m.content)).toEqual(msgs.map((m) => m.content));
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });
});
