// Extended thinking on request, over the real wire protocols: the budget in each API's own
// fields, the parameters Anthropic refuses with it left out, and its signed and redacted thinking
// blocks streamed as they come and sent back with the turn that made them.
import { describe, expect, it } from 'vitest';
import { loadProvider } from '../../../src/lib/providers/registry';
import type { ChatRequest, ProviderKind, StreamEvent } from '../../../src/lib/providers/types';
import { useProviderServer, wireConfig } from '../../helpers/use-provider-server';

const server = await useProviderServer();

const config = (kind: ProviderKind) => wireConfig(server, kind, 'sk-thinking-test');

async function collect(kind: ProviderKind, request: ChatRequest): Promise<StreamEvent[]> {
  const provider = await loadProvider(kind);
  const events: StreamEvent[] = [];
  for await (const e of provider.stream(config(kind), request)) events.push(e);
  return events;
}

const ask = (params: ChatRequest['params']): ChatRequest => ({
  model: 'model-a',
  messages: [{ role: 'user', content: 'Think first' }],
  params,
});

type Body = Record<string, unknown>;
const sentBody = (i = 0) => server.requests[i]?.body as Body;

describe('Anthropic extended thinking', () => {
  it('asks for thinking with the budget, raises max_tokens above it, and leaves out temperature', async () => {
    await collect('anthropic', ask({ thinkingBudget: 2000, temperature: 0.3, topP: 0.5 }));
    const body = sentBody();
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2000 });
    expect(body.max_tokens).toBe(2000 + 4096);
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(body).not.toHaveProperty('top_k');
  });

  it('keeps a max_tokens already above the budget, raises the budget to the minimum, keeps top_p from 0.95', async () => {
    await collect('anthropic', ask({ thinkingBudget: 100, maxTokens: 8000, topP: 0.97 }));
    const body = sentBody();
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(body.max_tokens).toBe(8000);
    expect(body.top_p).toBe(0.97);
  });

  it('sends nothing new with thinking off', async () => {
    await collect('anthropic', ask({ temperature: 0.5, maxTokens: 100, thinkingBudget: 0 }));
    const body = sentBody();
    expect(body).not.toHaveProperty('thinking');
    expect(body.max_tokens).toBe(100);
    expect(body.temperature).toBe(0.5);
  });

  it('streams the thinking, its signature and a redacted block', async () => {
    server.scripts.push({
      kind: 'reply',
      thinking: ['Let me', ' see'],
      thinkingSignature: 'sig-abc',
      redactedThinking: 'opaque-data',
      tokens: ['Done'],
    });
    const events = await collect('anthropic', ask({ thinkingBudget: 2000 }));
    expect(events.filter((e) => e.type.startsWith('thinking'))).toEqual([
      { type: 'thinking', text: 'Let me' },
      { type: 'thinking', text: ' see' },
      { type: 'thinking-signature', signature: 'sig-abc' },
      { type: 'thinking-redacted', data: 'opaque-data' },
    ]);
    expect(events[events.length - 1]).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('sends an assistant turn’s thinking blocks back first, only while thinking is on', async () => {
    const request: ChatRequest = {
      model: 'model-a',
      messages: [
        { role: 'user', content: 'What is 2+2?' },
        {
          role: 'assistant',
          content: 'Let me check.',
          thinking: [
            { type: 'thinking', text: 'Use the calculator', signature: 'sig-1' },
            { type: 'redacted', data: 'opaque' },
          ],
          toolCalls: [{ id: 'c1', name: 'calculator', arguments: '{"expression":"2+2"}' }],
        },
        { role: 'tool', toolCallId: 'c1', name: 'calculator', content: '4' },
      ],
      params: { thinkingBudget: 2000 },
    };
    await collect('anthropic', request);
    await collect('anthropic', { ...request, params: {} });
    const turns = (i: number) => sentBody(i).messages as { role: string; content: Body[] }[];
    expect(turns(0)[1]?.content.map((b) => b.type)).toEqual([
      'thinking',
      'redacted_thinking',
      'text',
      'tool_use',
    ]);
    expect(turns(0)[1]?.content[0]).toEqual({
      type: 'thinking',
      thinking: 'Use the calculator',
      signature: 'sig-1',
    });
    expect(turns(0)[1]?.content[1]).toEqual({ type: 'redacted_thinking', data: 'opaque' });
    expect(turns(1)[1]?.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
  });
});

describe('Gemini thinking', () => {
  it('asks for thoughts with the budget, and streams them as thinking', async () => {
    server.scripts.push({ kind: 'reply', thinking: ['Pondering'], tokens: ['Yes'] });
    const events = await collect('gemini', ask({ thinkingBudget: 512, temperature: 0.2 }));
    const config = sentBody().generationConfig as Body;
    expect(config.thinkingConfig).toEqual({ thinkingBudget: 512, includeThoughts: true });
    expect(config.temperature).toBe(0.2);
    expect(events).toContainEqual({ type: 'thinking', text: 'Pondering' });
  });

  it('sends no thinkingConfig with thinking off', async () => {
    await collect('gemini', ask({ temperature: 0.2 }));
    expect(sentBody().generationConfig).toEqual({ temperature: 0.2 });
  });
});

describe('OpenAI reasoning effort', () => {
  const reasoningAsk = (model: string, params: ChatRequest['params']): ChatRequest => ({
    ...ask(params),
    model,
  });

  it('maps the thinking budget to reasoning_effort for reasoning models', async () => {
    const cases: [string, number, string][] = [
      ['o3-mini', 1024, 'low'],
      ['o1', 2048, 'low'],
      ['o4-mini-2025-04-16', 4000, 'medium'],
      ['gpt-5', 8192, 'medium'],
      ['gpt-5.1-codex', 16000, 'high'],
      ['openai/o3', 32000, 'high'],
    ];
    for (const [i, [model, budget, effort]] of cases.entries()) {
      await collect('openai-compatible', reasoningAsk(model, { thinkingBudget: budget }));
      expect([model, sentBody(i).reasoning_effort]).toEqual([model, effort]);
    }
  });

  it('sends a reasoning model max_completion_tokens and none of the sampling parameters it refuses', async () => {
    const params = {
      thinkingBudget: 3000,
      maxTokens: 500,
      temperature: 0.3,
      topP: 0.9,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      stop: ['END'],
    };
    await collect('openai-compatible', reasoningAsk('gpt-5-mini', params));
    const body = sentBody();
    expect(body.max_completion_tokens).toBe(500);
    for (const k of ['max_tokens', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty'])
      expect(body).not.toHaveProperty(k);
    expect(body.stop).toEqual(['END']);
    expect(body.reasoning_effort).toBe('medium');
  });

  it('leaves the effort to the model with thinking off, and other models as they were', async () => {
    await collect('openai-compatible', reasoningAsk('o3', { maxTokens: 100, thinkingBudget: 0 }));
    expect(sentBody(0)).not.toHaveProperty('reasoning_effort');
    expect(sentBody(0).max_completion_tokens).toBe(100);
    // Not reasoning models, whatever their names start with.
    for (const model of ['gpt-4o', 'model-a', 'llama3-o1', 'gpt-50-turbo', 'omni'])
      await collect(
        'openai-compatible',
        reasoningAsk(model, { thinkingBudget: 4000, temperature: 0.5, maxTokens: 9 }),
      );
    for (let i = 1; i <= 5; i++) {
      const body = sentBody(i);
      expect(body).not.toHaveProperty('reasoning_effort');
      expect(body.temperature).toBe(0.5);
      expect(body.max_tokens).toBe(9);
    }
  });
});
