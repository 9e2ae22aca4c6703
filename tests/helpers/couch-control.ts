// A PouchDB Server for a test that runs where processes cannot be spawned (in Chromium), through
// the control server of tests/helpers/couch-setup.ts. Node tests can call startCouchServer()
// (tests/helpers/couch-server.ts) directly instead.
import { inject } from 'vitest';
import type { CouchServerOptions } from './couch-server';

export interface RemoteCouchServer {
  url: string;
  /** Stops it like a crash; `restart()` brings it back. */
  kill(): Promise<void>;
  /** Back on the same port, with no data (it keeps everything in memory). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function call(path: string, method: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${inject('couchControl')}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok)
    throw new Error(`couch control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

/** A fresh server, empty; stop it when done (teardown stops any left running). */
export async function startRemoteCouch(opts: CouchServerOptions = {}): Promise<RemoteCouchServer> {
  const { id, url } = (await (await call('/couch', 'POST', opts)).json()) as {
    id: string;
    url: string;
  };
  return {
    url,
    kill: async () => void (await call(`/couch/${id}/kill`, 'POST')),
    restart: async () => void (await call(`/couch/${id}/restart`, 'POST')),
    stop: async () => void (await call(`/couch/${id}`, 'DELETE')),
  };
}
