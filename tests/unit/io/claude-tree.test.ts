import { describe, expect, it } from 'vitest';
import { readClaudeItem } from '../../../src/lib/io/importers/claude';
import type { Conversation } from '../../../src/lib/io/types';
import { openTestDb } from '../../helpers/db';
import { bytes, importBytes } from './helpers';

const ROOT = '00000000-0000-4000-8000-000000000000';

function m(uuid: string, parent: string, sender: string, text: string, minute: number) {
  return {
    uuid,
    parent_message_uuid: parent,
    sender,
    text,
    content: [{ type: 'text', text }],
    created_at: `2026-01-01T10:${String(minute).padStart(2, '0')}:00Z`,
  };
}

function read(c: unknown): Conversation {
  const item = readClaudeItem(c, 0, { workspaceId: 'w', now: 0 });
  if (item.kind !== 'ok') throw new Error(item.reason);
  return item.conversation;
}

const retried = {
  uuid: 'c1',
  name: 'Retried',
  created_at: '2026-01-01T10:00:00Z',
  chat_messages: [
    m('u1', ROOT, 'human', 'question', 1),
    m('a1', 'u1', 'assistant', 'first answer', 2),
    m('a2', 'u1', 'assistant', 'retried answer', 3),
    m('u2', 'a2', 'human', 'thanks', 4),
  ],
};

describe('Claude import keeps retried answers as versions', () => {
  it('shows the latest sibling and keeps the one it replaced as a branch', () => {
    const c = read(retried);
    expect(c.messages.map((x) => x.content)).toEqual(['question', 'retried answer', 'thanks']);
    expect(c.branchMessages!.map((b) => [b.content, b.parentId, b.seq])).toEqual([
      ['first answer', 'claude-c1-u1', 2],
    ]);
    expect(c.session.messageCount).toBe(4);
  });

  it('writes the branch with the session, counters counting it', async () => {
    const { db } = await openTestDb();
    const report = await importBytes(db, [{ name: 'conversations.json', bytes: bytes([retried]) }]);
    expect(report.items).toMatchObject([{ kind: 'imported', messages: 4 }]);
    expect(await db.messages.count()).toBe(3);
    expect((await db.branchMessages.toArray()).map((b) => b.content)).toEqual(['first answer']);
    expect((await db.sessions.toArray())[0]!.messageCount).toBe(4);
  });

  it('keeps every message of a loop of parents and of a missing parent', () => {
    const c = read({
      uuid: 'c2',
      chat_messages: [
        m('x', 'y', 'human', 'one', 1),
        m('y', 'x', 'assistant', 'two', 2),
        m('z', 'gone', 'human', 'three', 3),
      ],
    });
    const all = [...c.messages, ...(c.branchMessages ?? [])].map((x) => x.content).sort();
    expect(all).toEqual(['one', 'three', 'two']);
  });

  it('reads a list without parent ids in its own order, as before', () => {
    const list = retried.chat_messages.map((x) => {
      const copy: Record<string, unknown> = { ...x };
      delete copy.parent_message_uuid;
      return copy;
    });
    const c = read({ ...retried, chat_messages: list });
    expect(c.messages.map((x) => x.content)).toEqual([
      'question',
      'first answer',
      'retried answer',
      'thanks',
    ]);
    expect(c.branchMessages).toBeUndefined();
  });
});
