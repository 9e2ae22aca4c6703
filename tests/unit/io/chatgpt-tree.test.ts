import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../../src/lib/db/integrity';
import type { Conversation, ParsedItem } from '../../../src/lib/io/types';
import { readChatGptItem } from '../../../src/lib/io/importers/chatgpt';
import { openTestDb } from '../../helpers/db';
import { bytes, count, importBytes } from './helpers';

type Node = { id: string; parent: string | null; children: string[]; message: unknown };

function msg(id: string, role: string, text: string, t: number) {
  return { id, author: { role }, create_time: t, content: { content_type: 'text', parts: [text] } };
}

/** A mapping from [id, parent, role, text, time] rows; children follow from the parents. */
function mapping(rows: [string, string | null, string, string, number][]): Record<string, Node> {
  const out: Record<string, Node> = {};
  for (const [id, parent, role, text, t] of rows)
    out[id] = { id, parent, children: [], message: msg(id, role, text, t) };
  for (const [id, parent] of rows) if (parent && out[parent]) out[parent].children.push(id);
  return out;
}

const opts = { workspaceId: 'w', now: 0 };

function read(c: unknown): Conversation {
  const item: ParsedItem = readChatGptItem(c, 0, opts);
  if (item.kind !== 'ok') throw new Error(item.reason);
  return item.conversation;
}

describe('ChatGPT import keeps the whole tree', () => {
  it('puts current_node’s path on screen and every other message in a branch', () => {
    const c = read({
      id: 'c1',
      current_node: 'b2',
      mapping: mapping([
        ['u1', null, 'user', 'first', 1],
        ['a1', 'u1', 'assistant', 'reply one', 2],
        ['a2', 'u1', 'assistant', 'reply two', 3],
        ['a3', 'u1', 'assistant', 'reply three', 4],
        ['b1', 'a1', 'user', 'follow-up', 5],
        ['b2', 'a1', 'user', 'other follow-up', 6],
        ['x1', 'a2', 'user', 'old next', 7],
        ['x2', 'a2', 'user', 'new next', 8],
      ]),
    });
    expect(c.messages.map((m) => m.content)).toEqual(['first', 'reply one', 'other follow-up']);
    expect(c.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    const byText = new Map(c.branchMessages!.map((b) => [b.content, b]));
    expect(byText.get('reply two')!.parentId).toBe('chatgpt-c1-u1');
    expect(byText.get('follow-up')!.parentId).toBe('chatgpt-c1-a1');
    expect(byText.get('old next')!.parentId).toBe('chatgpt-c1-a2');
    // Inside an inactive branch, the newest child is the one shown when flipping to it.
    expect(byText.get('new next')!.setAsideAt).toBeGreaterThan(byText.get('old next')!.setAsideAt);
    expect(byText.get('old next')!.seq).toBe(3);
    expect(c.session.messageCount).toBe(8);
  });

  it('re-parents the children of hidden and empty nodes to the nearest message kept', () => {
    const m = mapping([
      ['root', null, 'system', '', 0],
      ['u1', 'root', 'user', 'hi', 1],
      ['h', 'u1', 'assistant', 'secret', 2],
      ['a1', 'h', 'assistant', 'shown', 3],
      ['a2', 'h', 'assistant', 'other', 4],
    ]);
    (m.h!.message as { weight: number }).weight = 0;
    const c = read({ id: 'c2', current_node: 'a1', mapping: m });
    expect(c.messages.map((x) => x.content)).toEqual(['hi', 'shown']);
    expect(c.branchMessages!.map((b) => [b.content, b.parentId])).toEqual([
      ['other', 'chatgpt-c2-u1'],
    ]);
  });

  it('without current_node, shows the path of the most recently created leaf', () => {
    const c = read({
      id: 'c3',
      mapping: mapping([
        ['u1', null, 'user', 'q', 1],
        ['a1', 'u1', 'assistant', 'late', 9],
        ['a2', 'u1', 'assistant', 'early', 5],
      ]),
    });
    expect(c.messages.map((x) => x.content)).toEqual(['q', 'late']);
    expect(c.branchMessages!.map((x) => x.content)).toEqual(['early']);
  });

  it('imports both messages of a loop with no current_node', async () => {
    const conv = {
      id: 'loop',
      title: 'Loop',
      mapping: {
        a: { id: 'a', parent: 'b', children: ['b'], message: msg('a', 'user', 'question', 1) },
        b: { id: 'b', parent: 'a', children: ['a'], message: msg('b', 'assistant', 'answer', 2) },
      },
    };
    const c = read(conv);
    expect(c.messages.map((x) => x.content)).toEqual(['question', 'answer']);
    const { db } = await openTestDb();
    const report = await importBytes(db, [{ name: 'conversations.json', bytes: bytes([conv]) }]);
    expect(count(report, 'imported')).toBe(1);
    expect(report.items[0]).toMatchObject({ messages: 2 });
    expect(await db.messages.count()).toBe(2);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('keeps messages whose parent is missing, at the root', () => {
    const c = read({
      id: 'c4',
      current_node: 'a1',
      mapping: {
        ...mapping([
          ['u1', null, 'user', 'q', 1],
          ['a1', 'u1', 'assistant', 'a', 2],
        ]),
        o: { id: 'o', parent: 'gone', children: [], message: msg('o', 'user', 'orphan', 3) },
      },
    });
    expect(c.messages.map((x) => x.content)).toEqual(['q', 'a']);
    expect(c.branchMessages!.map((x) => [x.content, x.parentId])).toEqual([['orphan', '']]);
  });

  it('reads a chain 20,000 deep and 5,000 branches without recursion', async () => {
    const rows: [string, string | null, string, string, number][] = [];
    for (let i = 0; i < 20_000; i++)
      rows.push([`n${i}`, i === 0 ? null : `n${i - 1}`, i % 2 ? 'assistant' : 'user', `m${i}`, i]);
    for (let i = 0; i < 5_000; i++)
      rows.push([`b${i}`, `n${i * 2}`, 'assistant', `alt${i}`, 30_000 + i]);
    const conv = { id: 'deep', title: 'Deep', current_node: 'n19999', mapping: mapping(rows) };
    const started = performance.now();
    const c = read(conv);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(c.messages).toHaveLength(20_000);
    expect(c.messages[19_999]!.content).toBe('m19999');
    expect(c.branchMessages).toHaveLength(5_000);
    expect(c.branchMessages![4_999]!.parentId).toBe('chatgpt-deep-n9998');
    const { db } = await openTestDb();
    const report = await importBytes(db, [{ name: 'conversations.json', bytes: bytes([conv]) }]);
    expect(report.items[0]).toMatchObject({ kind: 'imported', messages: 25_000 });
    expect(await db.messages.count()).toBe(20_000);
    expect(await db.branchMessages.count()).toBe(5_000);
    const [s] = await db.sessions.toArray();
    expect(s!.messageCount).toBe(25_000);
  }, 60_000);

  it('brings every message of a tangled mapping (loops, self-parents, missing parents) as a tree', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const m: Record<string, Node> = {};
    for (let i = 0; i < 3_000; i++) {
      const r = rand(10);
      const parent = r === 0 ? null : r === 1 ? `n${i}` : r === 2 ? 'missing' : `n${rand(3_000)}`;
      m[`n${i}`] = { id: `n${i}`, parent, children: [], message: msg(`n${i}`, 'user', `t${i}`, i) };
    }
    const c = read({ id: 'tangle', mapping: m });
    const all = [...c.messages, ...(c.branchMessages ?? [])];
    expect(all).toHaveLength(3_000);
    const ids = new Set(all.map((x) => x.id));
    expect(ids.size).toBe(3_000);
    for (const b of c.branchMessages ?? [])
      expect(b.parentId === '' || ids.has(b.parentId)).toBe(true);
    // Following parents from any message ends at the root: no loop is left.
    const parentOf = new Map<string, string>();
    c.messages.forEach((x, i) => parentOf.set(x.id, i === 0 ? '' : c.messages[i - 1]!.id));
    for (const b of c.branchMessages ?? []) parentOf.set(b.id, b.parentId);
    for (const id of ids) {
      let steps = 0;
      for (let at = id; at !== ''; at = parentOf.get(at)!) expect(++steps).toBeLessThan(3_001);
    }
  });
});
