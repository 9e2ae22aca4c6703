// Compaction through the chat engine, against the real wire-protocol server: the session's model
// writes the summary of the messages set aside (a list stands in offline or when it fails), the
// request after it carries the summary and only the remaining messages, a reply refused as too
// long is compacted and retried, and bringing the messages back restores the rows exactly.
import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../../src/lib/db/integrity';
import type { TernDB } from '../../../src/lib/db/database';
import { revertCompaction } from '../../../src/lib/domain/compaction';
import { appendMessage } from '../../../src/lib/domain/messages';
import { getSession } from '../../../src/lib/domain/sessions';
import { SUMMARY_SYSTEM } from '../../../src/lib/domain/chat/summarise';
import { CONTEXT_TOO_LONG_MESSAGE } from '../../../src/lib/providers/errors';
import type { ProviderKind } from '../../../src/lib/providers/types';
import { setup } from './setup';
import { useProviderServer } from '../../helpers/use-provider-server';
import { sleep } from '../../helpers/sleep';

const server = await useProviderServer();

/** `n` exchanges, already answered: Question i, Answer i. */
async function seed(db: TernDB, sessionId: string, n: number) {
  for (let i = 1; i <= n; i++) {
    await appendMessage(db, sessionId, { role: 'user', content: `Question ${i}`, tokens: 3 });
    await appendMessage(db, sessionId, { role: 'assistant', content: `Answer ${i}`, tokens: 4 });
  }
}

const posts = () => server.requests.filter((r) => r.method === 'POST');
const bodyText = (i: number) => JSON.stringify(posts()[i]?.body);

describe('compacting a long conversation', () => {
  it('asks the session’s model to summarise what is set aside, and puts the summary in its place', async () => {
    const { db, engine, session, messages } = await setup(server);
    await seed(db, session.id, 15);
    server.scripts.push({
      kind: 'reply',
      tokens: ['They asked', ' five questions', ' about terns.'],
    });
    const outcome = await engine.compact(session.id);
    expect(outcome).toMatchObject({ archived: 10, summarisedBy: 'model', reason: null });

    // One request, no tools, the set-aside messages as a transcript and nothing after them.
    expect(posts().length).toBe(1);
    const sent = posts()[0]?.body as {
      messages: { role: string; content: string }[];
      tools?: unknown;
    };
    expect(sent.tools).toBeUndefined();
    expect(sent.messages[0]).toEqual({ role: 'system', content: SUMMARY_SYSTEM });
    const asked = sent.messages[1]?.content ?? '';
    expect(asked).toContain('User: Question 1');
    expect(asked).toContain('Assistant: Answer 5');
    expect(asked).not.toContain('Question 6');

    const rows = await messages();
    expect(rows.length).toBe(21);
    expect(rows[0]).toMatchObject({
      role: 'system',
      content: 'They asked five questions about terns.',
      seq: 1,
      metadata: { archivedCount: 10, summarisedBy: 'model', model: 'model-a' },
    });
    expect(rows[1]?.content).toBe('Question 6');
    const s = await getSession(db, session.id);
    expect([s?.messageCount, s?.compactionCount]).toEqual([21, 1]);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('lists what the user wrote when offline, without asking anyone', async () => {
    const { db, engine, session, messages } = await setup(server, { isOnline: () => false });
    await seed(db, session.id, 14);
    const outcome = await engine.compact(session.id);
    expect(outcome).toMatchObject({ archived: 8, summarisedBy: 'list', reason: null });
    expect(posts().length).toBe(0);
    const summary = (await messages())[0];
    expect(summary?.content).toContain('8 earlier messages were set aside');
    expect(summary?.content).toContain('- Question 1\n- Question 2\n- Question 3\n- Question 4');
    expect(summary?.metadata).toMatchObject({ summarisedBy: 'list', archivedCount: 8 });
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('falls back to the list, saying why, when the model fails', async () => {
    const { db, engine, session, messages } = await setup(server);
    await seed(db, session.id, 12);
    server.scripts.push({ kind: 'status', status: 500 });
    const outcome = await engine.compact(session.id);
    expect(outcome.summarisedBy).toBe('list');
    expect(outcome.reason).toContain('server error (500)');
    expect((await messages())[0]?.content).toContain('4 earlier messages were set aside');
  });

  it('sends less of the conversation when the summary request itself is too long', async () => {
    const { db, engine, session, messages } = await setup(server);
    await seed(db, session.id, 12);
    server.scripts.push({ kind: 'context-too-long' }, { kind: 'reply', tokens: ['Short.'] });
    const outcome = await engine.compact(session.id);
    expect(outcome.summarisedBy).toBe('model');
    expect(posts().length).toBe(2);
    expect((await messages())[0]?.content).toBe('Short.');
  });

  it('finds nothing to compact in a short conversation, and changes nothing', async () => {
    const { db, engine, session, messages } = await setup(server);
    await seed(db, session.id, 5);
    const before = await messages();
    await expect(engine.compact(session.id)).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await messages()).toEqual(before);
    expect(posts().length).toBe(0);
  });

  it('brings the messages back exactly as they were, byte for byte', async () => {
    const { db, engine, session, messages } = await setup(server);
    await seed(db, session.id, 13);
    const before = await messages();
    const sessionBefore = await getSession(db, session.id);
    server.scripts.push({ kind: 'reply', tokens: ['Summary.'] });
    const { event } = await engine.compact(session.id);
    expect((await messages()).length).toBe(21);
    await revertCompaction(db, event.id);
    expect(await messages()).toEqual(before);
    const s = await getSession(db, session.id);
    expect([s?.messageCount, s?.totalTokens, s?.compactionCount]).toEqual([
      sessionBefore?.messageCount,
      sessionBefore?.totalTokens,
      0,
    ]);
    expect(await db.messageArchive.count()).toBe(0);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('refuses while a reply is arriving in the session', async () => {
    const { db, engine, session } = await setup(server);
    await seed(db, session.id, 12);
    server.scripts.push({ kind: 'reply', tokens: ['a', 'b', 'c', 'd'], delayMs: 100 });
    await engine.send(session.id, 'Go on');
    while (!engine.isStreaming(session.id)) await sleep(5);
    await expect(engine.compact(session.id)).rejects.toMatchObject({ code: 'conflict' });
    await engine.idle();
  });
});

describe.each(['openai-compatible', 'anthropic', 'gemini'] as ProviderKind[])(
  'the next request to %s',
  (kind) => {
    it('carries the summary in the system prompt and only the remaining messages, turns alternating', async () => {
      const { db, engine, session } = await setup(server, { kind });
      await seed(db, session.id, 15);
      server.scripts.push({ kind: 'reply', tokens: ['SUMMARY-TEXT about terns.'] });
      await engine.compact(session.id);
      await engine.send(session.id, 'Question 16');
      await engine.idle();
      expect(posts().length).toBe(2);
      const sent = bodyText(1);
      expect(sent).toContain('Summary of 10 earlier messages of this conversation');
      expect(sent).toContain('SUMMARY-TEXT about terns.');
      for (let i = 1; i <= 5; i++) {
        expect(sent).not.toContain(`"Question ${i}"`);
        expect(sent).not.toContain(`Answer ${i}"`);
      }
      const body = posts()[1]?.body as Record<string, unknown>;
      const turns = (
        kind === 'gemini'
          ? (body.contents as { role: string }[])
          : (body.messages as { role: string }[])
      ).filter((t) => t.role !== 'system');
      // Question 6 … Answer 15 and Question 16, alternating, starting with the user.
      expect(turns.length).toBe(21);
      turns.forEach((t, i) => expect(t.role === 'user').toBe(i % 2 === 0));
      if (kind === 'anthropic') expect(String(body.system)).toContain('SUMMARY-TEXT');
      if (kind === 'gemini')
        expect(JSON.stringify(body.systemInstruction)).toContain('SUMMARY-TEXT');
    });
  },
);

describe('compact and retry', () => {
  it('compacts what came before a reply refused as too long, retries, and the reply arrives', async () => {
    const { db, engine, session, messages } = await setup(server);
    await seed(db, session.id, 15);
    server.scripts.push({ kind: 'context-too-long' });
    await engine.send(session.id, 'Question 16');
    await engine.idle();
    const failed = (await messages()).at(-1);
    expect(failed?.status).toBe('error');
    expect(failed?.error?.code).toBe('context-too-long');
    expect(failed?.error?.message).toContain(CONTEXT_TOO_LONG_MESSAGE);

    server.scripts.push(
      { kind: 'reply', tokens: ['The summary.'] },
      { kind: 'reply', tokens: ['Here', ' it is.'] },
    );
    const outcome = await engine.compactAndRetry(failed!.id);
    expect(outcome.archived).toBe(10);
    const rows = await messages();
    expect(rows.map((r) => r.content)).toEqual([
      'The summary.',
      ...Array.from({ length: 10 }, (_, i) => [`Question ${i + 6}`, `Answer ${i + 6}`]).flat(),
      'Question 16',
      'Here it is.',
    ]);
    expect(rows.at(-1)?.status).toBe('complete');
    const retried = bodyText(2);
    expect(retried).toContain('The summary.');
    expect(retried).not.toContain('"Question 5"');
    expect(retried).toContain('"Question 6"');
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('keeps only the last exchange when a short conversation is already too long', async () => {
    const { db, engine, session, messages } = await setup(server, { isOnline: () => true });
    await seed(db, session.id, 3);
    server.scripts.push({ kind: 'context-too-long' });
    await engine.send(session.id, 'A very long question');
    await engine.idle();
    const failed = (await messages()).at(-1)!;
    server.scripts.push({ kind: 'status', status: 500 }, { kind: 'reply', tokens: ['Fine.'] });
    const outcome = await engine.compactAndRetry(failed.id);
    expect(outcome).toMatchObject({ archived: 6, summarisedBy: 'list' });
    expect((await messages()).map((r) => r.content)).toEqual([
      expect.stringContaining('6 earlier messages were set aside'),
      'A very long question',
      'Fine.',
    ]);
    const retried = posts()[2]?.body as { messages: { role: string; content: string }[] };
    expect(retried.messages.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('/compact too keeps only the last exchange when the last reply was refused as too long', async () => {
    const { db, engine, session, messages } = await setup(server, { isOnline: () => false });
    await seed(db, session.id, 3);
    await appendMessage(db, session.id, { role: 'user', content: 'Huge' });
    await appendMessage(db, session.id, {
      role: 'assistant',
      status: 'error',
      error: { code: 'context-too-long', message: CONTEXT_TOO_LONG_MESSAGE },
    });
    const outcome = await engine.compact(session.id);
    expect(outcome.archived).toBe(6);
    expect((await messages()).slice(1).map((r) => r.content)).toEqual(['Huge', '']);
  });

  it('after /compact, a plain retry goes out with the summary', async () => {
    const { db, engine, session, messages } = await setup(server, { isOnline: () => true });
    await seed(db, session.id, 12);
    server.scripts.push({ kind: 'context-too-long' });
    await engine.send(session.id, 'Question 13');
    await engine.idle();
    const failed = (await messages()).at(-1)!;
    server.scripts.push({ kind: 'reply', tokens: ['S.'] }, { kind: 'reply', tokens: ['Ok.'] });
    const outcome = await engine.compact(session.id);
    expect(outcome.archived).toBe(6);
    await engine.retry(failed.id);
    expect((await messages()).at(-1)).toMatchObject({ content: 'Ok.', status: 'complete' });
    expect(bodyText(2)).toContain('S.');
    expect(bodyText(2)).not.toContain('"Question 3"');
    expect(bodyText(2)).toContain('"Question 4"');
  });
});
