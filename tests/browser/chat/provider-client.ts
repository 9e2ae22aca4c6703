// The browser side of tests/browser/provider-setup.ts: a wire-protocol server of one's own.
import { inject } from 'vitest';
import type { Script } from '../../helpers/provider-server';

export interface RemoteRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface RemoteProviderServer {
  url: string;
  script(...scripts: Script[]): Promise<void>;
  refuseCors(refuse: boolean): Promise<void>;
  /** Model lists answer with this status until set back to null. */
  failModels(status: number | null): Promise<void>;
  /** What the server received; `body` is the parsed JSON (null for a GET). */
  requests(): Promise<RemoteRequest[]>;
  close(): Promise<void>;
}

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    ...(body !== undefined
      ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
      : {}),
  });
  if (!res.ok) throw new Error(`control ${method} ${url}: ${res.status}`);
  return res.status === 204 ? null : ((await res.json()) as unknown);
}

export async function providerServer(): Promise<RemoteProviderServer> {
  const control = inject('providerControl');
  const { id, url } = (await call(`${control}/servers`, 'POST')) as { id: string; url: string };
  const base = `${control}/servers/${id}`;
  return {
    url,
    script: async (...scripts) => void (await call(`${base}/scripts`, 'POST', scripts)),
    refuseCors: async (refuse) => void (await call(`${base}/cors`, 'PUT', { refuse })),
    failModels: async (status) => void (await call(`${base}/models`, 'PUT', { status })),
    requests: async () => (await call(`${base}/requests`, 'GET')) as RemoteRequest[],
    close: async () => void (await call(base, 'DELETE')),
  };
}
