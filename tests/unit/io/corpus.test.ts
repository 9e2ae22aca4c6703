import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../../src/lib/db/integrity';
import { allMessages } from '../../../src/lib/domain/messages';
import { openTestDb } from '../../helpers/db';
import { corpus, count, importBytes, integrityIssues } from './helpers';

describe('the shared corpus', () => {
  it('ChatGPT: the active branch of branching-conversation.json on screen, the other kept', async () => {
    const { db } = await openTestDb();
    const report = await importBytes(db, [
      { name: 'conversations.json', bytes: corpus('chatgpt/branching-conversation.json') },
    ]);
    expect(report.source).toBe('chatgpt');
    expect(count(report, 'imported')).toBe(1);
    const sessions = await db.sessions.toArray();
    expect(sessions).toHaveLength(1);
    const s = sessions[0]!;
    expect(s.title).toBe('Sample conversation with branch');
    expect(s.model).toBe('gpt-4');
    const msgs = await allMessages(db, s.id);
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(msgs[0]!.content).toMatch(/^Hello! /);
    expect(msgs[1]!.content).toMatch(/^Of course! /);
    expect(msgs[2]!.content).toBe('How do I write a function in JavaScript?');
    expect(msgs[3]!.content).toMatch(/^Here's how /);
    expect(msgs.some((m) => m.content.includes('Python instead'))).toBe(false);
    expect(msgs.filter((m) => m.role === 'assistant').map((m) => m.metadata.model)).toEqual([
      'gpt-4',
      'gpt-4',
    ]);
    const times = msgs.map((m) => m.createdAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThan(1e12); // milliseconds, not seconds
    // The "Python instead" question waits as a version of the JavaScript one, after the reply.
    const branches = await db.branchMessages.toArray();
    expect(branches.map((b) => [b.role, b.content, b.parentId])).toEqual([
      ['user', 'Actually, can you help me with Python instead?', msgs[1]!.id],
    ]);
    expect(s.messageCount).toBe(5);
    expect(report.items[0]).toMatchObject({ kind: 'imported', messages: 5 });
    expect(await integrityIssues(db)).toEqual([]);
  });

  it('Claude: skips the null entry and keeps thinking apart from the reply', async () => {
    const { db } = await openTestDb();
    const report = await importBytes(db, [
      { name: 'conversations.json', bytes: corpus('claude/thinking-and-null-entry.json') },
    ]);
    expect(report.source).toBe('claude');
    expect(count(report, 'imported')).toBe(1);
    const [s] = await db.sessions.toArray();
    const msgs = await allMessages(db, s!.id);
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant']);
    const reply = msgs[1]!;
    expect(reply.content).toMatch(/^Yes, very lean legs/);
    expect(reply.content).not.toMatch(/Thinking about/);
    expect(reply.parts.find((p) => p.type === 'thinking')).toEqual({
      type: 'thinking',
      text: 'Thinking about bioimpedance accuracy and lean physiology implications.',
    });
    expect(reply.metadata.files).toEqual(['note.txt']);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('importing the same export twice changes nothing', async () => {
    const { db } = await openTestDb();
    const file = [
      { name: 'conversations.json', bytes: corpus('chatgpt/branching-conversation.json') },
    ];
    await importBytes(db, file);
    const before = await db.messages.toArray();
    const again = await importBytes(db, file);
    expect(again.items.map((i) => i.kind)).toEqual(['skipped']);
    expect(await db.messages.toArray()).toEqual(before);
  });
});
