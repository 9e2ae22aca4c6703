// Every write path keeps the index in step: random sequences of appends, edits, deletes,
// compactions and their undo, trash and restore, purges, renames and imports, with the queue
// flushed at random moments; then every live message is found by its words and no deleted one is,
// both before the queue is emptied and after.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID, type TernDB } from '../../../src/lib/db/database';
import type { MessageRow } from '../../../src/lib/db/rows';
import { compactSession, revertCompaction } from '../../../src/lib/domain/compaction';
import { importConversation } from '../../../src/lib/domain/import';
import {
  allMessages,
  appendMessage,
  deleteMessage,
  editMessage,
} from '../../../src/lib/domain/messages';
import {
  purgeSession,
  renameSession,
  restoreSession,
  trashSession,
} from '../../../src/lib/domain/sessions';
import { backfillBlock } from '../../../src/lib/domain/search-index/backfill';
import { searchIndex } from '../../../src/lib/domain/search-index/query';
import { flushQueue } from '../../../src/lib/domain/search-index/writer';
import { rebuildSearchIndex, verifySearchIndex } from '../../../src/lib/domain/search-index/verify';
import { openTestDb } from '../../helpers/db';
import { newSession } from '../../helpers/builders';

const VOCAB = ['river', 'garden', 'café', 'Zürich', '東京', 'python', 'budget', 'signal'];
const ALL = { workspaceId: null, role: null, from: null, to: null, includeTrash: true };

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function expectInStep(db: TernDB, gone: Set<string>) {
  const live = await db.messages.toArray();
  for (const m of live) {
    const tag = /tag\d+x/.exec(m.content)?.[0];
    if (!tag) continue;
    const word = m.content.split(' ').find((w) => VOCAB.includes(w)) ?? '';
    const r = await searchIndex(db, `${tag} ${word}`, { filters: ALL });
    expect(
      r.hits.map((h) => h.messageId),
      `${m.content} found by "${tag} ${word}"`,
    ).toContain(m.id);
  }
  for (const tag of gone) {
    const r = await searchIndex(db, tag, { filters: ALL });
    expect(
      r.hits.filter((h) => h.kind === 'message').map((h) => h.snippet.text),
      `deleted ${tag}`,
    ).toEqual([]);
  }
}

async function run(seed: number) {
  const { db } = await openTestDb();
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(random() * xs.length)];
  let n = 0;
  const text = () => `tag${++n}x ${pick(VOCAB)} ${pick(VOCAB)}`;
  const gone = new Set<string>();
  const tagOf = (m: MessageRow) => /tag\d+x/.exec(m.content)?.[0] ?? '';
  const sessions: string[] = [];
  for (let i = 0; i < 3; i++) sessions.push((await newSession(db)).id);
  for (let step = 0; step < 80; step++) {
    const sid = pick(sessions) ?? '';
    const msgs = sid ? await allMessages(db, sid) : [];
    const m = pick(msgs);
    const op = random();
    if (op < 0.35 || !m) {
      await appendMessage(db, sid, {
        role: random() < 0.5 ? 'user' : 'assistant',
        content: text(),
      });
    } else if (op < 0.5) {
      gone.add(tagOf(m));
      await editMessage(db, m.id, { content: text(), parts: [] });
    } else if (op < 0.58) {
      gone.add(tagOf(m));
      await deleteMessage(db, m.id);
    } else if (op < 0.66 && msgs.length > 2) {
      const event = await compactSession(db, sid, {
        archiveIds: msgs.slice(0, 2).map((x) => x.id),
        summary: { content: text(), tokens: 1 },
        strategy: 'x',
      });
      if (random() < 0.5) await revertCompaction(db, event.id);
      else {
        for (const x of msgs.slice(0, 2)) gone.add(tagOf(x));
      }
    } else if (op < 0.72) {
      await trashSession(db, sid);
      // Left in the trash: still found (the search includes the trash here), no longer written.
      if (random() < 0.6) await restoreSession(db, sid);
      else sessions.splice(sessions.indexOf(sid), 1);
    } else if (op < 0.76 && sessions.length > 2) {
      for (const x of msgs) gone.add(tagOf(x));
      sessions.splice(sessions.indexOf(sid), 1);
      await purgeSession(db, sid);
    } else if (op < 0.82) {
      await renameSession(db, sid, `title${++n}`);
    } else if (op < 0.9) {
      const t = Date.now();
      const id = `imported-${step}`;
      const messages = [1, 2].map((seq): MessageRow => ({
        id: `${id}-${seq}`,
        sessionId: id,
        seq,
        role: 'user',
        content: text(),
        parts: [],
        name: null,
        toolCallId: null,
        tokens: 1,
        status: 'complete',
        preserved: false,
        metadata: {},
        createdAt: t,
        updatedAt: t,
      }));
      await importConversation(
        db,
        {
          session: {
            id,
            workspaceId: DEFAULT_WORKSPACE_ID,
            title: 'Imported',
            model: null,
            createdAt: t,
            updatedAt: t,
            lastActivityAt: t,
            deletedAt: null,
            messageCount: 2,
            imageCount: 0,
            totalTokens: 2,
            compactionCount: 0,
            metadata: {},
          },
          settings: null,
          messages,
          images: [],
          compactionEvents: [],
          archive: [],
        },
        'keep-local',
      );
      sessions.push(id);
    } else {
      await flushQueue(db, 1 + Math.floor(random() * 20));
      if (random() < 0.3) await backfillBlock(db, { pause: async () => {} });
    }
  }
  gone.delete('');
  for (const m of await db.messages.toArray()) gone.delete(tagOf(m));
  await expectInStep(db, gone);
  while ((await flushQueue(db)) > 0);
  while (await backfillBlock(db, { pause: async () => {} }));
  while ((await flushQueue(db)) > 0);
  expect(await db.searchQueue.count()).toBe(0);
  await expectInStep(db, gone);
  expect(await verifySearchIndex(db)).toMatchObject({
    missing: 0,
    orphans: 0,
    duplicates: 0,
    unposted: 0,
  });
}

describe('the search index under every write path', () => {
  for (const seed of [1, 2, 3, 4, 5])
    it(`stays in step with the messages (sequence ${seed})`, () => run(seed));

  it('finds a session by its title, and follows a rename', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db, { title: 'Quetzal trip' });
    while ((await flushQueue(db)) > 0);
    expect((await searchIndex(db, 'quetz')).hits.map((h) => h.kind)).toEqual(['title']);
    await renameSession(db, s.id, 'Heron trip');
    expect((await searchIndex(db, 'quetz')).hits).toEqual([]);
    while ((await flushQueue(db)) > 0);
    expect((await searchIndex(db, 'quetz')).hits).toEqual([]);
    expect((await searchIndex(db, 'heron')).hits.map((h) => h.sessionTitle)).toEqual([
      'Heron trip',
    ]);
  });
});

describe('the search index check and rebuild', () => {
  it('finds an index that disagrees with the messages, and a rebuild makes it agree', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db, { title: 'Birds' });
    const m = await appendMessage(db, s.id, { role: 'user', content: 'a kea on the car' });
    while ((await flushQueue(db)) > 0);
    expect(await verifySearchIndex(db)).toMatchObject({ ok: true, texts: 2 });
    // Damage it: the message's document goes, and one for a text that never was comes.
    const doc = await db.searchDocs.where('key').equals(m.id).first();
    await db.searchDocs.delete(doc?.doc ?? 0);
    await db.searchDocs.add({ doc: 5, key: 'ghost', sessionId: s.id });
    expect(await verifySearchIndex(db)).toMatchObject({ ok: false, missing: 1, orphans: 1 });
    expect((await searchIndex(db, 'kea')).hits).toEqual([]);
    await rebuildSearchIndex(db);
    expect(await verifySearchIndex(db)).toMatchObject({ indexing: true });
    while (await backfillBlock(db, { pause: () => Promise.resolve() }));
    expect(await verifySearchIndex(db)).toMatchObject({ ok: true, missing: 0, orphans: 0 });
    expect((await searchIndex(db, 'kea')).hits.map((h) => h.messageId)).toEqual([m.id]);
  });
});
