// Global setup of the browser project: a control server on 127.0.0.1 that starts wire-protocol
// servers (tests/helpers/provider-server.ts) on demand, one per test, so that test files running
// side by side never share a script queue. Its URL reaches the tests through provide/inject.
//   POST   /servers                 → { id, url } a new provider server
//   POST   /servers/:id/scripts     body Script[]: appended to its queue
//   PUT    /servers/:id/cors        body { refuse: boolean }
//   PUT    /servers/:id/models      body { status: number | null }: model lists fail with it
//   GET    /servers/:id/requests    → [{ method, path, body }] chat and model requests so far
//   DELETE /servers/:id
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startProviderServer, type ProviderServer, type Script } from '../helpers/provider-server';

declare module 'vitest' {
  export interface ProvidedContext {
    providerControl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = new Map<string, ProviderServer>();
  let next = 0;
  const control = createServer((req, res) => {
    void (async () => {
      const headers = {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'access-control-allow-headers': 'content-type',
      };
      if (req.method === 'OPTIONS') {
        res.writeHead(204, headers).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : null;
      const parts = new URL(req.url ?? '/', 'http://x').pathname.split('/').filter(Boolean);
      const reply = (status: number, json: unknown = null) =>
        res.writeHead(status, headers).end(JSON.stringify(json));
      if (parts[0] !== 'servers') return reply(404);
      if (parts.length === 1 && req.method === 'POST') {
        const id = String(++next);
        const server = await startProviderServer();
        servers.set(id, server);
        return reply(200, { id, url: server.url });
      }
      const server = servers.get(parts[1] ?? '');
      if (!server) return reply(404);
      if (parts[2] === 'scripts' && req.method === 'POST') {
        server.scripts.push(...(body as Script[]));
        return reply(204);
      }
      if (parts[2] === 'cors' && req.method === 'PUT') {
        server.refuseCors = (body as { refuse: boolean }).refuse;
        return reply(204);
      }
      if (parts[2] === 'models' && req.method === 'PUT') {
        server.modelsStatus = (body as { status: number | null }).status;
        return reply(204);
      }
      if (parts[2] === 'requests' && req.method === 'GET')
        return reply(
          200,
          server.requests.map((r) => ({ method: r.method, path: r.path, body: r.body })),
        );
      if (parts.length === 2 && req.method === 'DELETE') {
        servers.delete(parts[1] ?? '');
        await server.close();
        return reply(204);
      }
      return reply(404);
    })().catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const { port } = control.address() as AddressInfo;
  project.provide('providerControl', `http://127.0.0.1:${port}`);
  return async () => {
    await Promise.all([...servers.values()].map((s) => s.close()));
    control.closeAllConnections();
    await new Promise<void>((resolve) => control.close(() => resolve()));
  };
}
