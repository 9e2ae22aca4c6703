// A conversation longer than the model's context window, in each API's own words: recognised as
// `context-too-long` with a message that says what to do, whether it comes as the HTTP answer or
// as an error inside an open stream; other refusals keep their codes.
import { describe, expect, it } from 'vitest';
import {
  CONTEXT_TOO_LONG_MESSAGE,
  errorFromResponse,
  saysContextTooLong,
} from '../../../src/lib/providers/errors';
import { loadProvider } from '../../../src/lib/providers/registry';
import type { ProviderKind, StreamEvent } from '../../../src/lib/providers/types';
import { useProviderServer, wireConfig } from '../../helpers/use-provider-server';

const KEY = 'sk-context-test-key-4321';

// Bodies as the servers send them (status, body).
const WORDINGS: { who: string; status: number; body: unknown }[] = [
  {
    who: 'OpenAI',
    status: 400,
    body: {
      error: {
        message:
          "This model's maximum context length is 8192 tokens. However, your messages resulted in 8227 tokens. Please reduce the length of the messages.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    },
  },
  {
    who: 'OpenAI, newer models',
    status: 400,
    body: {
      error: {
        message:
          'Your input exceeds the context window of this model. Please adjust your input and try again.',
        type: 'invalid_request_error',
        param: 'input',
        code: 'context_length_exceeded',
      },
    },
  },
  {
    who: 'vLLM',
    status: 400,
    body: {
      object: 'error',
      message:
        "This model's maximum context length is 131072 tokens. However, you requested 351430 tokens. Please reduce the length of the messages or completion.",
      type: 'BadRequestError',
      code: 400,
    },
  },
  {
    who: 'Anthropic',
    status: 400,
    body: {
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'prompt is too long: 219898 tokens > 200000 maximum',
      },
    },
  },
  {
    who: 'Anthropic, a request too large',
    status: 413,
    body: {
      type: 'error',
      error: { type: 'request_too_large', message: 'Request exceeds the maximum size' },
    },
  },
  {
    who: 'Gemini',
    status: 400,
    body: [
      {
        error: {
          code: 400,
          message:
            'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).',
          status: 'INVALID_ARGUMENT',
        },
      },
    ],
  },
  {
    who: 'llama.cpp server',
    status: 400,
    body: {
      error: {
        code: 400,
        message:
          'the request exceeds the available context size. try increasing the context size or enable context shift',
        type: 'exceed_context_size_error',
        n_prompt_tokens: 14429,
        n_ctx: 8192,
      },
    },
  },
  {
    who: 'llama.cpp server, newer wording',
    status: 400,
    body: {
      error: {
        code: 400,
        message:
          'request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it',
        type: 'exceed_context_size_error',
      },
    },
  },
  {
    who: 'llama.cpp server, older builds with a 500',
    status: 500,
    body: {
      error: { code: 500, message: 'Context size has been exceeded.', type: 'server_error' },
    },
  },
  {
    who: 'Ollama',
    status: 400,
    body: { error: 'the input length exceeds the context length' },
  },
  {
    who: 'LM Studio',
    status: 400,
    body: {
      error:
        'Trying to keep the first 15857 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input',
    },
  },
  {
    who: 'LM Studio, truncation refused',
    status: 400,
    body: { error: 'Cannot truncate prompt with n_keep (15028) >= n_ctx (7424)' },
  },
];

const respond = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('context-too-long from the HTTP answer', () => {
  it.each(WORDINGS)('recognises $who ($status)', async ({ status, body }) => {
    const e = await errorFromResponse(respond(status, body), 'Test AI', KEY);
    expect(e.code).toBe('context-too-long');
    expect(e.status).toBe(status);
    expect(e.message.startsWith(CONTEXT_TOO_LONG_MESSAGE)).toBe(true);
    expect(e.message).toContain(
      'This conversation is longer than the model can read at once. Compact older messages (/compact), or start a new session.',
    );
  });

  it('keeps the server’s words after the explanation, without the key', async () => {
    const e = await errorFromResponse(
      respond(400, {
        error: { message: `prompt is too long for key ${KEY}: 9 tokens > 8 maximum` },
      }),
      'Test AI',
      KEY,
    );
    expect(e.message).toContain('The server said: “prompt is too long for key [key hidden]');
    expect(e.message).not.toContain(KEY);
  });

  it.each([
    {
      who: 'a max_tokens too large for the model',
      status: 400,
      body: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message:
            'max_tokens: 10000 > 4096, which is the maximum allowed number of output tokens for claude-3-5-sonnet-20240620',
        },
      },
      code: 'bad-request',
    },
    {
      who: 'an unknown parameter',
      status: 400,
      body: { error: { message: 'Unrecognized request argument supplied: foo', code: null } },
      code: 'bad-request',
    },
    {
      who: 'a refused key, whatever it says',
      status: 401,
      body: { error: { message: 'maximum context length is beside the point' } },
      code: 'unauthorized',
    },
    { who: 'a plain server error', status: 500, body: { error: 'boom' }, code: 'server' },
  ])('leaves $who alone', async ({ status, body, code }) => {
    expect((await errorFromResponse(respond(status, body), 'Test AI', KEY)).code).toBe(code);
  });

  it('matches the wordings and nothing near them', () => {
    expect(saysContextTooLong('the input length exceeds the context length')).toBe(true);
    expect(saysContextTooLong('Requested tokens exceed the context window of 2048')).toBe(true);
    expect(saysContextTooLong('The model `x` does not exist')).toBe(false);
    expect(saysContextTooLong('max_tokens is too large: 10000')).toBe(false);
  });
});

const server = await useProviderServer();

const config = (kind: ProviderKind) => wireConfig(server, kind, KEY);

async function lastEvent(kind: ProviderKind): Promise<StreamEvent | undefined> {
  const provider = await loadProvider(kind);
  let last: StreamEvent | undefined;
  for await (const e of provider.stream(config(kind), {
    model: 'model-a',
    messages: [{ role: 'user', content: 'A very long conversation' }],
  }))
    last = e;
  return last;
}

describe.each(['openai-compatible', 'anthropic', 'gemini'] as const)(
  '%s adapter over the wire',
  (kind) => {
    it('ends the stream with context-too-long when the API answers 400 in its own words', async () => {
      server.scripts.push({ kind: 'context-too-long' });
      const last = await lastEvent(kind);
      expect(last?.type).toBe('error');
      if (last?.type !== 'error') return;
      expect(last.error.code).toBe('context-too-long');
      expect(last.error.status).toBe(400);
      expect(last.error.message).toContain(CONTEXT_TOO_LONG_MESSAGE);
      expect(last.error.message).toMatch(
        /maximum context length|prompt is too long|input token count/,
      );
    });
  },
);

describe('an error inside an open stream', () => {
  it('is context-too-long when its words say so (a local server answering 200)', async () => {
    const provider = await loadProvider('openai-compatible');
    const fakeFetch: typeof fetch = () =>
      Promise.resolve(
        new Response(
          'data: {"error":{"message":"the request exceeds the available context size. try increasing the context size or enable context shift"}}\n\n',
          { status: 200, headers: { 'content-type': 'text/event-stream' } },
        ),
      );
    let last: StreamEvent | undefined;
    for await (const e of provider.stream(
      config('openai-compatible'),
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { fetch: fakeFetch },
    ))
      last = e;
    expect(last?.type === 'error' && last.error.code).toBe('context-too-long');
  });

  it('stays what it was otherwise', async () => {
    const provider = await loadProvider('anthropic');
    const fakeFetch: typeof fetch = () =>
      Promise.resolve(
        new Response(
          'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
          { status: 200, headers: { 'content-type': 'text/event-stream' } },
        ),
      );
    let last: StreamEvent | undefined;
    for await (const e of provider.stream(
      config('anthropic'),
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { fetch: fakeFetch },
    ))
      last = e;
    expect(last?.type === 'error' && last.error.code).toBe('server');
    expect(last?.type === 'error' && last.error.message).toContain('that it is overloaded');
  });
});
