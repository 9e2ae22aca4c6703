// The v1 → v2 transform is pure: the upgrade feeds it rows in key order, an imported file in any
// order, and both must come out the same.
import { describe, expect, it } from 'vitest';
import {
  v1ToV2,
  legacySessionId,
  UNKNOWN_WORKSPACE_ID,
} from '../../src/lib/db/transforms/v1-to-v2';
import type { V1ChatRow } from '../../src/lib/db/schema/v1-rows';

const chat = (id: string, workspaceId: string, createdAt: number, content = id): V1ChatRow => ({
  id,
  workspaceId,
  role: 'user',
  content,
  createdAt,
});

describe('v1 → v2 transform', () => {
  it('orders by time, then by id, whatever order the rows come in', () => {
    const rows = [chat('b', 'w', 5), chat('c', 'w', 1), chat('a', 'w', 5), chat('d', 'w', 5)];
    const orders = [rows, [...rows].reverse(), [rows[2]!, rows[0]!, rows[3]!, rows[1]!]];
    const outs = orders.map((chats) =>
      v1ToV2({ workspaces: [{ id: 'w', name: 'W', createdAt: 0 }], chats }),
    );
    for (const out of outs) {
      expect(out.messages.map((m) => [m.id, m.seq])).toEqual([
        ['c', 1],
        ['a', 2],
        ['b', 3],
        ['d', 4],
      ]);
    }
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
  });

  it('recreates a missing workspace and gathers chats with no usable workspace id', () => {
    const out = v1ToV2({
      workspaces: [],
      chats: [chat('x', 'gone', 3), { ...chat('y', '', 4) }, { ...chat('z', 'gone', 1) }],
    });
    expect(out.workspaces.map((w) => [w.id, w.name, w.createdAt])).toEqual([
      ['gone', 'Recovered workspace', 1],
      [UNKNOWN_WORKSPACE_ID, 'Recovered workspace', 4],
    ]);
    expect(out.sessions.map((s) => [s.id, s.messageCount, s.lastActivityAt])).toEqual([
      [legacySessionId('gone'), 2, 3],
      [legacySessionId(UNKNOWN_WORKSPACE_ID), 1, 4],
    ]);
  });

  it('keeps content byte for byte and makes a text part of it', () => {
    const text = 'a\u0000b \uD800 日本 <b>x</b>\r\n';
    const out = v1ToV2({ workspaces: [], chats: [chat('x', 'w', 1, text)] });
    expect(out.messages[0]?.content).toBe(text);
    expect(out.messages[0]?.parts).toEqual([{ type: 'text', text }]);
  });

  it('gives nothing for nothing', () => {
    expect(v1ToV2({ workspaces: [], chats: [] })).toEqual({
      workspaces: [],
      sessions: [],
      messages: [],
    });
  });
});
