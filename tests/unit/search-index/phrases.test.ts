// Phrases from the index: the words of a phrase are each common, but side by side in only a few
// texts. Every one of those is found (by the first pass and by the writes after it), in rank order,
// and nothing else; across punctuation, case and accents as the tokenizer defines them, past the
// 64th word of a long text, with a prefix for the last word, and from an index whose postings were
// written before they kept where each word stands.
import { describe, expect, it } from 'vitest';
import type { TernDB } from '../../../src/lib/db/database';
import type { MessageRow, SessionRow } from '../../../src/lib/db/rows';
import { BACKFILL_KEY, LIVE_KEY } from '../../../src/lib/db/search-layout';
import { appendMessage } from '../../../src/lib/domain/messages';
import { backfillBlock } from '../../../src/lib/domain/search-index/backfill';
import { searchIndex } from '../../../src/lib/domain/search-index/query';
import { searchableText } from '../../../src/lib/domain/search-index/texts';
import { matchesWords, parseQuery, tokenize } from '../../../src/lib/domain/search-index/tokens';
import { flushQueue, indexTables } from '../../../src/lib/domain/search-index/writer';
import { messageRow, sessionRow } from '../../helpers/builders';
import { openTestDb } from '../../helpers/db';

const VOCAB = [
  ...['winter', 'forest', 'river', 'the', 'of', 'garden', 'forests', 'wintering', 'a', 'kea'],
  ...['budget', 'signal', 'café', 'python', 'lesson', 'report'],
];
const noPause = () => Promise.resolve();

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words of the vocabulary in which "winter" is never followed by a word beginning "fore". */
function prose(random: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = VOCAB[Math.floor(random() * VOCAB.length)] ?? 'a';
    if (out[i - 1] === 'winter' && w.startsWith('fore')) w = 'river';
    out.push(w);
  }
  return out.join(random() < 0.5 ? ' ' : '. ');
}

/** Texts where the phrase is (or, for the last three, only seems to be). */
const PLANTED = [
  'Winter forest at dawn',
  'a walk: WINTER—Forest, then home',
  'wínter fōrest, folded like any other text',
  'snake_case: winter_forest',
  'a tree in 冬 winter forest 森',
  `${'the '.repeat(63)}winter forest`, // the 64th and 65th words
  `${'of '.repeat(100)}winter forests`, // "forests" begins with the last word
  'winter 🌲 forest', // an emoji is a word between them
  'winterforest', // one word
  'forest winter', // the other way round
];

const T = 1_700_000_000_000;

/** 40 sessions of 12 messages of prose, the planted texts among them, written straight to the stores. */
async function library(db: TernDB): Promise<Map<string, string>> {
  const random = rng(7);
  const texts = new Map<string, string>();
  const sessions: SessionRow[] = [];
  const messages: MessageRow[] = [];
  for (let s = 0; s < 40; s++) {
    const id = `s${s}`;
    const title = s === 17 ? 'Winter Forest walks' : `Notes ${s}`;
    sessions.push(sessionRow({ id, title, messageCount: 12, lastActivityAt: T + s * 100 }, T));
    texts.set(`title:${id}`, title);
    for (let k = 1; k <= 12; k++) {
      const n = s * 12 + k;
      const planted = n % 47 === 0 ? PLANTED[(n / 47) % PLANTED.length] : undefined;
      const content = planted ?? prose(random, 10 + Math.floor(random() * 80));
      const m = messageRow({ id: `${id}-m${k}`, sessionId: id, seq: k, content }, T + s * 100 + k);
      messages.push(m);
      texts.set(m.id, searchableText(m));
    }
  }
  await db.transaction('rw', [db.sessions, db.messages, ...indexTables(db)], async () => {
    await db.sessions.bulkPut(sessions);
    await db.messages.bulkPut(messages);
  });
  return texts;
}

/** Every text the query matches, by reading them all: what the index must find. */
function expected(texts: Map<string, string>, query: string): string[] {
  const { parts } = parseQuery(query);
  return [...texts].filter(([, t]) => matchesWords(tokenize(t), parts)).map(([k]) => k);
}

const keyOf = (h: { kind: string; messageId: string | null; sessionId: string }) =>
  h.kind === 'title' ? `title:${h.sessionId}` : (h.messageId ?? '');

async function firstPass(db: TernDB): Promise<void> {
  await db.transaction('rw', [db.meta, ...indexTables(db)], async () => {
    for (const t of indexTables(db)) await t.clear();
    await db.meta.bulkDelete([BACKFILL_KEY, LIVE_KEY]);
  });
  while (await backfillBlock(db, { pause: noPause }));
}

async function expectPhrases(db: TernDB, texts: Map<string, string>) {
  for (const query of [
    '"winter forest"',
    '"WINTER FORE"',
    '"forest winter"',
    '"the winter forest"',
  ]) {
    const want = expected(texts, query);
    const r = await searchIndex(db, query, { limit: 1000 });
    expect(r.hits.map(keyOf).sort(), query).toEqual([...want].sort());
    expect(r.limited, query).toBe(false);
    // Best first: relevance with recency.
    const scores = r.hits.map((h) => h.score);
    expect(scores, query).toEqual([...scores].sort((a, b) => b - a));
  }
}

describe('phrases from the index', () => {
  it('finds every text where two common words stand side by side, and only those, best first', async () => {
    const { db } = await openTestDb();
    const texts = await library(db);
    await firstPass(db);
    const want = expected(texts, '"winter forest"');
    // The planted texts that hold the phrase, the title among them, and none of the look-alikes.
    expect(want.map((k) => texts.get(k))).toEqual(
      expect.arrayContaining(['Winter Forest walks', ...PLANTED.slice(0, 7)]),
    );
    for (const fake of PLANTED.slice(7)) expect(want.map((k) => texts.get(k))).not.toContain(fake);
    // Both words are in hundreds of texts; side by side in a handful.
    const both = expected(texts, 'winter forest').length;
    expect(both).toBeGreaterThan(want.length * 10);
    await expectPhrases(db, texts);
    const r = await searchIndex(db, '"winter forest"');
    expect(r.hits[0]).toMatchObject({ kind: 'title', sessionTitle: 'Winter Forest walks' });
    expect(
      r.hits.find((h) => h.messageId !== null && texts.get(h.messageId)?.startsWith('wínter'))
        ?.snippet.text,
    ).toContain('wínter fōrest');
  });

  it('finds them the same when every text was written after the first pass', async () => {
    const { db } = await openTestDb();
    const texts = await library(db);
    while ((await flushQueue(db)) > 0);
    await expectPhrases(db, texts);
  });

  it('keeps, for each word and text, where the word stands, modulo 64', async () => {
    const { db } = await openTestDb();
    await db.sessions.put(sessionRow({ id: 's', title: 'x', messageCount: 1 }, T));
    const words = ['kea', 'on', 'kea', ...Array.from({ length: 63 }, () => 'pad'), 'kea'];
    await db.messages.put(
      messageRow({ id: 'm', sessionId: 's', seq: 1, content: words.join(' ') }, T),
    );
    while ((await flushQueue(db)) > 0);
    const doc = (await db.searchDocs.where('key').equals('m').first())?.doc ?? -1;
    const row = (await db.searchPostings.toArray()).find((r) => r.term === 'kea');
    expect([...(row?.docs ?? [])]).toEqual([doc]);
    // Words 0, 2 and 66: bits 0 and 2 of the first mask, and 66 - 64 = 2 again.
    expect([...(row?.at ?? [])]).toEqual([0b101, 0]);
    const pad = (await db.searchPostings.toArray()).find((r) => r.term === 'pad');
    // Words 3 to 65: bits 3 to 31 of the first, all 32 of the second, 0 and 1 of the first again.
    expect([...(pad?.at ?? [])]).toEqual([0xfffffffb >>> 0, 0xffffffff]);
  });

  it('finds every phrase from postings written before positions were kept, and after a write to them', async () => {
    const { db } = await openTestDb();
    const texts = await library(db);
    await firstPass(db);
    await db.searchPostings.toCollection().modify((r) => {
      delete r.at;
    });
    await expectPhrases(db, texts);
    const m = await appendMessage(db, 's3', { role: 'user', content: 'Back in the winter forest' });
    texts.set(m.id, m.content);
    while ((await flushQueue(db)) > 0);
    expect((await db.searchPostings.toArray()).some((r) => r.at === undefined)).toBe(true);
    await expectPhrases(db, texts);
  });
});
