// Imports write several conversations per transaction. A bad conversation in a chunk costs only
// itself; a cancel stops between chunks and leaves whole conversations only.
import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../../src/lib/db/rows';
import { ImportWriter, type ParsedItem } from '../../../src/lib/domain/import';
import { openTestDb } from '../../helpers/db';
import { messageRow, sessionRow } from '../../helpers/builders';

function item(id: string, messages = 3, messageIds?: string[]): ParsedItem {
  const rows: MessageRow[] = Array.from({ length: messages }, (_, i) =>
    messageRow(
      {
        id: messageIds?.[i] ?? `${id}-m${i + 1}`,
        sessionId: id,
        seq: i + 1,
        role: i % 2 ? 'assistant' : 'user',
      },
      1_000 + i,
    ),
  );
  return {
    kind: 'ok',
    conversation: {
      session: sessionRow({ id }),
      settings: null,
      messages: rows,
      images: [],
      compactionEvents: [],
      archive: [],
    },
  };
}

describe('chunked import', () => {
  it('writes many conversations in few transactions, all whole, in order', async () => {
    const { db } = await openTestDb();
    const writer = new ImportWriter(db, 'keep-local');
    const batch = Array.from({ length: 200 }, (_, i) => item(`c${i}`));
    await writer.writeMany(batch);
    expect(writer.items.map((i) => i.id)).toEqual(batch.map((_, i) => `c${i}`));
    expect(writer.items.every((i) => i.kind === 'imported')).toBe(true);
    expect(await db.sessions.count()).toBe(200);
    expect(await db.messages.count()).toBe(600);
    expect(writer.transactions).toBeLessThan(200 / 4);
  });

  it('rolls back only the conversation that fails, the rest of its chunk lands', async () => {
    const { db } = await openTestDb();
    const writer = new ImportWriter(db, 'keep-local');
    await writer.writeMany([item('first')]);
    // The third reuses a message id of "first": it alone is refused.
    const batch = [item('a'), item('b'), item('c', 3, ['first-m1', 'c-2', 'c-3']), item('d')];
    const invalid: ParsedItem = {
      kind: 'invalid',
      id: 'x',
      title: 'Broken',
      code: 'invalid-conversation',
      reason: 'No messages.',
    };
    await writer.writeMany([...batch.slice(0, 2), invalid, ...batch.slice(2)]);
    expect(writer.items.map((i) => [i.id, i.kind])).toEqual([
      ['first', 'imported'],
      ['a', 'imported'],
      ['b', 'imported'],
      ['x', 'invalid'],
      ['c', 'invalid'],
      ['d', 'imported'],
    ]);
    expect(writer.items[4]).toMatchObject({ code: 'id-conflict' });
    expect((await db.sessions.toCollection().primaryKeys()).sort()).toEqual([
      'a',
      'b',
      'd',
      'first',
    ]);
    expect(await db.messages.where('sessionId').equals('c').count()).toBe(0);
    expect((await db.messages.get('first-m1'))?.sessionId).toBe('first');
  });

  it('finds a conversation written earlier in the same chunk, as if written alone', async () => {
    const { db } = await openTestDb();
    const writer = new ImportWriter(db, 'keep-local');
    await writer.writeMany([item('a'), item('b'), item('a', 5)]);
    expect(writer.items.map((i) => [i.id, i.kind])).toEqual([
      ['a', 'imported'],
      ['b', 'imported'],
      ['a', 'skipped'],
    ]);
    expect(await db.messages.where('sessionId').equals('a').count()).toBe(3);
  });

  it('stops at the next chunk when cancelled, reporting the rest as cancelled', async () => {
    const { db } = await openTestDb();
    const controller = new AbortController();
    let ticks = 0;
    // A clock that says every chunk took long: the chunks stay small, and the third tick cancels.
    const clock = () => {
      if (++ticks === 6) controller.abort();
      return ticks * 1000;
    };
    const writer = new ImportWriter(db, 'keep-local', controller.signal, clock);
    const batch = Array.from({ length: 100 }, (_, i) => item(`c${i}`));
    await writer.writeMany(batch);
    const imported = writer.items.filter((i) => i.kind === 'imported');
    const cancelled = writer.items.filter((i) => i.kind === 'invalid' && i.code === 'cancelled');
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.length + cancelled.length).toBe(100);
    expect(await db.sessions.count()).toBe(imported.length);
    expect(await db.messages.count()).toBe(imported.length * 3);
  });
});
