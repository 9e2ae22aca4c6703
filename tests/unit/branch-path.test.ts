// A message found in a version not on screen is opened with its whole path: the active tail from
// the fork is set aside as a flip would, the chain comes back in order, and the chosen message's
// latest continuation follows it. Search finds branch messages and says they are in a branch.
import { describe, expect, it } from 'vitest';
import type { TernDB } from '../../src/lib/db/database';
import { activateMessage } from '../../src/lib/domain/branch-path';
import { setAsideFrom } from '../../src/lib/domain/branches';
import { appendMessage } from '../../src/lib/domain/messages';
import { backfillBlock } from '../../src/lib/domain/search-index/backfill';
import { searchIndex } from '../../src/lib/domain/search-index/query';
import { flushQueue } from '../../src/lib/domain/search-index/writer';
import { rebuildSearchIndex, verifySearchIndex } from '../../src/lib/domain/search-index/verify';
import { openTestDb } from '../helpers/db';
import { newSession } from '../helpers/builders';

const ALL = { workspaceId: null, role: null, from: null, to: null, includeTrash: true };

async function onScreen(db: TernDB, sessionId: string) {
  const rows = await db.messages
    .where('[sessionId+seq]')
    .between([sessionId, 0], [sessionId, Infinity])
    .toArray();
  return rows.map((m) => [m.seq, m.content]);
}

// a → b → c on screen; b, c set aside and b2 → c2 written in their place; then c2's tail c3 set
// aside and c4 written (a fork inside the new version).
async function tree() {
  const { db } = await openTestDb();
  const s = await newSession(db);
  const say = (content: string) =>
    appendMessage(db, s.id, { role: content.startsWith('c') ? 'assistant' : 'user', content });
  const a = await say('a alpha');
  const b = await say('b bravo');
  const c = await say('c charlie');
  await setAsideFrom(db, s.id, b.seq);
  await say('b2 delta');
  const c2 = await say('c2 echo');
  await setAsideFrom(db, s.id, c2.seq);
  await say('c4 foxtrot');
  return { db, s, a, b, c, c2 };
}

describe('activateMessage', () => {
  it('does nothing for a message on screen', async () => {
    const { db, s, a } = await tree();
    const before = await onScreen(db, s.id);
    expect(await activateMessage(db, a.id)).toBe(s.id);
    expect(await onScreen(db, s.id)).toEqual(before);
  });

  it('brings a deep branch message on screen with its parents, sets the tail aside', async () => {
    const { db, s, c } = await tree();
    expect(await activateMessage(db, c.id)).toBe(s.id);
    expect(await onScreen(db, s.id)).toEqual([
      [1, 'a alpha'],
      [2, 'b bravo'],
      [3, 'c charlie'],
    ]);
    const aside = await db.branchMessages.toArray();
    expect(aside.map((m) => m.content).sort()).toEqual(['b2 delta', 'c2 echo', 'c4 foxtrot']);
    const a = (await db.messages.get(c.id)) as { openStatus?: unknown; parentId?: unknown };
    expect(a.parentId).toBeUndefined();
    // Ids are kept and the session's counters still count every message.
    expect((await db.sessions.get(s.id))?.messageCount).toBe(6);
  });

  it('follows the chosen message with its latest continuation', async () => {
    const { db, s, b } = await tree();
    await activateMessage(db, b.id);
    expect((await onScreen(db, s.id)).map((r) => r[1])).toEqual([
      'a alpha',
      'b bravo',
      'c charlie',
    ]);
  });

  it('opens a version forked inside another branch', async () => {
    const { db, s, c, c2 } = await tree();
    await activateMessage(db, c.id);
    // c2 now waits in a branch under b2, which waits too.
    await activateMessage(db, c2.id);
    expect((await onScreen(db, s.id)).map((r) => r[1])).toEqual(['a alpha', 'b2 delta', 'c2 echo']);
    expect(await db.branchMessages.count()).toBe(3);
  });

  it('refuses a message that is gone', async () => {
    const { db } = await tree();
    await expect(activateMessage(db, 'nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('search over the whole tree', () => {
  it('finds a branch message, marks it, and keeps finding it after a flip', async () => {
    const { db, c } = await tree();
    while ((await flushQueue(db)) > 0);
    const r = await searchIndex(db, 'charlie', { filters: ALL });
    expect(r.hits.map((h) => [h.messageId, h.branch])).toEqual([[c.id, true]]);
    await activateMessage(db, c.id);
    while ((await flushQueue(db)) > 0);
    const after = await searchIndex(db, 'charlie', { filters: ALL });
    expect(after.hits.map((h) => [h.messageId, h.branch])).toEqual([[c.id, false]]);
    const moved = await searchIndex(db, 'delta', { filters: ALL });
    expect(moved.hits.map((h) => h.branch)).toEqual([true]);
    expect((await verifySearchIndex(db)).ok).toBe(true);
  });

  it('indexes branch rows in the first pass', async () => {
    const { db, c } = await tree();
    await rebuildSearchIndex(db);
    while (await backfillBlock(db, { pause: async () => {} }));
    while ((await flushQueue(db)) > 0);
    const r = await searchIndex(db, 'charlie', { filters: ALL });
    expect(r.hits.map((h) => h.messageId)).toEqual([c.id]);
    const report = await verifySearchIndex(db);
    expect(report).toMatchObject({ ok: true, texts: 7 });
  });

  it('drops a message from the index only once it is in neither store', async () => {
    const { db, c } = await tree();
    while ((await flushQueue(db)) > 0);
    await db.branchMessages.delete(c.id);
    while ((await flushQueue(db)) > 0);
    expect((await searchIndex(db, 'charlie', { filters: ALL })).hits).toEqual([]);
    expect((await verifySearchIndex(db)).orphans).toBe(0);
  });
});
