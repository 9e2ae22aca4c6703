// Flipping versions moves messages between the active path and the versions set aside, ids and
// text kept: the index (keyed by id, looking in both stores) needs nothing new for them, so a flip
// queues nothing. What does change is still queued: a row whose text differs from the one it
// replaces, an edit in the same transaction or after, a version deleted, and every moved row while
// the first pass over the history has not reached them all.
import { describe, expect, it } from 'vitest';
import type { TernDB } from '../../../src/lib/db/database';
import { moveMessages } from '../../../src/lib/db/moves';
import { BACKFILL_KEY } from '../../../src/lib/db/search-layout';
import type { MessageRow } from '../../../src/lib/db/rows';
import {
  bringBack,
  deleteVersion,
  setAsideFrom,
  switchVersion,
  versionsOf,
  type FlipPlan,
} from '../../../src/lib/domain/branches';
import { newSession } from '../../helpers/builders';
import { activateMessage } from '../../../src/lib/domain/branch-path';
import { restartAfter } from '../../../src/lib/domain/chat/store';
import { allMessages, appendMessage, editMessage } from '../../../src/lib/domain/messages';
import { searchIndex } from '../../../src/lib/domain/search-index/query';
import { verifySearchIndex } from '../../../src/lib/domain/search-index/verify';
import { flushQueue } from '../../../src/lib/domain/search-index/writer';
import { sessionWith } from '../../helpers/builders';
import { openTestDb } from '../../helpers/db';

const ALL = { workspaceId: null, role: null, from: null, to: null, includeTrash: true };
const WORDS = ['alpha', 'bravo', 'charlie', 'delta'];

async function found(db: TernDB, word: string) {
  const r = await searchIndex(db, word, { filters: ALL });
  return r.hits
    .filter((h) => h.kind === 'message')
    .map((h) => ({ id: h.messageId, branch: h.branch }));
}

const queued = async (db: TernDB) => (await db.searchQueue.toCollection().primaryKeys()).sort();

async function indexAll(db: TernDB) {
  while ((await flushQueue(db)) > 0);
}

/**
 * Four messages, then the reply at seq 2 regenerated as "echo": the first reply and what followed
 * it (bravo, charlie, delta) are set aside as a version. Everything indexed.
 */
async function twoVersions() {
  const { db } = await openTestDb();
  const { session, messages } = await sessionWith(db, 4, { content: (i) => WORDS[i - 1] ?? '' });
  const again = await restartAfter(db, session.id, 1, {});
  await editMessage(db, again.id, { content: 'echo', status: 'complete' });
  await indexAll(db);
  return { db, sid: session.id, first: messages[1] as MessageRow, again, messages };
}

describe('moving messages between versions and the search index', () => {
  it('queues nothing for a flip, and finds the text of both versions where it now is', async () => {
    const { db, sid, first, again, messages } = await twoVersions();
    expect(await found(db, 'bravo')).toEqual([{ id: first.id, branch: true }]);

    let plan: FlipPlan | undefined;
    await switchVersion(db, again.id, first.id, (p) => (plan = p));
    expect(await queued(db)).toEqual([]);
    expect(await found(db, 'bravo')).toEqual([{ id: first.id, branch: false }]);
    expect(await found(db, 'delta')).toEqual([{ id: messages[3]?.id, branch: false }]);
    expect(await found(db, 'echo')).toEqual([{ id: again.id, branch: true }]);
    expect(await verifySearchIndex(db)).toMatchObject({ ok: true });

    // What was drawn before the write is what the write stored.
    const path = await allMessages(db, sid);
    expect(plan?.rows).toEqual(path.slice(1));
    const versions = await versionsOf(db, sid, path, true);
    expect(plan?.versions).toEqual(versions);

    // A hit in the version not on screen opens that version, and that queues nothing either.
    await activateMessage(db, again.id);
    expect((await allMessages(db, sid)).map((m) => m.content)).toEqual(['alpha', 'echo']);
    expect(await queued(db)).toEqual([]);
    expect(await found(db, 'echo')).toEqual([{ id: again.id, branch: false }]);
    expect(await found(db, 'charlie')).toEqual([{ id: messages[2]?.id, branch: true }]);
    expect(await verifySearchIndex(db)).toMatchObject({ ok: true });
  });

  it('queues a row whose text changes as it moves, and an edit in the same write or after', async () => {
    const { db, sid, first, again, messages } = await twoVersions();
    const third = messages[2] as MessageRow;
    await db.transaction('rw', db.sessions, db.messages, db.branchMessages, async () => {
      await setAsideFrom(db, sid, 2);
      const rows = [first, third].map((m) =>
        bringBack({ ...m, parentId: '', setAsideAt: 0 }, m.seq),
      );
      // Brought back with other words: a write of text, not a move.
      await moveMessages(
        db,
        [],
        [{ ...(rows[0] as MessageRow), content: 'foxtrot' }, rows[1] as MessageRow],
      );
      await db.branchMessages.delete(messages[3]?.id ?? '');
      // And a moved row edited in the same transaction.
      await db.messages.update(third.id, { content: 'golf' });
    });
    expect(await queued(db)).toEqual([first.id, third.id, messages[3]?.id].sort());
    await indexAll(db);
    expect(await found(db, 'foxtrot')).toEqual([{ id: first.id, branch: false }]);
    expect(await found(db, 'golf')).toEqual([{ id: third.id, branch: false }]);
    for (const gone of ['bravo', 'charlie', 'delta']) expect(await found(db, gone)).toEqual([]);
    expect(await found(db, 'echo')).toEqual([{ id: again.id, branch: true }]);

    // An edit after a flip is queued like any other.
    await switchVersion(db, first.id, again.id);
    expect(await queued(db)).toEqual([]);
    await editMessage(db, again.id, { content: 'hotel' });
    expect(await queued(db)).toEqual([again.id]);
    await indexAll(db);
    expect(await found(db, 'hotel')).toEqual([{ id: again.id, branch: false }]);
    expect(await found(db, 'echo')).toEqual([]);
    expect(await verifySearchIndex(db)).toMatchObject({ ok: true });
  });

  it('queues the messages a deleted version takes, not the sibling that takes its place', async () => {
    const { db, first, again, messages } = await twoVersions();
    await switchVersion(db, again.id, first.id);
    await deleteVersion(db, first.id);
    const gone = messages.slice(1).map((m) => m.id);
    expect(await queued(db)).toEqual(gone.sort());
    await indexAll(db);
    expect(await found(db, 'echo')).toEqual([{ id: again.id, branch: false }]);
    for (const word of ['bravo', 'charlie', 'delta']) expect(await found(db, word)).toEqual([]);
    expect(await verifySearchIndex(db)).toMatchObject({ ok: true });
  });

  it('queues every moved message while the first pass over the history is under way', async () => {
    const { db, first, again, messages } = await twoVersions();
    const state = (await db.meta.get(BACKFILL_KEY))?.value as Record<string, unknown>;
    await db.meta.put({ key: BACKFILL_KEY, value: { ...state, done: false } });
    await switchVersion(db, again.id, first.id);
    expect(await queued(db)).toEqual([again.id, ...messages.slice(1).map((m) => m.id)].sort());
  });

  for (const seed of [1, 2, 3])
    it(`keeps the index in step through regenerates, flips, edits and deletes (sequence ${seed})`, () =>
      shuffle(seed));
});

function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x + 0x6d2b79f5) | 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random regenerates, flips, edits and version deletes, the queue flushed now and then. */
async function shuffle(seed: number) {
  const { db } = await openTestDb();
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(random() * xs.length)];
  let n = 0;
  const text = () => `tag${++n}x ${pick(WORDS)}`;
  const sid = (await newSession(db)).id;
  const stored = async () => [
    ...(await db.messages.toArray()),
    ...(await db.branchMessages.toArray()),
  ];
  const tags = async () =>
    new Set((await stored()).map((m) => /tag\d+x/.exec(m.content)?.[0] ?? ''));
  const gone = new Set<string>();
  for (let step = 0; step < 60; step++) {
    const path = await allMessages(db, sid);
    const m = pick(path);
    const before = await tags();
    const op = random();
    if (op < 0.3 || !m) {
      await appendMessage(db, sid, {
        role: random() < 0.5 ? 'user' : 'assistant',
        content: text(),
      });
    } else if (op < 0.45) {
      await editMessage(db, m.id, { content: text(), parts: [] });
    } else if (op < 0.65) {
      const reply = await restartAfter(db, sid, m.seq - 1, {});
      await editMessage(db, reply.id, { content: text(), status: 'complete' });
    } else if (op < 0.85) {
      const versions = [...(await versionsOf(db, sid, path, true))];
      const [at, v] = pick(versions) ?? [];
      const to = v && pick(v.ids.filter((id) => id !== at));
      if (at && to) await switchVersion(db, at, to);
    } else if (op < 0.9) {
      const [at] = pick([...(await versionsOf(db, sid, path, true))]) ?? [];
      if (at) await deleteVersion(db, at);
    } else if (op < 0.95) {
      const aside = pick(await db.branchMessages.toArray());
      if (aside) await activateMessage(db, aside.id);
    } else {
      await flushQueue(db, 1 + Math.floor(random() * 20));
    }
    const after = await tags();
    for (const t of before) if (!after.has(t)) gone.add(t);
  }
  const check = async () => {
    for (const m of await stored()) {
      const tag = /tag\d+x/.exec(m.content)?.[0];
      if (tag)
        expect(await found(db, tag), m.content).toContainEqual(
          expect.objectContaining({ id: m.id }),
        );
    }
    for (const tag of gone) expect(await found(db, tag), tag).toEqual([]);
  };
  await check();
  await indexAll(db);
  await check();
  expect(await verifySearchIndex(db)).toMatchObject({ ok: true });
}
