// The chat engine end to end: the user's words stored first, the reply streamed into the database
// (throttled), and every way it can end. The server is the real wire-protocol server on 127.0.0.1.
import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../../src/lib/db/integrity';
import { appendMessage, openMessages } from '../../../src/lib/domain/messages';
import { getSession } from '../../../src/lib/domain/sessions';
import { CONTINUE_PROMPT } from '../../../src/lib/domain/chat/request';
import { DEFAULT_REPLY } from '../../helpers/provider-server';
import { KEY, setup, until } from './setup';
import { useProviderServer } from '../../helpers/use-provider-server';

const server = await useProviderServer();

describe('sending', () => {
  it('stores the user message at once, streams the reply, then completes it with usage and a title', async () => {
    server.scripts.push({ kind: 'reply', tokens: DEFAULT_REPLY, delayMs: 15 });
    const { db, engine, session, messages } = await setup(server, { writeIntervalMs: 20 });
    const user = await engine.send(session.id, 'What is a tern, in a few words?');
    expect((await messages()).map((m) => [m.role, m.content])).toContainEqual([
      'user',
      'What is a tern, in a few words?',
    ]);

    await until(async () =>
      (await messages()).some((m) => m.role === 'assistant' && m.content !== ''),
    );
    const during = (await messages()).find((m) => m.role === 'assistant');
    expect(during?.status).toBe('streaming');
    expect(DEFAULT_REPLY.join('').startsWith(during?.content ?? 'x')).toBe(true);

    await engine.idle();
    const [u, reply] = await messages();
    expect(u).toMatchObject({
      id: user.id,
      status: 'complete',
      content: 'What is a tern, in a few words?',
    });
    expect(reply).toMatchObject({
      role: 'assistant',
      status: 'complete',
      content: DEFAULT_REPLY.join(''),
      tokens: 6,
    });
    expect(reply?.metadata).toMatchObject({
      finishReason: 'stop',
      usage: { inputTokens: 12, outputTokens: 6 },
      tokensEstimated: false,
    });
    const s = await getSession(db, session.id);
    expect(s?.title).toBe('What is a tern, in a few words');
    expect(s?.totalTokens).toBe((u?.tokens ?? 0) + 6);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it("answers a session that leaves the model to the provider's default", async () => {
    server.scripts.push({ kind: 'reply', tokens: ['Seabirds.'] });
    const { engine, session, messages } = await setup(server, { settings: { model: null } });
    await engine.send(session.id, 'What is a tern?');
    await engine.idle();
    const reply = (await messages()).find((m) => m.role === 'assistant');
    expect(reply).toMatchObject({ status: 'complete', content: 'Seabirds.' });
    expect(reply?.metadata.model).toBeNull();
  });

  it('sends the session settings: system prompt, model and parameters', async () => {
    const { engine, session } = await setup(server, {
      settings: { systemPrompt: 'Answer like a sailor.', params: { temperature: 0.3 } },
    });
    await engine.send(session.id, 'Ahoy');
    await engine.idle();
    const body = server.requests[0]?.body as {
      model: string;
      messages: unknown[];
      temperature: number;
    };
    expect(body.model).toBe('model-a');
    expect(body.temperature).toBe(0.3);
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Answer like a sailor.' });
  });

  it('counts tokens with the tokenizer when the provider reports none', async () => {
    server.scripts.push({
      kind: 'reply',
      tokens: ['The quick brown', ' fox jumps over', ' the lazy dog.'],
      noUsage: true,
    });
    const { engine, session, messages } = await setup(server);
    await engine.send(session.id, 'Hi');
    await engine.idle();
    const reply = (await messages())[1];
    // cl100k_base splits this sentence into 10 tokens (a four-characters rule would say 11).
    expect(reply?.tokens).toBe(10);
    expect(reply?.metadata.tokensEstimated).toBe(true);
  });

  it('writes a 1,000-token reply a handful of times, not once per token', async () => {
    const tokens = Array.from({ length: 1000 }, (_, i) => `w${i} `);
    server.scripts.push({ kind: 'reply', tokens });
    let writes = 0;
    const { engine, session, messages } = await setup(server, { onWrite: () => writes++ });
    await engine.send(session.id, 'Write a lot');
    await engine.idle();
    expect((await messages())[1]?.content).toBe(tokens.join(''));
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThan(50);
  });
});

describe('errors', () => {
  it.each([
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [500, 'server'],
  ] as const)(
    '%i: a clear message on the reply, the user message kept, and retry works',
    async (status, code) => {
      server.scripts.push({
        kind: 'status',
        status,
        body: { error: { message: `bad key ${KEY}` } },
      });
      const { db, engine, session, messages } = await setup(server);
      await engine.send(session.id, 'Hello?');
      await engine.idle();
      const [user, reply] = await messages();
      expect(user).toMatchObject({ content: 'Hello?', status: 'complete' });
      expect(reply?.status).toBe('error');
      expect(reply?.error?.code).toBe(code);
      expect(reply?.error?.message).toContain(String(status));
      expect(JSON.stringify(await messages())).not.toContain(KEY);

      await engine.retry(reply!.id);
      const after = await messages();
      expect(after.map((m) => [m.role, m.status, m.content])).toEqual([
        ['user', 'complete', 'Hello?'],
        ['assistant', 'complete', DEFAULT_REPLY.join('')],
      ]);
      expect((await checkIntegrity(db)).issues).toEqual([]);
    },
  );

  it('waits out Retry-After before retrying a rate-limited reply', async () => {
    server.scripts.push({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const { engine, session, messages } = await setup(server);
    await engine.send(session.id, 'Hi');
    await engine.idle();
    const reply = (await messages())[1]!;
    expect(reply.error?.code).toBe('rate-limited');
    const retryAt = reply.error?.retryAt ?? 0;
    const retried = engine.retry(reply.id);
    await until(() => server.requests.length === 2, 3000);
    expect(Date.now()).toBeGreaterThanOrEqual(retryAt);
    await retried;
    expect((await messages())[1]?.status).toBe('complete');
  });

  it.each(['cut', 'malformed'] as const)(
    'a %s stream keeps what arrived, marked as an error',
    async (type) => {
      server.scripts.push({
        kind: 'reply',
        tokens: ['One', ' two', ' three', ' four'],
        fault: { after: 3, type },
      });
      const { engine, session, messages } = await setup(server);
      await engine.send(session.id, 'Count');
      await engine.idle();
      const [user, reply] = await messages();
      expect(user?.content).toBe('Count');
      expect(reply?.status).toBe('error');
      expect(reply?.error?.code).toBe(type === 'cut' ? 'stream-broken' : 'malformed-stream');
      expect(reply?.content).toBe('One two');
    },
  );

  it('a stalled stream ends with a clear error', async () => {
    server.scripts.push({
      kind: 'reply',
      tokens: ['One', ' two', ' three'],
      fault: { after: 2, type: 'stall' },
    });
    const { engine, session, messages } = await setup(server, { stallMs: 200 });
    await engine.send(session.id, 'Count');
    await engine.idle();
    const reply = (await messages())[1];
    expect(reply?.error?.code).toBe('stream-stalled');
    expect(reply?.content).toBe('One');
  });

  it('says to set up a provider when the session has none', async () => {
    const { engine, session, messages } = await setup(server, { settings: { provider: null } });
    await engine.send(session.id, 'Hi');
    await engine.idle();
    expect((await messages())[1]?.error?.code).toBe('no-provider');
    expect(server.requests.length).toBe(0);
  });
});

describe('stop, reload, continue, regenerate, edit', () => {
  it('stop aborts the request and keeps what arrived as a complete reply', async () => {
    server.scripts.push({
      kind: 'reply',
      tokens: Array.from({ length: 100 }, (_, i) => `t${i} `),
      delayMs: 10,
    });
    const { engine, session, messages } = await setup(server, { writeIntervalMs: 20 });
    await engine.send(session.id, 'Go on and on');
    await until(async () => ((await messages())[1]?.content.length ?? 0) > 0);
    engine.stop(session.id);
    await engine.idle();
    const reply = (await messages())[1];
    expect(reply?.status).toBe('complete');
    expect(reply?.metadata.finishReason).toBe('stopped');
    expect(reply?.content.length).toBeGreaterThan(0);
    expect(reply?.content.split(' ').length).toBeLessThan(100);
    await until(() => server.open === 0);
  });

  it('a reply left streaming by a reload becomes interrupted, and continue finishes it', async () => {
    const { db, engine, session, messages } = await setup(server);
    await appendMessage(db, session.id, { role: 'user', content: 'Tell me a story' });
    await appendMessage(db, session.id, {
      role: 'assistant',
      content: 'Once upon',
      status: 'streaming',
    });
    const interrupted = await engine.recover();
    expect(interrupted.map((m) => m.content)).toEqual(['Once upon']);
    expect(await openMessages(db, 'streaming')).toEqual([]);
    const reply = (await messages())[1]!;
    expect(reply.status).toBe('interrupted');

    server.scripts.push({ kind: 'reply', tokens: [' a time', '.'] });
    await engine.continueReply(reply.id);
    expect((await messages())[1]).toMatchObject({
      status: 'complete',
      content: 'Once upon a time.',
    });
    const sent = (server.requests[0]?.body as { messages: { role: string; content: string }[] })
      .messages;
    expect(sent.slice(-2)).toEqual([
      { role: 'assistant', content: 'Once upon' },
      { role: 'user', content: CONTINUE_PROMPT },
    ]);
  });

  it('regenerate and edit-and-resend put a new version on screen and keep the old ones', async () => {
    server.scripts.push(
      { kind: 'reply', tokens: ['First'] },
      { kind: 'reply', tokens: ['Second'] },
      { kind: 'reply', tokens: ['Third'] },
    );
    const { db, engine, session, messages } = await setup(server);
    const user = await engine.send(session.id, 'Hi');
    await engine.idle();
    await engine.regenerate((await messages())[1]!.id);
    expect((await messages()).map((m) => m.content)).toEqual(['Hi', 'Second']);
    await engine.editAndResend(user.id, 'Hello again');
    expect((await messages()).map((m) => m.content)).toEqual(['Hello again', 'Third']);
    // Every version is stored: Hi with First and Second, and the new question with Third.
    expect((await db.branchMessages.toArray()).map((m) => m.content).sort()).toEqual([
      'First',
      'Hi',
      'Second',
    ]);
    expect((await getSession(db, session.id))?.messageCount).toBe(5);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });
});
