// The offline outbox (once each, in order, even with two tabs) and tool calls under each
// permission mode, against the real wire-protocol server.
import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../../src/lib/db/integrity';
import { allMessages, openMessages } from '../../../src/lib/domain/messages';
import { setSettings } from '../../../src/lib/domain/settings';
import { calculate } from '../../../src/lib/domain/chat/tools';
import type { ProviderKind } from '../../../src/lib/providers/types';
import { DEFAULT_REPLY } from '../../helpers/provider-server';
import { openTestDb } from '../../helpers/db';
import { engineFor, setup } from './setup';
import { useProviderServer } from '../../helpers/use-provider-server';
import { newSession } from '../../helpers/builders';

const server = await useProviderServer();

describe('offline outbox', () => {
  it('keeps messages typed offline as pending, then sends them once, in order, when back online', async () => {
    let online = false;
    const { db, engine, session, messages } = await setup(server, { isOnline: () => online });
    await engine.send(session.id, 'First thought');
    await engine.send(session.id, 'Second thought');
    await engine.drain();
    expect((await messages()).map((m) => [m.content, m.status])).toEqual([
      ['First thought', 'pending'],
      ['Second thought', 'pending'],
    ]);
    expect(server.requests.length).toBe(0);
    expect(await engine.pendingCount()).toBe(1);

    online = true;
    await engine.drain();
    await engine.drain();
    await engine.idle();
    expect(server.requests.length).toBe(1);
    const sent = (server.requests[0]?.body as { messages: { content: string }[] }).messages;
    expect(sent.map((m) => m.content)).toEqual(['First thought', 'Second thought']);
    expect((await messages()).map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(await openMessages(db, 'pending')).toEqual([]);
  });

  it('goes back to the outbox when the network drops before a word arrived', async () => {
    let online = true;
    const { engine, session, messages } = await setup(server, {
      isOnline: () => online,
      fetch: () => {
        online = false;
        return Promise.reject(new TypeError('Failed to fetch'));
      },
    });
    await engine.send(session.id, 'Are you there?');
    await engine.idle();
    expect((await messages()).map((m) => [m.role, m.status])).toEqual([['user', 'pending']]);
  });

  it('two tabs racing for the same outbox send each message exactly once', async () => {
    let online = false;
    const a = await setup(server, { isOnline: () => online });
    const other = await newSession(a.db);
    await setSettings(a.db, other.id, { provider: 'p1', model: 'model-a' });
    await a.engine.send(a.session.id, 'one');
    await a.engine.send(other.id, 'two');
    await a.engine.send(a.session.id, 'three');

    // A second tab: its own connection to the same database.
    const { db: dbB } = await openTestDb(a.deps);
    const b = engineFor(dbB, server, { isOnline: () => online });
    online = true;
    await Promise.all([a.engine.drain(), b.drain(), a.engine.drain(), b.drain()]);
    await Promise.all([a.engine.idle(), b.idle()]);

    expect(server.requests.length).toBe(2);
    const replies = [
      ...(await allMessages(a.db, a.session.id)),
      ...(await allMessages(a.db, other.id)),
    ];
    expect(replies.map((m) => [m.content, m.status])).toEqual([
      ['one', 'complete'],
      ['three', 'complete'],
      [DEFAULT_REPLY.join(''), 'complete'],
      ['two', 'complete'],
      [DEFAULT_REPLY.join(''), 'complete'],
    ]);
    expect((await checkIntegrity(a.db)).issues).toEqual([]);
  });
});

describe.each<ProviderKind>(['openai-compatible', 'anthropic', 'gemini'])(
  'tool calls through %s',
  (kind) => {
    it('auto: runs the tool, stores call and result as messages, and sends the result back', async () => {
      server.scripts.push(
        {
          kind: 'reply',
          toolCalls: [{ id: 'call_1', name: 'calculator', args: { expression: '(2+3)*4' } }],
        },
        { kind: 'reply', tokens: ['It is 20.'] },
      );
      const { engine, session, messages } = await setup(server, { kind });
      await engine.send(session.id, 'What is (2+3)*4?');
      await engine.idle();
      const rows = await messages();
      expect(rows.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
      const call = rows[1]?.parts.find((p) => p.type === 'tool-call');
      expect(call).toMatchObject({ name: 'calculator' });
      expect(JSON.parse(call?.type === 'tool-call' ? call.arguments : '')).toEqual({
        expression: '(2+3)*4',
      });
      expect(rows[2]).toMatchObject({ role: 'tool', name: 'calculator', content: '20' });
      expect(rows[2]?.toolCallId).toBe(call?.type === 'tool-call' ? call.toolCallId : 'x');
      expect(rows[3]).toMatchObject({ content: 'It is 20.', status: 'complete' });
      expect(JSON.stringify(server.requests[1]?.body)).toContain('20');
    });
  },
);

describe('Gemini thought signatures', () => {
  it('stores the signature of each call and sends it back beside the call', async () => {
    server.scripts.push(
      {
        kind: 'reply',
        toolCalls: [
          { id: 'c1', name: 'calculator', args: { expression: '1+2' }, signature: 'sig-one' },
          { id: 'c2', name: 'calculator', args: { expression: '3+4' }, signature: 'sig-two' },
        ],
      },
      { kind: 'reply', tokens: ['3 and 7.'] },
    );
    const { engine, session, messages } = await setup(server, { kind: 'gemini' });
    await engine.send(session.id, 'Add these');
    await engine.idle();
    const calls = (await messages())[1]?.parts.filter((p) => p.type === 'tool-call');
    expect(calls?.map((c) => (c.type === 'tool-call' ? c.signature : null))).toEqual([
      'sig-one',
      'sig-two',
    ]);
    const body = server.requests[1]?.body as {
      contents: { role: string; parts: Record<string, unknown>[] }[];
    };
    const model = body.contents.find((c) => c.role === 'model');
    expect(model?.parts.map((p) => p.thoughtSignature)).toEqual(['sig-one', 'sig-two']);
    expect(model?.parts.every((p) => 'functionCall' in p)).toBe(true);
  });
});

describe('tool permissions', () => {
  it('confirm: waits for the user, then runs what they allow', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'call_t', name: 'current_time', args: {} }] },
      { kind: 'reply', tokens: ['Thanks'] },
    );
    const { engine, session, messages } = await setup(server, {
      settings: { permissionMode: 'confirm' },
    });
    await engine.send(session.id, 'What time is it?');
    await engine.idle();
    const waiting = await engine.pendingApprovals(session.id);
    expect(waiting?.calls.map((c) => c.name)).toEqual(['current_time']);
    expect(server.requests.length).toBe(1);

    await engine.answerToolCall(session.id, 'call_t', 'once');
    await engine.idle();
    const rows = await messages();
    expect(rows.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(JSON.parse(rows[2]?.content ?? '')).toHaveProperty('iso');
    expect(await engine.pendingApprovals(session.id)).toBeNull();
  });

  it('confirm: a refused call is reported back to the model as refused', async () => {
    server.scripts.push(
      {
        kind: 'reply',
        toolCalls: [{ id: 'call_x', name: 'calculator', args: { expression: '1+1' } }],
      },
      { kind: 'reply', tokens: ['Understood'] },
    );
    const { engine, session, messages } = await setup(server, {
      settings: { permissionMode: 'confirm' },
    });
    await engine.send(session.id, 'Add');
    await engine.idle();
    await engine.answerToolCall(session.id, 'call_x', 'deny');
    await engine.idle();
    const tool = (await messages())[2];
    expect(tool?.content).toMatch(/refused/);
    expect(tool?.parts[0]).toMatchObject({ type: 'tool-result', isError: true });
  });

  it('deny: offers no tools, and refuses a call the model makes anyway', async () => {
    server.scripts.push(
      {
        kind: 'reply',
        toolCalls: [{ id: 'call_d', name: 'calculator', args: { expression: '1+1' } }],
      },
      { kind: 'reply', tokens: ['OK'] },
    );
    const { engine, session, messages } = await setup(server, {
      settings: { permissionMode: 'deny' },
    });
    await engine.send(session.id, 'Add');
    await engine.idle();
    expect((server.requests[0]?.body as { tools?: unknown }).tools).toBeUndefined();
    const rows = await messages();
    expect(rows[2]).toMatchObject({
      role: 'tool',
      content: 'Tools are turned off in this session.',
    });
  });

  it('the calculator reads arithmetic and refuses anything else', () => {
    expect(calculate('2+3*4')).toBe(14);
    expect(calculate('(2+3)*4^2')).toBe(80);
    expect(calculate('-sqrt(16)/.5')).toBe(-8);
    expect(() => calculate('alert(1)')).toThrow(/Cannot read/);
    expect(() => calculate('1/0')).toThrow(/no finite value/);
    expect(() => calculate('2+')).toThrow(/Cannot read/);
  });
});

describe('offline, with a model on this device', () => {
  it('sends at once to the model on this device while messages for a server wait', async () => {
    const { db, session: remote } = await setup(server, { isOnline: () => false });
    const local = await newSession(db);
    await setSettings(db, local.id, { provider: 'device', model: 'tiny.gguf' });
    const device = {
      id: 'device',
      kind: 'local' as ProviderKind,
      label: 'On this device',
      baseUrl: '',
      apiKey: '',
      models: ['tiny.gguf'],
    };
    const asked: string[] = [];
    const engine = engineFor(db, server, {
      isOnline: () => false,
      providerConfig: (id) => (id === 'device' ? device : id === 'p1' ? remoteConfig() : null),
      // The model on this device runs in a browser only (tests/e2e/local): here its place is
      // taken by one that answers with what it was asked.
      loadProvider: (kind) =>
        Promise.resolve({
          kind,
          listModels: () => Promise.resolve([]),
          async *stream(_config, request) {
            await Promise.resolve();
            const last = request.messages.at(-1);
            asked.push(`${kind}:${typeof last?.content === 'string' ? last.content : ''}`);
            yield { type: 'text' as const, text: 'Answered here.' };
            yield { type: 'finish' as const, reason: 'stop' as const };
          },
        }),
    });
    function remoteConfig() {
      return {
        ...device,
        id: 'p1',
        kind: 'openai-compatible' as ProviderKind,
        baseUrl: server.url,
      };
    }
    await engine.send(remote.id, 'For the server');
    await engine.send(local.id, 'For this device');
    await engine.idle();
    expect(asked).toEqual(['local:For this device']);
    expect((await allMessages(db, local.id)).map((m) => [m.role, m.status, m.content])).toEqual([
      ['user', 'complete', 'For this device'],
      ['assistant', 'complete', 'Answered here.'],
    ]);
    expect((await allMessages(db, remote.id)).map((m) => [m.role, m.status])).toEqual([
      ['user', 'pending'],
    ]);
    expect(await engine.pendingCount()).toBe(1);
    expect(server.requests.length).toBe(0);
  });
});
