// The plumbing of the control servers that global setups give the tests (provider servers, couch
// servers): an HTTP server on 127.0.0.1 that a page may call (CORS open), reading a JSON body and
// the path's parts, answering JSON. Each setup says only what its routes do.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A route's answer: its status and, for 200, its JSON. */
export type ControlReply = [status: number, json?: unknown];

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

export async function startControlServer(
  route: (method: string, parts: string[], body: unknown) => Promise<ControlReply>,
): Promise<ControlServer> {
  const headers = {
    'content-type': 'application/json',
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'access-control-allow-headers': 'content-type',
  };
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, headers).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : null;
      const parts = new URL(req.url ?? '/', 'http://x').pathname.split('/').filter(Boolean);
      const [status, json = null] = await route(req.method ?? 'GET', parts, body);
      res.writeHead(status, headers).end(JSON.stringify(json));
    })().catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
