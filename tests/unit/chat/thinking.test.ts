// Extended thinking through the engine: the session's budget reaches the request, a reply's
// thinking is stored with its signature, and a tool-call round sends the signed thinking back
// first, as Anthropic requires; unsigned reasoning from another provider never goes to it.
import { describe, expect, it } from 'vitest';
import { appendMessage } from '../../../src/lib/domain/messages';
import { CONTINUE_PROMPT } from '../../../src/lib/domain/chat/request';
import { setSettings } from '../../../src/lib/domain/settings';
import { engineFor, setup } from './setup';
import { useProviderServer } from '../../helpers/use-provider-server';

const server = await useProviderServer();

type Block = Record<string, unknown>;
type Body = { messages: { role: string; content: Block[] | string }[] } & Record<string, unknown>;
const body = (i: number) => server.requests[i]?.body as Body;

describe('extended thinking with Anthropic', () => {
  it('stores the thinking with its signature, and sends it back before the tool call', async () => {
    server.scripts.push(
      {
        kind: 'reply',
        thinking: ['I should', ' calculate'],
        thinkingSignature: 'sig-round-1',
        toolCalls: [{ id: 'call_1', name: 'calculator', args: { expression: '6*7' } }],
      },
      { kind: 'reply', thinking: ['Got it'], thinkingSignature: 'sig-2', tokens: ['42.'] },
    );
    const { engine, session, messages } = await setup(server, {
      kind: 'anthropic',
      settings: { params: { thinkingBudget: 2048, temperature: 0.7 } },
    });
    await engine.send(session.id, 'What is 6*7?');
    await engine.idle();

    const first = body(0);
    expect(first.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(first.max_tokens).toBe(2048 + 4096);
    expect(first).not.toHaveProperty('temperature');

    const rows = await messages();
    expect(rows.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(rows[1]?.parts[0]).toEqual({
      type: 'thinking',
      text: 'I should calculate',
      signature: 'sig-round-1',
    });
    expect(rows[3]?.parts).toEqual([
      { type: 'thinking', text: 'Got it', signature: 'sig-2' },
      { type: 'text', text: '42.' },
    ]);

    const turn = body(1).messages[1];
    expect(turn?.role).toBe('assistant');
    const blocks = turn?.content as Block[];
    expect(blocks.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
    expect(blocks[0]).toEqual({
      type: 'thinking',
      thinking: 'I should calculate',
      signature: 'sig-round-1',
    });
  });

  it('stores a redacted block and sends its data back as it came', async () => {
    server.scripts.push(
      {
        kind: 'reply',
        redactedThinking: 'encrypted-bytes',
        toolCalls: [{ id: 'call_r', name: 'current_time', args: {} }],
      },
      { kind: 'reply', tokens: ['Noon.'] },
    );
    const { engine, session, messages } = await setup(server, {
      kind: 'anthropic',
      settings: { params: { thinkingBudget: 1024 } },
    });
    await engine.send(session.id, 'Time?');
    await engine.idle();
    expect((await messages())[1]?.parts[0]).toEqual({
      type: 'thinking',
      text: '',
      redacted: 'encrypted-bytes',
    });
    const blocks = body(1).messages[1]?.content as Block[];
    expect(blocks[0]).toEqual({ type: 'redacted_thinking', data: 'encrypted-bytes' });
  });

  it('leaves out reasoning nobody signed, and all thinking once the budget is off', async () => {
    const { db, engine, session } = await setup(server, {
      kind: 'anthropic',
      settings: { params: { thinkingBudget: 2048 } },
    });
    await appendMessage(db, session.id, { role: 'user', content: 'Earlier question' });
    await appendMessage(db, session.id, {
      role: 'assistant',
      parts: [
        { type: 'thinking', text: 'Reasoning from another provider' },
        { type: 'thinking', text: 'Signed', signature: 'sig-old' },
        { type: 'text', text: 'Earlier answer' },
      ],
    });
    await engine.send(session.id, 'Next');
    await engine.idle();
    const sent = body(0).messages[1]?.content as Block[];
    expect(sent.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(sent[0]).toMatchObject({ signature: 'sig-old' });

    await setSettings(db, session.id, { params: {} });
    const again = engineFor(db, server, { kind: 'anthropic' });
    await again.send(session.id, 'And now?');
    await again.idle();
    const last = server.requests[server.requests.length - 1]?.body as Body;
    expect(last).not.toHaveProperty('thinking');
    expect(JSON.stringify(last.messages)).not.toContain('sig-old');
  });

  it('asks to continue in words rather than prefilling the reply, which thinking refuses', async () => {
    const { db, engine, session } = await setup(server, {
      kind: 'anthropic',
      settings: { params: { thinkingBudget: 2048 } },
    });
    await appendMessage(db, session.id, { role: 'user', content: 'Tell me a story' });
    const reply = await appendMessage(db, session.id, {
      role: 'assistant',
      content: 'Once upon',
      status: 'interrupted',
    });
    await engine.continueReply(reply.id);
    const sent = body(0).messages;
    expect(sent[sent.length - 1]).toEqual({
      role: 'user',
      content: [{ type: 'text', text: CONTINUE_PROMPT }],
    });
  });
});

describe('thinking with Gemini', () => {
  it('sends the budget as thinkingConfig and stores the thoughts apart from the answer', async () => {
    server.scripts.push({ kind: 'reply', thinking: ['Mulling'], tokens: ['Sure.'] });
    const { engine, session, messages } = await setup(server, {
      kind: 'gemini',
      settings: { params: { thinkingBudget: 4096 } },
    });
    await engine.send(session.id, 'Ready?');
    await engine.idle();
    const config = (server.requests[0]?.body as Record<string, Record<string, unknown>>)
      .generationConfig;
    expect(config?.thinkingConfig).toEqual({ thinkingBudget: 4096, includeThoughts: true });
    expect((await messages())[1]?.parts).toEqual([
      { type: 'thinking', text: 'Mulling' },
      { type: 'text', text: 'Sure.' },
    ]);
  });
});
