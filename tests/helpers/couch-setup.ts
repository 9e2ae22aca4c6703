// Global setup of the browser and e2e projects: a control server on 127.0.0.1 that starts
// PouchDB Servers (tests/helpers/couch-server.ts) on demand, one per test that asks, since a page
// in Chromium cannot spawn processes. Its URL reaches the tests through provide/inject; the tests
// call it through tests/helpers/couch-control.ts.
//   POST   /couch              body { admin?: { username, password }, cors?: boolean } → { id, url }
//   POST   /couch/:id/kill     stops it like a crash
//   POST   /couch/:id/restart  back on the same port, with no data
//   DELETE /couch/:id
// Every server still running is stopped in teardown.
import type { TestProject } from 'vitest/node';
import { startControlServer, type ControlReply } from './control-server';
import { startCouchServer, type CouchServer } from './couch-server';

declare module 'vitest' {
  export interface ProvidedContext {
    couchControl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = new Map<string, CouchServer>();
  let next = 0;
  const control = await startControlServer(async (method, parts, body): Promise<ControlReply> => {
    if (parts[0] !== 'couch') return [404];
    if (parts.length === 1 && method === 'POST') {
      const id = String(++next);
      // The body is the options the test asked for: an admin, CORS on or off.
      const server = await startCouchServer(body ?? {});
      servers.set(id, server);
      return [200, { id, url: server.url }];
    }
    const id = parts[1] ?? '';
    const server = servers.get(id);
    if (!server) return [404];
    if (parts[2] === 'kill' && method === 'POST') {
      await server.kill();
      return [204];
    }
    if (parts[2] === 'restart' && method === 'POST') {
      await server.restart();
      return [204];
    }
    if (parts.length === 2 && method === 'DELETE') {
      servers.delete(id);
      await server.stop();
      return [204];
    }
    return [404];
  });
  project.provide('couchControl', control.url);
  return async () => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    await control.close();
  };
}
