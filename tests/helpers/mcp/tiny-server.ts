// A small MCP server of our own, on the SDK's server side, for what the reference server does not
// do: a slow tool that notices cancellation, a tool error, a huge result, a name that collides
// with a built-in, a schema too big to offer, a tool list that changes, a token it insists on,
// a refusal of CORS, a protocol version nobody speaks, disappearing mid-call, and tools annotated
// as destructive (one of them also, contradictorily, read-only).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { sleep } from '../sleep';

export interface TinyServer {
  url: string;
  /** Calls of `slow` that began, and those the client cancelled. */
  slowStarted: number;
  slowCancelled: number;
  /** Every tools/call this server received, by tool name. */
  calls: string[];
  /** `Authorization` must be exactly this (else 401); null = no token needed. */
  token: string | null;
  /** Send no CORS headers (a server not set up for pages on other origins). */
  refuseCors: boolean;
  /** Answer initialize with a protocol version no client speaks. */
  oddProtocol: boolean;
  /** Stops answering at once, cutting open streams: a server that disappears. */
  vanish(): Promise<void>;
  close(): Promise<void>;
}

const HUGE_SCHEMA_PROPS = Object.fromEntries(
  Array.from({ length: 900 }, (_, i) => [`field_${i}`, z.string().describe(`Field number ${i}`)]),
);

function build(state: TinyServer): McpServer {
  const server = new McpServer(
    { name: 'tiny', version: '0.0.1' },
    { capabilities: { tools: { listChanged: true } } },
  );
  server.registerTool(
    'slow',
    {
      description: 'Waits `seconds`, reporting progress, unless cancelled.',
      inputSchema: { seconds: z.number() },
    },
    async ({ seconds }, extra) => {
      state.calls.push('slow');
      state.slowStarted++;
      const token = extra._meta?.progressToken;
      const steps = Math.max(1, Math.round(seconds * 10));
      for (let i = 1; i <= steps; i++) {
        await sleep(100);
        if (extra.signal.aborted) {
          state.slowCancelled++;
          return { content: [{ type: 'text', text: 'cancelled' }] };
        }
        if (token !== undefined)
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress: i, total: steps },
          });
      }
      return { content: [{ type: 'text', text: `Waited ${seconds} s.` }] };
    },
  );
  server.registerTool(
    'fail',
    { description: 'Always fails.', inputSchema: { why: z.string().optional() } },
    ({ why }) => {
      state.calls.push('fail');
      return {
        isError: true,
        content: [{ type: 'text', text: `It failed: ${why ?? 'no reason'}` }],
      };
    },
  );
  server.registerTool(
    'big',
    { description: 'A very long result.', inputSchema: { chars: z.number() } },
    ({ chars }) => {
      state.calls.push('big');
      return { content: [{ type: 'text', text: 'x'.repeat(chars - 3) + 'END' }] };
    },
  );
  server.registerTool(
    'calculator',
    {
      description: 'Not the built-in one: says which it is.',
      inputSchema: { expression: z.string() },
    },
    ({ expression }) => {
      state.calls.push('calculator');
      return { content: [{ type: 'text', text: `tiny calculator got ${expression}` }] };
    },
  );
  server.registerTool(
    'wipe',
    {
      description: 'Says it deletes things.',
      inputSchema: {},
      annotations: { destructiveHint: true },
    },
    () => {
      state.calls.push('wipe');
      return { content: [{ type: 'text', text: 'wiped' }] };
    },
  );
  server.registerTool(
    'peek',
    {
      description: 'Read-only and destructive at once: the read-only hint wins.',
      inputSchema: {},
      annotations: { destructiveHint: true, readOnlyHint: true },
    },
    () => {
      state.calls.push('peek');
      return { content: [{ type: 'text', text: 'peeked' }] };
    },
  );
  server.registerTool(
    'huge-schema',
    { description: 'Its schema is too big to offer.', inputSchema: HUGE_SCHEMA_PROPS },
    () => ({ content: [{ type: 'text', text: 'never offered' }] }),
  );
  server.registerTool(
    'add-tool',
    { description: 'Adds a tool named `later`.', inputSchema: {} },
    () => {
      state.calls.push('add-tool');
      server.registerTool('later', { description: 'Added later.', inputSchema: {} }, () => ({
        content: [{ type: 'text', text: 'later ran' }],
      }));
      return { content: [{ type: 'text', text: 'added' }] };
    },
  );
  server.registerPrompt(
    'review',
    {
      description: 'Asks for a review of a topic.',
      argsSchema: { topic: z.string(), tone: z.string().optional() },
    },
    ({ topic, tone }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `Please review ${topic}${tone ? ` in a ${tone} tone` : ''}.`,
          },
        },
      ],
    }),
  );
  server.registerResource(
    'notes',
    'note://tiny/notes',
    { description: 'The notes of the tiny server.', mimeType: 'text/plain' },
    (uri) => ({ contents: [{ uri: uri.href, text: 'Remember the milk.' }] }),
  );
  return server;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers':
    'content-type, authorization, mcp-session-id, mcp-protocol-version, last-event-id',
  'access-control-expose-headers': 'mcp-session-id, mcp-protocol-version',
};

export async function startTinyServer(): Promise<TinyServer> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const state: TinyServer = {
    url: '',
    slowStarted: 0,
    slowCancelled: 0,
    calls: [],
    token: null,
    refuseCors: false,
    oddProtocol: false,
    vanish: async () => {},
    close: async () => {},
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!state.refuseCors) for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (state.token !== null && req.headers.authorization !== state.token)
      return void res
        .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' })
        .end(JSON.stringify({ error: 'invalid_token' }));
    let body: unknown;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    }
    if (state.oddProtocol && (body as { method?: string } | undefined)?.method === 'initialize') {
      const id = (body as { id: number }).id;
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          jsonrpc: '2.0',
          id,
          result: {
            protocolVersion: '1999-01-01',
            capabilities: {},
            serverInfo: { name: 'odd', version: '1' },
          },
        }),
      );
    }
    const sid = req.headers['mcp-session-id'];
    let transport = typeof sid === 'string' ? transports.get(sid) : undefined;
    if (!transport && typeof sid === 'string')
      return void res.writeHead(404).end('Unknown session');
    if (!transport) {
      const t = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void transports.set(id, t),
      });
      t.onclose = () => {
        if (t.sessionId) transports.delete(t.sessionId);
      };
      await build(state).connect(t);
      transport = t;
    }
    await transport.handleRequest(req, res, body);
  };
  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/mcp`;
  const stop = async () => {
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
  };
  let stopped = false;
  state.vanish = async () => {
    if (stopped) return;
    stopped = true;
    await stop();
  };
  state.close = () => state.vanish();
  return state;
}
