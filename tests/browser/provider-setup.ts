// Global setup of the browser project: a control server on 127.0.0.1 that starts wire-protocol
// servers (tests/helpers/provider-server.ts) on demand, one per test, so that test files running
// side by side never share a script queue. Its URL reaches the tests through provide/inject.
//   POST   /servers                 → { id, url } a new provider server
//   POST   /servers/:id/scripts     body Script[]: appended to its queue
//   PUT    /servers/:id/cors        body { refuse: boolean }
//   PUT    /servers/:id/models      body { status: number | null }: model lists fail with it
//   GET    /servers/:id/requests    → [{ method, path, body }] chat and model requests so far
//   DELETE /servers/:id
import type { TestProject } from 'vitest/node';
import { startControlServer, type ControlReply } from '../helpers/control-server';
import { startProviderServer, type ProviderServer, type Script } from '../helpers/provider-server';

declare module 'vitest' {
  export interface ProvidedContext {
    providerControl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = new Map<string, ProviderServer>();
  let next = 0;
  const control = await startControlServer(async (method, parts, body): Promise<ControlReply> => {
    if (parts[0] !== 'servers') return [404];
    if (parts.length === 1 && method === 'POST') {
      const id = String(++next);
      const server = await startProviderServer();
      servers.set(id, server);
      return [200, { id, url: server.url }];
    }
    const server = servers.get(parts[1] ?? '');
    if (!server) return [404];
    if (parts[2] === 'scripts' && method === 'POST') {
      server.scripts.push(...(body as Script[]));
      return [204];
    }
    if (parts[2] === 'cors' && method === 'PUT') {
      server.refuseCors = (body as { refuse: boolean }).refuse;
      return [204];
    }
    if (parts[2] === 'models' && method === 'PUT') {
      server.modelsStatus = (body as { status: number | null }).status;
      return [204];
    }
    if (parts[2] === 'requests' && method === 'GET')
      return [200, server.requests.map((r) => ({ method: r.method, path: r.path, body: r.body }))];
    if (parts.length === 2 && method === 'DELETE') {
      servers.delete(parts[1] ?? '');
      await server.close();
      return [204];
    }
    return [404];
  });
  project.provide('providerControl', control.url);
  return async () => {
    await Promise.all([...servers.values()].map((s) => s.close()));
    await control.close();
  };
}
