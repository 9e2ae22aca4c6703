// One wire-protocol server for the calling test file: started before its tests, closed after them,
// its scripts, recorded requests and CORS refusal cleared before each test.
import { afterAll, beforeEach } from 'vitest';
import type { ProviderConfig, ProviderKind } from '../../src/lib/providers/types';
import { startProviderServer, type ProviderServer } from './provider-server';

export async function useProviderServer(): Promise<ProviderServer> {
  const server = await startProviderServer();
  afterAll(() => server.close());
  beforeEach(() => {
    server.scripts.length = 0;
    server.requests.length = 0;
    server.refuseCors = false;
  });
  return server;
}

/** A provider of `kind` pointing at the server, as the adapter tests call it. */
export function wireConfig(
  server: ProviderServer,
  kind: ProviderKind,
  apiKey: string,
): ProviderConfig {
  return {
    id: kind,
    kind,
    label: 'Test AI',
    baseUrl: kind === 'openai-compatible' ? `${server.url}/v1` : server.url,
    apiKey,
    models: [],
  };
}
