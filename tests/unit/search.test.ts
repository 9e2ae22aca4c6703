import { describe, expect, it } from 'vitest';
import { type TernDB } from '../../src/lib/db/database';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { isTernError } from '../../src/lib/errors';
import { appendMessage } from '../../src/lib/domain/messages';
import { searchMessages, type MessageHit } from '../../src/lib/domain/search';
import { trashSession } from '../../src/lib/domain/sessions';
import { openTestDb } from '../helpers/db';
import { newSession } from '../helpers/builders';
import { sleep } from '../helpers/sleep';

/** Sessions with the given messages, each made active after the one before it. */
async function library(db: TernDB, sessions: { title: string; messages: string[] }[]) {
  const ids: string[] = [];
  for (const s of sessions) {
    const row = await newSession(db, { title: s.title });
    for (const [i, content] of s.messages.entries())
      await appendMessage(db, row.id, { role: i % 2 ? 'assistant' : 'user', content });
    // Later in the list is more recent, even when the clock did not move between them.
    await db.sessions.update(row.id, { lastActivityAt: Date.now() + ids.length * 1000 });
    ids.push(row.id);
  }
  return ids;
}

const where = (hits: MessageHit[]) => hits.map((h) => `${h.sessionTitle}#${h.seq}`);

describe('search inside messages', () => {
  it('finds messages holding every word, with what the sidebar shows for each', async () => {
    const { db } = await openTestDb();
    const [a] = await library(db, [
      { title: 'Trip', messages: ['Un café à Porto', 'Lisbon has great CAFES', 'no match'] },
    ]);
    const r = await searchMessages(db, 'cafe lisbon');
    expect(where(r.hits)).toEqual(['Trip#2']);
    const hit = r.hits[0];
    expect(hit).toMatchObject({ sessionId: a, sessionTitle: 'Trip', seq: 2, role: 'assistant' });
    expect(hit?.messageId).toBeTypeOf('string');
    expect(hit?.snippet.text).toBe('Lisbon has great CAFES');
    expect(hit?.snippet.marks).toEqual([
      [0, 6],
      [17, 21],
    ]);
    expect(r).toMatchObject({ limited: false, scanned: 3 });
    expect(where((await searchMessages(db, 'café')).hits)).toEqual(['Trip#2', 'Trip#1']);
  });

  it('leaves trashed sessions out', async () => {
    const { db } = await openTestDb();
    const [kept, trashed] = await library(db, [
      { title: 'Kept', messages: ['the word is heron'] },
      { title: 'Trashed', messages: ['heron here too'] },
    ]);
    await trashSession(db, trashed ?? '');
    const r = await searchMessages(db, 'heron');
    expect(r.hits.map((h) => h.sessionId)).toEqual([kept]);
    expect(r.scanned).toBe(1);
  });

  it('looks in the text parts when a message has no content', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db);
    await appendMessage(db, s.id, {
      role: 'assistant',
      content: '',
      parts: [
        { type: 'text', text: 'first part' },
        { type: 'tool-call', toolCallId: 'c', name: 'lookup', arguments: '{"q":"osprey"}' },
        { type: 'text', text: 'second part with osprey' },
      ],
    });
    const r = await searchMessages(db, 'osprey first');
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0]?.snippet.text).toBe('first part second part with osprey');
  });

  it('goes from the most recently active session to the oldest, newest messages first, across chunks', async () => {
    const { db } = await openTestDb();
    const long = Array.from({ length: 30 }, (_, i) => `tern ${i + 1}`);
    await library(db, [
      { title: 'Oldest', messages: ['tern a', 'tern b'] },
      { title: 'Empty', messages: [] },
      { title: 'Long', messages: long },
      { title: 'Newest', messages: ['tern c'] },
    ]);
    const expected = ['Newest#1', ...long.map((_, i) => `Long#${30 - i}`), 'Oldest#2', 'Oldest#1'];
    for (const chunkSize of [1, 7, 500]) {
      const calls: MessageHit[][] = [];
      const r = await searchMessages(db, 'TERN', { chunkSize, onHits: (h) => calls.push(h) });
      expect(where(r.hits), `chunks of ${chunkSize}`).toEqual(expected);
      expect(calls.flat()).toEqual(r.hits);
      if (chunkSize < 30) expect(calls.length).toBeGreaterThan(2);
      expect(r.scanned).toBe(33);
    }
  });

  it('reads every session once when many share the same last activity, as after an import', async () => {
    const { db } = await openTestDb();
    await library(
      db,
      Array.from({ length: 230 }, (_, i) => ({ title: `S${i}`, messages: ['a kestrel'] })),
    );
    await db.sessions.toCollection().modify({ lastActivityAt: 1_000 });
    const [newer] = await library(db, [{ title: 'Newer', messages: ['kestrel again'] }]);
    const r = await searchMessages(db, 'kestrel', { limit: 1_000 });
    expect(r.hits).toHaveLength(231);
    expect(new Set(r.hits.map((h) => h.sessionId)).size).toBe(231);
    expect(r.hits[0]?.sessionId).toBe(newer);
  });

  it('reads every message even when a session counter is wrong', async () => {
    const { db } = await openTestDb();
    const [low, high] = await library(db, [
      { title: 'Low', messages: ['kite 1', 'kite 2', 'kite 3', 'kite 4'] },
      { title: 'High', messages: ['kite 5'] },
    ]);
    await db.sessions.update(low ?? '', { messageCount: 1 });
    await db.sessions.update(high ?? '', { messageCount: 40 });
    for (const chunkSize of [2, 3, 500]) {
      const r = await searchMessages(db, 'kite', { chunkSize });
      expect(where(r.hits)).toEqual(['High#1', 'Low#4', 'Low#3', 'Low#2', 'Low#1']);
    }
  });

  it('stops at the limit', async () => {
    const { db } = await openTestDb();
    await library(db, [
      { title: 'Old', messages: ['plover'] },
      { title: 'New', messages: Array.from({ length: 60 }, () => 'a plover') },
    ]);
    const r = await searchMessages(db, 'plover', { chunkSize: 25 });
    expect(r.hits).toHaveLength(50);
    expect(r.limited).toBe(true);
    expect(r.hits.every((h) => h.sessionTitle === 'New')).toBe(true);
    expect(r.scanned).toBeLessThan(61);
    const few = await searchMessages(db, 'plover', { limit: 3 });
    expect(where(few.hits)).toEqual(['New#60', 'New#59', 'New#58']);
  });

  it('finds nothing for an empty query or a word nowhere, reading everything for the latter', async () => {
    const { db } = await openTestDb();
    await library(db, [{ title: 'One', messages: ['alpha', 'beta'] }]);
    expect(await searchMessages(db, '  ')).toEqual({ hits: [], limited: false, scanned: 0 });
    expect(await searchMessages(db, 'gamma')).toEqual({ hits: [], limited: false, scanned: 2 });
  });

  it('stops with code aborted when asked, mid-search, and leaves everything working', async () => {
    const { db } = await openTestDb();
    await library(db, [
      { title: 'A', messages: Array.from({ length: 40 }, (_, i) => `gull ${i}`) },
      { title: 'B', messages: Array.from({ length: 40 }, (_, i) => `gull ${i}`) },
    ]);
    const before = new AbortController();
    before.abort();
    await expect(searchMessages(db, 'gull', { signal: before.signal })).rejects.toSatisfy((e) =>
      isTernError(e, 'aborted'),
    );

    const controller = new AbortController();
    const seen: MessageHit[] = [];
    let pauses = 0;
    const run = searchMessages(db, 'gull', {
      chunkSize: 10,
      signal: controller.signal,
      onHits: (h) => seen.push(...h),
      pause: async () => {
        if (++pauses === 3) controller.abort();
        await sleep(0);
      },
    });
    await expect(run).rejects.toSatisfy((e) => isTernError(e, 'aborted'));
    expect(seen).toHaveLength(30);
    // Aborted while a read is under way: that read's hits are dropped.
    const racing = new AbortController();
    const late: MessageHit[] = [];
    const second = searchMessages(db, 'gull', {
      chunkSize: 10,
      signal: racing.signal,
      onHits: (h) => late.push(...h),
    });
    racing.abort();
    await expect(second).rejects.toSatisfy((e) => isTernError(e, 'aborted'));
    expect(late).toEqual([]);

    // Nothing is left open or changed: writes and a new search go through.
    const [c] = await library(db, [{ title: 'C', messages: ['gull after'] }]);
    const again = await searchMessages(db, 'gull after');
    expect(again.hits.map((h) => h.sessionId)).toEqual([c]);
    expect((await checkIntegrity(db)).ok).toBe(true);
  });
});
