// What a compaction sets aside (pure): all but about the last twenty messages, never splitting a
// tool call from its results, never a preserved message or its step, never the outbox; and the
// words that stand in when no model summarises.
import { describe, expect, it } from 'vitest';
import type { MessagePart, MessageRow, Role } from '../../src/lib/db/rows';
import {
  KEEP_MESSAGES,
  firstWords,
  listSummary,
  planCompaction,
  transcript,
} from '../../src/lib/domain/compaction-plan';

let seq = 0;
function row(role: Role, content: string, extra: Partial<MessageRow> = {}): MessageRow {
  seq++;
  return {
    id: `m${seq}`,
    sessionId: 's',
    seq,
    role,
    content,
    parts: content ? [{ type: 'text', text: content }] : [],
    name: null,
    toolCallId: null,
    tokens: 1,
    status: 'complete',
    error: null,
    preserved: false,
    metadata: {},
    createdAt: seq,
    updatedAt: seq,
    ...extra,
  };
}

/** `n` exchanges: question i, answer i. */
function exchanges(n: number): MessageRow[] {
  seq = 0;
  return Array.from({ length: n }, (_, i) => [
    row('user', `Question ${i + 1}`),
    row('assistant', `Answer ${i + 1}`),
  ]).flat();
}

function toolStep(callId: string): MessageRow[] {
  const call: MessagePart = {
    type: 'tool-call',
    toolCallId: callId,
    name: 'calculator',
    arguments: '{"e":"1+1"}',
  };
  return [
    row('assistant', '', { parts: [call] }),
    row('tool', '2', { name: 'calculator', toolCallId: callId }),
  ];
}

const ids = (rows: MessageRow[]) => rows.map((r) => r.id);

describe('planCompaction', () => {
  it('sets nothing aside while the conversation is short', () => {
    expect(planCompaction(exchanges(10))).toEqual([]);
    expect(planCompaction(exchanges(3))).toEqual([]);
    expect(planCompaction([])).toEqual([]);
  });

  it('keeps the last ten exchanges and sets the rest aside, in order', () => {
    const rows = exchanges(16);
    const plan = planCompaction(rows);
    expect(plan.length).toBe(32 - KEEP_MESSAGES);
    expect(ids(plan)).toEqual(ids(rows.slice(0, 12)));
    // The kept part starts with a question.
    expect(rows[12]?.content).toBe('Question 7');
  });

  it('starts what it keeps at a message of the user’s, never mid-exchange', () => {
    const rows = exchanges(12);
    // Keeping 19 would start at an answer: the question before it stays too.
    const plan = planCompaction(rows, 19);
    const kept = rows.filter((r) => !ids(plan).includes(r.id));
    expect(kept[0]?.content).toBe('Question 3');
    expect(kept.length).toBe(20);
  });

  it('never splits a tool call from its results', () => {
    seq = 0;
    const rows = [
      ...Array.from({ length: 6 }, (_, i) => [
        row('user', `Q${i}`),
        ...toolStep(`c${i}`),
        row('assistant', `A${i}`),
      ]).flat(),
    ];
    const plan = planCompaction(rows, 5);
    const set = new Set(ids(plan));
    for (const r of rows.filter((x) => x.role === 'tool')) {
      const call = rows.find((x) =>
        x.parts.some((p) => p.type === 'tool-call' && p.toolCallId === r.toolCallId),
      );
      expect(set.has(r.id)).toBe(set.has(call!.id));
    }
    const kept = rows.filter((r) => !set.has(r.id));
    expect(kept[0]?.role).toBe('user');
    // Even a plan cut right at a tool result moves back to the question before it.
    const cut = planCompaction(rows, 3);
    const keptCut = rows.filter((r) => !ids(cut).includes(r.id));
    expect(keptCut.map((r) => r.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });

  it('leaves preserved messages in place, with the tool results of a preserved call', () => {
    seq = 0;
    const rows = [
      row('user', 'Keep this one', { preserved: true }),
      row('assistant', 'Sure'),
      row('user', 'Compute'),
      ...toolStep('c1').map((r, i) => (i === 0 ? { ...r, preserved: true } : r)),
      row('assistant', 'It is 2'),
      ...exchanges(12).map((r) => ({ ...r, id: `x${r.id}`, seq: r.seq + 100 })),
    ];
    const plan = ids(planCompaction(rows));
    expect(plan).not.toContain('m1');
    expect(plan).toContain('m2');
    // The call is preserved, so its result stays with it.
    expect(plan).not.toContain('m4');
    expect(plan).not.toContain('m5');
    expect(plan).toContain('m6');
  });

  it('never sets aside what waits in the outbox or is still arriving', () => {
    const rows = exchanges(15);
    rows[6] = { ...rows[6]!, status: 'pending' };
    const plan = planCompaction(rows);
    expect(ids(plan)).toEqual(ids(rows.slice(0, 6)));
    const streaming = exchanges(15);
    streaming[1] = { ...streaming[1]!, status: 'streaming' };
    expect(planCompaction(streaming)).toEqual([]);
  });

  it('finds nothing worth doing when only an earlier summary would go', () => {
    seq = 0;
    const summary = row('system', 'Earlier they talked.', {
      metadata: { compactionEventId: 'e1', archivedCount: 12 },
    });
    const rows = [summary, ...exchanges(10).map((r) => ({ ...r, seq: r.seq + 1, id: `y${r.id}` }))];
    expect(planCompaction(rows, 19)).toEqual([]);
    expect(ids(planCompaction(rows, 18))).toEqual([summary.id, 'ym1', 'ym2']);
  });

  it('keeps only the last exchange when asked to keep one', () => {
    const rows = exchanges(4);
    expect(ids(planCompaction(rows, 1))).toEqual(ids(rows.slice(0, 6)));
  });
});

describe('the words that stand in', () => {
  it('lists how many went and the first words of what the user wrote', () => {
    const rows = exchanges(3);
    rows[2] = {
      ...rows[2]!,
      content: 'Tell me   everything about the arctic tern and its long migration',
    };
    const text = listSummary(rows);
    expect(text).toContain('6 earlier messages were set aside');
    expect(text.split('\n').filter((l) => l.startsWith('- '))).toEqual([
      '- Question 1',
      '- Tell me everything about the arctic tern and…',
      '- Question 3',
    ]);
  });

  it('keeps an earlier summary it replaces, and caps a long list', () => {
    seq = 0;
    const earlier = row('system', 'They planned a trip.', {
      metadata: { compactionEventId: 'e1' },
    });
    const many = Array.from({ length: 50 }, (_, i) => row('user', `Ask ${i}`));
    const text = listSummary([earlier, ...many]);
    expect(text).toContain('They planned a trip.');
    expect(text).toContain('- … and 10 more');
    expect(text).not.toContain('Ask 40');
  });

  it('cuts opening words at eight or sixty characters', () => {
    expect(firstWords('one two three')).toBe('one two three');
    expect(firstWords('a b c d e f g h i j')).toBe('a b c d e f g h…');
    expect(firstWords('x'.repeat(80))).toBe(`${'x'.repeat(60)}…`);
  });

  it('writes a transcript within its budget, clipping long messages', () => {
    const rows = exchanges(2);
    rows[1] = { ...rows[1]!, content: 'y'.repeat(5000) };
    const text = transcript(rows, 10_000);
    expect(text).toContain('User: Question 1');
    expect(text).toContain('[…]');
    expect(text.length).toBeLessThan(10_000);
    const long = transcript(exchanges(400), 2_000);
    expect(long.length).toBeLessThan(2_100);
    expect(long).toContain('the middle of the conversation is left out');
    expect(long).toContain('Answer 400');
  });
});
