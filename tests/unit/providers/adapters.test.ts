// Each adapter against the real wire protocol served on 127.0.0.1: what a user would see (the
// text, the tool calls, the usage) and, for every fault, the error code and a message that says
// what to do without ever showing the key.
import { describe, expect, it } from 'vitest';
import { loadProvider } from '../../../src/lib/providers/registry';
import type {
  ChatRequest,
  ProviderKind,
  StreamEvent,
  StreamOptions,
} from '../../../src/lib/providers/types';
import { browserLikeFetch, DEFAULT_REPLY } from '../../helpers/provider-server';
import { useProviderServer, wireConfig } from '../../helpers/use-provider-server';

const KEY = 'sk-test-secret-key-1234';
const KINDS: ProviderKind[] = ['openai-compatible', 'anthropic', 'gemini'];

const server = await useProviderServer();

const config = (kind: ProviderKind) => wireConfig(server, kind, KEY);

const request: ChatRequest = {
  model: 'model-a',
  system: 'Be brief.',
  messages: [{ role: 'user', content: 'Hi' }],
  params: { temperature: 0.5, maxTokens: 100 },
};

async function collect(kind: ProviderKind, req = request, options: StreamOptions = {}) {
  const provider = await loadProvider(kind);
  const events: StreamEvent[] = [];
  for await (const e of provider.stream(config(kind), req, options)) events.push(e);
  const text = events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
  const last = events[events.length - 1];
  return { events, text, last };
}

function errorOf(last: StreamEvent | undefined) {
  if (last?.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(last)}`);
  return last.error;
}

describe.each(KINDS)('%s adapter', (kind) => {
  it('streams the text in order, reports usage and finishes', async () => {
    const { events, text, last } = await collect(kind);
    expect(text).toBe(DEFAULT_REPLY.join(''));
    expect(events.filter((e) => e.type === 'text').length).toBe(DEFAULT_REPLY.length);
    expect(events.find((e) => e.type === 'usage')).toMatchObject({
      inputTokens: 12,
      outputTokens: 6,
    });
    expect(last).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('sends the system prompt, the history and the parameters in its own format', async () => {
    await collect(kind);
    const sent = server.requests[0];
    const body = JSON.stringify(sent?.body);
    expect(body).toContain('Be brief.');
    expect(body).toContain('"Hi"');
    expect(body).toContain('0.5');
    if (kind === 'anthropic') {
      expect(sent?.headers['anthropic-dangerous-direct-browser-access']).toBe('true');
      expect(sent?.headers['x-api-key']).toBe(KEY);
    } else if (kind === 'gemini') {
      expect(sent?.path).toBe('/v1beta/models/model-a:streamGenerateContent?alt=sse');
      expect(sent?.headers['x-goog-api-key']).toBe(KEY);
    } else expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('streams thinking apart from the text', async () => {
    server.scripts.push({ kind: 'reply', thinking: ['Let me', ' think'], tokens: ['Done'] });
    const { events, text } = await collect(kind);
    const thinking = events.flatMap((e) => (e.type === 'thinking' ? [e.text] : [])).join('');
    expect(thinking).toBe('Let me think');
    expect(text).toBe('Done');
  });

  it('assembles tool calls and finishes with tool-calls', async () => {
    server.scripts.push({
      kind: 'reply',
      tokens: ['Checking'],
      toolCalls: [
        { id: 'call_1', name: 'calculator', args: { expression: '2+2' } },
        { id: 'call_2', name: 'current_time', args: {} },
      ],
    });
    const { events, last } = await collect(kind);
    const calls = new Map<string, { name: string; args: string; ended: boolean }>();
    for (const e of events) {
      if (e.type === 'tool-call-start') calls.set(e.id, { name: e.name, args: '', ended: false });
      if (e.type === 'tool-call-delta') calls.get(e.id)!.args += e.argumentsDelta;
      if (e.type === 'tool-call-end') calls.get(e.id)!.ended = true;
    }
    const list = [...calls.values()];
    expect(list.map((c) => c.name)).toEqual(['calculator', 'current_time']);
    expect(list.map((c) => JSON.parse(c.args) as unknown)).toEqual([{ expression: '2+2' }, {}]);
    expect(list.every((c) => c.ended)).toBe(true);
    expect(last).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  it('sends tool calls and their results back in its own format', async () => {
    await collect(kind, {
      model: 'model-a',
      messages: [
        { role: 'user', content: 'What is 2+2?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_9', name: 'calculator', arguments: '{"expression":"2+2"}' }],
        },
        { role: 'tool', toolCallId: 'call_9', name: 'calculator', content: '4' },
      ],
    });
    const body = server.requests[0]?.body as Record<string, unknown>;
    if (kind === 'openai-compatible') {
      const messages = body.messages as Record<string, unknown>[];
      expect(messages[1]).toMatchObject({
        role: 'assistant',
        tool_calls: [{ id: 'call_9', function: { name: 'calculator' } }],
      });
      expect(messages[2]).toEqual({ role: 'tool', tool_call_id: 'call_9', content: '4' });
    } else if (kind === 'anthropic') {
      const messages = body.messages as { role: string; content: Record<string, unknown>[] }[];
      expect(messages[1]?.content[0]).toEqual({
        type: 'tool_use',
        id: 'call_9',
        name: 'calculator',
        input: { expression: '2+2' },
      });
      expect(messages[2]).toEqual({
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'call_9', content: '4' }],
      });
    } else {
      const contents = body.contents as { role: string; parts: Record<string, unknown>[] }[];
      expect(contents[1]).toEqual({
        role: 'model',
        parts: [
          {
            functionCall: { name: 'calculator', args: { expression: '2+2' } },
            // A call Gemini did not sign: the value Google documents for such histories.
            thoughtSignature: 'skip_thought_signature_validator',
          },
        ],
      });
      expect(contents[2]).toEqual({
        role: 'user',
        parts: [{ functionResponse: { name: 'calculator', response: { result: '4' } } }],
      });
    }
  });

  it('lists the models', async () => {
    const provider = await loadProvider(kind);
    expect(await provider.listModels(config(kind))).toEqual(['model-a', 'model-b']);
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [500, 'server'],
    [503, 'server'],
    [400, 'bad-request'],
    [404, 'not-found'],
  ] as const)('explains HTTP %i as %s, without the key', async (status, code) => {
    server.scripts.push({
      kind: 'status',
      status,
      body: { error: { message: `Invalid key ${KEY}` } },
    });
    const error = errorOf((await collect(kind)).last);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toContain(String(status));
    expect(error.message).not.toContain(KEY);
  });

  it('honours Retry-After on 429', async () => {
    server.scripts.push({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    const before = Date.now();
    const error = errorOf((await collect(kind)).last);
    expect(error.code).toBe('rate-limited');
    expect(error.retryAt).toBeGreaterThanOrEqual(before + 7000);
    expect(error.retryAt).toBeLessThan(Date.now() + 7500);
    expect(error.message).toMatch(/Try again in 7 s/);
  });

  it('keeps what arrived and says the stream broke when the connection is cut', async () => {
    server.scripts.push({
      kind: 'reply',
      tokens: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      fault: { after: 5, type: 'cut' },
    });
    const { text, last } = await collect(kind);
    expect(errorOf(last).code).toBe('stream-broken');
    expect(text.length).toBeGreaterThan(0);
    expect('abcdefg'.startsWith(text) && text !== 'abcdefg').toBe(true);
  });

  it('ends a stream that stops sending with stream-stalled', async () => {
    server.scripts.push({
      kind: 'reply',
      tokens: ['a', 'b', 'c', 'd'],
      fault: { after: 3, type: 'stall' },
    });
    const { text, last } = await collect(kind, request, { stallMs: 300 });
    expect(errorOf(last).code).toBe('stream-stalled');
    expect('abcd'.startsWith(text)).toBe(true);
  });

  it('reports a malformed stream', async () => {
    server.scripts.push({
      kind: 'reply',
      tokens: ['a', 'b', 'c'],
      fault: { after: 2, type: 'malformed' },
    });
    const { last } = await collect(kind);
    expect(errorOf(last).code).toBe('malformed-stream');
  });

  it('stops when aborted, keeping what arrived', async () => {
    server.scripts.push({
      kind: 'reply',
      tokens: Array.from({ length: 50 }, (_, i) => `t${i} `),
      delayMs: 20,
    });
    const controller = new AbortController();
    const provider = await loadProvider(kind);
    const events: StreamEvent[] = [];
    for await (const e of provider.stream(config(kind), request, { signal: controller.signal })) {
      events.push(e);
      if (events.filter((x) => x.type === 'text').length === 3) controller.abort();
    }
    expect(events.filter((e) => e.type === 'text').length).toBe(3);
    expect(errorOf(events[events.length - 1]).code).toBe('aborted');
  });

  it('tells a CORS refusal from a server that is down, and says what to set', async () => {
    server.refuseCors = true;
    const cors = errorOf((await collect(kind, request, { fetch: browserLikeFetch() })).last);
    expect(cors.code).toBe('cors');
    expect(cors.message).toContain('OLLAMA_ORIGINS');

    const provider = await loadProvider(kind);
    const down = { ...config(kind), baseUrl: 'http://127.0.0.1:9' };
    const events: StreamEvent[] = [];
    for await (const e of provider.stream(down, request, { fetch: browserLikeFetch() }))
      events.push(e);
    const network = errorOf(events[events.length - 1]);
    expect(network.code).toBe('network');
    expect(network.message).toContain('127.0.0.1:9');
  });
});

describe('gemini history from elsewhere', () => {
  it('signs the first unsigned call of a turn with the documented skip value, keeps real ones', async () => {
    const { toWireBody } = await import('../../../src/lib/providers/gemini');
    const body = toWireBody({
      model: 'gemini-3-pro',
      messages: [
        { role: 'user', content: 'Time and sum?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'a', name: 'current_time', arguments: '{}' },
            { id: 'b', name: 'calculator', arguments: '{"expression":"1+1"}' },
          ],
        },
        { role: 'tool', toolCallId: 'a', name: 'current_time', content: 'noon' },
        { role: 'tool', toolCallId: 'b', name: 'calculator', content: '2' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'c', name: 'calculator', arguments: '{}', signature: 'real' }],
        },
      ],
    }) as { contents: { role: string; parts: Record<string, unknown>[] }[] };
    const turns = body.contents.filter((c) => c.role === 'model');
    expect(turns[0]?.parts.map((p) => p.thoughtSignature)).toEqual([
      'skip_thought_signature_validator',
      undefined,
    ]);
    expect(turns[1]?.parts.map((p) => p.thoughtSignature)).toEqual(['real']);
  });
});

describe('reasoning written into the reply between <think> tags', () => {
  it('goes out as thinking, over the wire, however the tags are split across chunks', async () => {
    server.scripts.push({
      kind: 'reply',
      tokens: ['<thi', 'nk>Weigh', 'ing it up</th', 'ink>', '\n\n', 'Forty', '-two.'],
    });
    const { events, text, last } = await collect('openai-compatible');
    const thinking = events.flatMap((e) => (e.type === 'thinking' ? [e.text] : [])).join('');
    expect(thinking).toBe('Weighing it up');
    expect(text).toBe('Forty-two.');
    expect(last).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('leaves a reply alone when the tags are not at its start, or it only looks like one', async () => {
    server.scripts.push({ kind: 'reply', tokens: ['Use ', '<think>', ' as a tag name.'] });
    expect((await collect('openai-compatible')).text).toBe('Use <think> as a tag name.');
    server.scripts.push({ kind: 'reply', tokens: ['<', 'thin', ' ice'] });
    expect((await collect('openai-compatible')).text).toBe('<thin ice');
    server.scripts.push({ kind: 'reply', tokens: ['<thi'] });
    expect((await collect('openai-compatible')).text).toBe('<thi');
  });

  it('keeps reasoning that never closed, as thinking', async () => {
    server.scripts.push({
      kind: 'reply',
      tokens: ['<think>Still going', ' when it stopped </thi'],
    });
    const { events, text } = await collect('openai-compatible');
    const thinking = events.flatMap((e) => (e.type === 'thinking' ? [e.text] : [])).join('');
    expect(thinking).toBe('Still going when it stopped </thi');
    expect(text).toBe('');
  });
});
