import { describe, expect, it } from 'vitest';
import { deleteMessage } from '../../src/lib/domain/messages';
import { messagesFrom, seqsAfter, windowAround } from '../../src/lib/domain/message-window';
import { openTestDb } from '../helpers/db';
import { sessionWith } from '../helpers/builders';

async function session(count: number) {
  const { db } = await openTestDb();
  const { session: s, messages } = await sessionWith(db, count, {
    message: () => ({ role: 'user' }),
  });
  return { db, id: s.id, ids: messages.map((m) => m.id) };
}

describe('the message window opened around a message', () => {
  it('starts 10 messages before it and holds a page, in the middle of a long session', async () => {
    const { db, id } = await session(200);
    expect(await windowAround(db, id, 100)).toEqual({
      floor: 90,
      ceiling: 139,
      hasOlder: true,
      after: 61,
    });
    const rows = await messagesFrom(db, id, 90, 139);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 90 + i));
  });

  it('starts at the first message near the start, and is open-ended near the end', async () => {
    const { db, id } = await session(200);
    expect(await windowAround(db, id, 4)).toEqual({
      floor: 1,
      ceiling: 50,
      hasOlder: false,
      after: 150,
    });
    expect(await windowAround(db, id, 11)).toEqual({
      floor: 1,
      ceiling: 50,
      hasOlder: false,
      after: 150,
    });
    expect(await windowAround(db, id, 12)).toEqual({
      floor: 2,
      ceiling: 51,
      hasOlder: true,
      after: 149,
    });
    expect(await windowAround(db, id, 180)).toEqual({
      floor: 170,
      ceiling: null,
      hasOlder: true,
      after: 0,
    });
    expect(await windowAround(db, id, 160)).toEqual({
      floor: 150,
      ceiling: 199,
      hasOlder: true,
      after: 1,
    });
    expect(await windowAround(db, id, 161)).toEqual({
      floor: 151,
      ceiling: null,
      hasOlder: true,
      after: 0,
    });
    expect((await messagesFrom(db, id, 170, null)).length).toBe(31);
  });

  it('follows gaps left by deletes, and a target that is gone', async () => {
    const { db, id, ids } = await session(100);
    for (const i of [40, 41, 42]) await deleteMessage(db, ids[i - 1] ?? '');
    const w = await windowAround(db, id, 41);
    expect(w).toEqual({ floor: 30, ceiling: 82, hasOlder: true, after: 18 });
    const rows = await messagesFrom(db, id, w.floor, w.ceiling);
    expect(rows).toHaveLength(50);
    expect(rows.some((r) => r.seq === 41)).toBe(false);
    expect(await seqsAfter(db, id, 38, 4)).toEqual([39, 43, 44, 45]);
    expect(await seqsAfter(db, id, 98, 10)).toEqual([99, 100]);
    expect(await seqsAfter(db, id, 100, 10)).toEqual([]);
  });

  it('is the whole session when it is short', async () => {
    const { db, id } = await session(5);
    expect(await windowAround(db, id, 3)).toEqual({
      floor: 1,
      ceiling: null,
      hasOlder: false,
      after: 0,
    });
    const empty = await session(0);
    expect(await windowAround(empty.db, empty.id, 1)).toEqual({
      floor: 1,
      ceiling: null,
      hasOlder: false,
      after: 0,
    });
  });
});
