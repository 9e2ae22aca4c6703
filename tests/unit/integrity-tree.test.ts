// The tree checks catch each kind of damage to the versions of a conversation, and the repair mends
// what it can without deleting: counters count both stores, lost parents and loops are hung off
// the session's last active message.
import { describe, expect, it } from 'vitest';
import { checkIntegrity, repairCounters } from '../../src/lib/db/integrity';
import { BRANCH_ROOT, type BranchMessageRow } from '../../src/lib/db/rows';
import { setAsideFrom } from '../../src/lib/domain/branches';
import { appendMessage } from '../../src/lib/domain/messages';
import { compactSession, revertCompaction } from '../../src/lib/domain/compaction';
import { openTestDb } from '../helpers/db';
import { newSession } from '../helpers/builders';

// a → b on screen, with an earlier version of b (b0 → c0) set aside.
async function world() {
  const { db } = await openTestDb();
  const s = await newSession(db);
  const a = await appendMessage(db, s.id, { role: 'user', content: 'a', tokens: 2 });
  const b0 = await appendMessage(db, s.id, { role: 'assistant', content: 'b0', tokens: 3 });
  const c0 = await appendMessage(db, s.id, { role: 'user', content: 'c0', tokens: 5 });
  await setAsideFrom(db, s.id, b0.seq);
  const b = await appendMessage(db, s.id, { role: 'assistant', content: 'b', tokens: 7 });
  expect(await checkIntegrity(db)).toMatchObject({ ok: true, issues: [] });
  const aside = async (id: string) => (await db.branchMessages.get(id)) as BranchMessageRow;
  return { db, s, a, b, b0: await aside(b0.id), c0: await aside(c0.id) };
}

describe('tree integrity', () => {
  it('takes a version hanging off a compacted message as whole, and the undo brings it back', async () => {
    const { db, s, a, b0 } = await world();
    const event = await compactSession(db, s.id, {
      archiveIds: [a.id],
      summary: { content: 'summary', tokens: 1 },
      strategy: 'test',
    });
    expect((await checkIntegrity(db)).issues).toEqual([]);
    // Repair leaves it where it hangs, so the undo puts the conversation back exactly.
    await repairCounters(db);
    expect((await db.branchMessages.get(b0.id))?.parentId).toBe(a.id);
    await revertCompaction(db, event.id);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('counts branch messages in the counters, and repairs them', async () => {
    const { db, s } = await world();
    expect((await db.sessions.get(s.id))?.messageCount).toBe(4);
    await db.sessions.update(s.id, { messageCount: 2, totalTokens: 9 });
    const report = await checkIntegrity(db);
    expect(report.issues).toEqual([
      { kind: 'counter-mismatch', sessionId: s.id, counter: 'messageCount', stored: 2, actual: 4 },
      { kind: 'counter-mismatch', sessionId: s.id, counter: 'totalTokens', stored: 9, actual: 17 },
    ]);
    expect(await repairCounters(db)).toBe(1);
    expect((await checkIntegrity(db)).ok).toBe(true);
  });

  it('reports a branch message whose session is gone', async () => {
    const { db, c0 } = await world();
    await db.branchMessages.put({ ...c0, id: 'stray', sessionId: 'ghost' });
    expect((await checkIntegrity(db)).issues).toContainEqual({
      kind: 'orphan-branch-message',
      messageId: 'stray',
      sessionId: 'ghost',
      missing: 'session',
      ref: 'ghost',
    });
  });

  it('reports a branch message whose parent is gone, and re-parents it', async () => {
    const { db, s, b, c0 } = await world();
    await db.branchMessages.update(c0.id, { parentId: 'vanished' });
    expect((await checkIntegrity(db)).issues).toEqual([
      {
        kind: 'orphan-branch-message',
        messageId: c0.id,
        sessionId: s.id,
        missing: 'parent',
        ref: 'vanished',
      },
    ]);
    expect(await repairCounters(db)).toBe(1);
    expect((await db.branchMessages.get(c0.id))?.parentId).toBe(b.id);
    expect((await checkIntegrity(db)).ok).toBe(true);
    expect(await db.branchMessages.count()).toBe(2);
  });

  it('reports a parent in another session as missing', async () => {
    const { db, c0 } = await world();
    const other = await newSession(db);
    const x = await appendMessage(db, other.id, { role: 'user', content: 'x' });
    await db.branchMessages.update(c0.id, { parentId: x.id });
    expect((await checkIntegrity(db)).issues.map((i) => i.kind)).toEqual(['orphan-branch-message']);
  });

  it('reports a cycle among branch rows, and breaks it', async () => {
    const { db, s, b, b0, c0 } = await world();
    await db.branchMessages.update(b0.id, { parentId: c0.id });
    expect((await checkIntegrity(db)).issues).toEqual([
      { kind: 'branch-cycle', sessionId: s.id, messageIds: [b0.id, c0.id].sort() },
    ]);
    expect(await repairCounters(db)).toBe(1);
    expect((await checkIntegrity(db)).ok).toBe(true);
    const parents = (await db.branchMessages.toArray()).map((r) => r.parentId);
    expect(parents).toContain(b.id);
    expect(await db.branchMessages.count()).toBe(2);
  });

  it('reports a branch row whose id is also on the active path', async () => {
    const { db, s, a, b } = await world();
    await db.branchMessages.add({ ...b, parentId: a.id, setAsideAt: 1 });
    await db.sessions.update(s.id, { messageCount: 5, totalTokens: 24 });
    expect((await checkIntegrity(db)).issues).toEqual([
      { kind: 'branch-duplicate', messageId: b.id, sessionId: s.id },
    ]);
  });

  it('re-parents to a first message when the session has no active message', async () => {
    const { db, s, a, b, c0 } = await world();
    await db.messages.bulkDelete([a.id, b.id]);
    await repairCounters(db);
    expect((await db.branchMessages.get(c0.id))?.parentId).toBe(c0.parentId);
    const b0 = (await db.branchMessages.toArray()).find((r) => r.id !== c0.id);
    expect(b0?.parentId).toBe(BRANCH_ROOT);
    expect((await checkIntegrity(db)).ok).toBe(true);
    expect((await db.sessions.get(s.id))?.messageCount).toBe(2);
  });
});
