// Global setup of the browser and e2e projects: a control server on 127.0.0.1 that starts
// PouchDB Servers (tests/helpers/couch-server.ts) on demand, one per test that asks, since a page
// in Chromium cannot spawn processes. Its URL reaches the tests through provide/inject; the tests
// call it through tests/helpers/couch-control.ts.
//   POST   /couch              body { admin?: { username, password }, cors?: boolean } → { id, url }
//   POST   /couch/:id/kill     stops it like a crash
//   POST   /couch/:id/restart  back on the same port, with no data
//   DELETE /couch/:id
// Every server still running is stopped in teardown.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startCouchServer, type CouchServer, type CouchServerOptions } from './couch-server';

declare module 'vitest' {
  export interface ProvidedContext {
    couchControl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = new Map<string, CouchServer>();
  let next = 0;
  const control = createServer((req, res) => {
    void (async () => {
      const headers = {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
        'access-control-allow-headers': 'content-type',
      };
      if (req.method === 'OPTIONS') {
        res.writeHead(204, headers).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : {};
      const parts = new URL(req.url ?? '/', 'http://x').pathname.split('/').filter(Boolean);
      const reply = (status: number, json: unknown = null) =>
        res.writeHead(status, headers).end(JSON.stringify(json));
      if (parts[0] !== 'couch') return reply(404);
      if (parts.length === 1 && req.method === 'POST') {
        const id = String(++next);
        const server = await startCouchServer(body as CouchServerOptions);
        servers.set(id, server);
        return reply(200, { id, url: server.url });
      }
      const id = parts[1] ?? '';
      const server = servers.get(id);
      if (!server) return reply(404);
      if (parts[2] === 'kill' && req.method === 'POST') {
        await server.kill();
        return reply(204);
      }
      if (parts[2] === 'restart' && req.method === 'POST') {
        await server.restart();
        return reply(204);
      }
      if (parts.length === 2 && req.method === 'DELETE') {
        servers.delete(id);
        await server.stop();
        return reply(204);
      }
      return reply(404);
    })().catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const { port } = control.address() as AddressInfo;
  project.provide('couchControl', `http://127.0.0.1:${port}`);
  return async () => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    control.closeAllConnections();
    await new Promise<void>((resolve) => control.close(() => resolve()));
  };
}
