// A real HTTP server on 127.0.0.1 that speaks the three wire protocols Tern talks to, streaming
// included, with the events framed as the real APIs frame them: OpenAI chat-completion chunks (tool
// calls as indexed fragments, usage in a last chunk with no choices, then [DONE]); Anthropic
// message_start / content_block_* / message_delta / message_stop with tool_use and
// input_json_delta, thinking blocks closed by their signature_delta, and redacted_thinking; Gemini
// streamGenerateContent?alt=sse with whole GenerateContentResponses.
// Each request takes the next scripted answer from a queue, so a test can script faults: any HTTP
// status, a stream cut, a stall, malformed JSON, a prompt longer than the context window (in each
// API's own words), or a server that refuses CORS.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  anthropicFrames,
  contextTooLongBody,
  DEFAULT_REPLY,
  geminiFrames,
  openAIFrames,
  type Frame,
  type Script,
} from './provider-frames';
import { sleep } from './sleep';

export { DEFAULT_REPLY, type Script, type ScriptedToolCall } from './provider-frames';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface ProviderServer {
  url: string;
  /** Answers to come, first in first out; an empty queue answers with a short reply. */
  scripts: Script[];
  requests: RecordedRequest[];
  /** Send no CORS headers at all (as a local server not told about the page's origin). */
  refuseCors: boolean;
  models: string[];
  /** Answer model-list requests with this status (with an error body) instead of the list. */
  modelsStatus: number | null;
  /** Chat requests whose response is still being written. */
  readonly open: number;
  close(): Promise<void>;
}

function errorBody(status: number): unknown {
  return {
    error: {
      type: status === 429 ? 'rate_limit_error' : 'api_error',
      message: `Scripted ${status}`,
    },
  };
}

export async function startProviderServer(): Promise<ProviderServer> {
  let open = 0;
  const state = {
    scripts: [] as Script[],
    requests: [] as RecordedRequest[],
    refuseCors: false,
    models: ['model-a', 'model-b'],
    modelsStatus: null as number | null,
  };

  const cors = (req: IncomingMessage): Record<string, string> =>
    state.refuseCors
      ? {}
      : {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          // A wildcard does not cover Authorization, so the requested headers are echoed.
          'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
          'access-control-expose-headers': 'retry-after',
        };

  async function stream(
    res: ServerResponse,
    frames: Frame[],
    s: Extract<Script, { kind: 'reply' }>,
    req: IncomingMessage,
  ) {
    let closed = false;
    res.on('close', () => (closed = true));
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      ...cors(req),
    });
    res.flushHeaders();
    for (let i = 0; i < frames.length; i++) {
      if (closed) return;
      if (s.fault && i === s.fault.after) {
        if (s.fault.type === 'cut') {
          // Let what was written reach the client first, as a connection dropping later would.
          await sleep(150);
          res.socket?.destroy();
          return;
        }
        if (s.fault.type === 'stall') {
          while (!closed) await sleep(20);
          return;
        }
        res.write('data: {"choices": [ {"delta": {"content": "oops\n\n');
        res.end();
        return;
      }
      const f = frames[i] as Frame;
      res.write(`${f.event ? `event: ${f.event}\n` : ''}data: ${f.data}\n\n`);
      if (s.delayMs) await sleep(s.delayMs);
    }
    res.end();
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? (JSON.parse(text) as unknown) : null;
      } catch {
        body = text;
      }
      if (req.method === 'OPTIONS') {
        res.writeHead(204, cors(req)).end();
        return;
      }
      state.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        headers: req.headers,
        body,
      });
      const path = url.pathname;
      if (req.method === 'GET') {
        const json =
          path === '/v1beta/models'
            ? {
                models: state.models.map((m) => ({
                  name: `models/${m}`,
                  supportedGenerationMethods: ['generateContent'],
                })),
              }
            : { object: 'list', data: state.models.map((id) => ({ id, object: 'model' })) };
        if (path.endsWith('/models') && state.modelsStatus !== null)
          res
            .writeHead(state.modelsStatus, { 'content-type': 'application/json', ...cors(req) })
            .end(JSON.stringify(errorBody(state.modelsStatus)));
        else if (path.endsWith('/models'))
          res
            .writeHead(200, { 'content-type': 'application/json', ...cors(req) })
            .end(JSON.stringify(json));
        else res.writeHead(200, { 'content-type': 'text/plain', ...cors(req) }).end('ok');
        return;
      }
      const script: Script = state.scripts.shift() ?? { kind: 'reply', tokens: DEFAULT_REPLY };
      if (script.kind === 'context-too-long') {
        res
          .writeHead(400, { 'content-type': 'application/json', ...cors(req) })
          .end(JSON.stringify(contextTooLongBody(url.pathname)));
        return;
      }
      if (script.kind === 'status') {
        res
          .writeHead(script.status, {
            'content-type': 'application/json',
            ...cors(req),
            ...(script.headers ?? {}),
          })
          .end(JSON.stringify(script.body ?? errorBody(script.status)));
        return;
      }
      const model =
        (typeof body === 'object' &&
        body !== null &&
        typeof (body as { model?: unknown }).model === 'string'
          ? (body as { model: string }).model
          : path.match(/models\/([^:]+):/)?.[1]) ?? 'unknown';
      const frames = path.endsWith('/chat/completions')
        ? openAIFrames(script, model)
        : path.endsWith('/v1/messages')
          ? anthropicFrames(script, model)
          : path.includes(':streamGenerateContent')
            ? geminiFrames(script, model)
            : null;
      if (!frames) {
        res
          .writeHead(404, { 'content-type': 'application/json', ...cors(req) })
          .end(JSON.stringify(errorBody(404)));
        return;
      }
      open++;
      try {
        await stream(res, frames, script, req);
      } finally {
        open--;
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    get open() {
      return open;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/**
 * fetch as a browser page on `origin` sees it: a response without Access-Control-Allow-Origin (or
 * a refused preflight) is a bare TypeError, and `no-cors` gives an opaque success. Node's fetch
 * applies no CORS, so the Node tests use this to meet the same failure a browser would.
 */
export function browserLikeFetch(origin = 'http://localhost:4173'): typeof fetch {
  return async (input, init) => {
    if (init?.mode === 'no-cors') {
      await fetch(input, init);
      return new Response(null, { status: 200 });
    }
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (init?.method === 'POST') {
      const names = Object.keys(init.headers ?? {}).join(', ');
      const pre = await fetch(url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': names,
        },
        ...(init.signal ? { signal: init.signal } : {}),
      });
      if (!pre.headers.get('access-control-allow-origin')) throw new TypeError('Failed to fetch');
    }
    const res = await fetch(input, init);
    if (!res.headers.get('access-control-allow-origin')) {
      await res.body?.cancel();
      throw new TypeError('Failed to fetch');
    }
    return res;
  };
}
