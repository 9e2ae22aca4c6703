// The chat engine in real Chromium: real fetch (so real CORS), real IndexedDB, real Web Locks,
// against the wire-protocol server on 127.0.0.1 started by the project's global setup.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TernDB } from '../../../src/lib/db/database';
import type { MessageRow } from '../../../src/lib/db/rows';
import { ChatEngine } from '../../../src/lib/domain/chat/engine';
import { allMessages } from '../../../src/lib/domain/messages';
import { setSettings } from '../../../src/lib/domain/settings';
import type { ProviderConfig, ProviderKind } from '../../../src/lib/providers';
import { deleteDb, openTestDb, type TestDeps } from '../../helpers/db';
import { providerServer, type RemoteProviderServer } from './provider-client';
import { newSession } from '../../helpers/builders';

const KEY = 'sk-browser-test-key-2468';
const REPLY = ['Hello', ' from', ' the', ' test', ' server', '.'];

let server: RemoteProviderServer;
let db: TernDB;
let deps: TestDeps;

beforeEach(async () => {
  server = await providerServer();
  ({ db, deps } = await openTestDb());
});
afterEach(async () => {
  db.close();
  await deleteDb(deps);
  await server.close();
});

function configFor(kind: ProviderKind): ProviderConfig {
  return {
    id: 'p1',
    kind,
    label: 'Test AI',
    baseUrl: kind === 'openai-compatible' ? `${server.url}/v1` : server.url,
    apiKey: KEY,
    models: ['model-a'],
  };
}

async function start(kind: ProviderKind = 'openai-compatible') {
  const session = await newSession(db);
  await setSettings(db, session.id, { provider: 'p1', model: 'model-a' });
  const config = configFor(kind);
  const engine = new ChatEngine({
    db,
    providerConfig: (id) => (id === 'p1' || id === null ? config : null),
    locks: navigator.locks,
    writeIntervalMs: 100,
  });
  return { engine, sessionId: session.id, messages: () => allMessages(db, session.id) };
}

async function reply(messages: () => Promise<MessageRow[]>): Promise<MessageRow> {
  const rows = await messages();
  const r = rows.find((m) => m.role === 'assistant');
  if (!r) throw new Error('no reply stored');
  return r;
}

describe('the engine in Chromium', () => {
  it('explains a real CORS refusal instead of “failed to fetch”, and keeps the message', async () => {
    await server.refuseCors(true);
    const { engine, sessionId, messages } = await start();
    await engine.send(sessionId, 'Hello?');
    await engine.idle();
    const rows = await messages();
    expect(rows.map((r) => [r.role, r.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'error'],
    ]);
    const error = rows[1]?.error;
    expect(error?.code).toBe('cors');
    expect(error?.message).toContain(`refused to let this page (${location.origin})`);
    expect(error?.message).toContain(`OLLAMA_ORIGINS=${location.origin}`);
    expect(error?.message).not.toMatch(/failed to fetch/i);
    expect(error?.message).not.toContain(KEY);
    expect(rows[0]?.content).toBe('Hello?');
  });

  it('tells a server that is down apart from a CORS refusal', async () => {
    const { engine, sessionId, messages } = await start();
    await server.close();
    await engine.send(sessionId, 'Anyone?');
    await engine.idle();
    const error = (await reply(messages)).error;
    expect(error?.code).toBe('network');
    expect(error?.message).toContain('Check that the server is running');
    // Closed already; a second close is refused by the control server.
    server = { ...server, close: async () => {} };
  });

  for (const kind of ['openai-compatible', 'anthropic', 'gemini'] as const) {
    it(`streams a ${kind} reply into IndexedDB as it arrives, then completes it`, async () => {
      const tokens = Array.from({ length: 30 }, (_, i) => ` w${i}`);
      await server.script({ kind: 'reply', tokens, delayMs: 20 });
      const { engine, sessionId, messages } = await start(kind);
      await engine.send(sessionId, 'Count for me');
      // While it streams, the stored reply grows with status 'streaming'.
      const seen: string[] = [];
      const end = Date.now() + 10_000;
      while (Date.now() < end) {
        const r = (await messages()).find((m) => m.role === 'assistant');
        if (r?.status === 'streaming' && r.content !== '') seen.push(r.content);
        if (r?.status === 'complete') break;
        await new Promise((done) => setTimeout(done, 30));
      }
      await engine.idle();
      const r = await reply(messages);
      expect(r.status).toBe('complete');
      expect(r.content).toBe(tokens.join(''));
      expect(r.metadata.finishReason).toBe('stop');
      expect(r.metadata.usage).toMatchObject({ inputTokens: 12, outputTokens: 30 });
      expect(seen.length).toBeGreaterThan(0);
      // Every snapshot was a beginning of the reply, and some came before the whole of it.
      expect(seen.every((s) => tokens.join('').startsWith(s))).toBe(true);
      expect(seen.some((s) => s.length < r.content.length)).toBe(true);
      const reqs = await server.requests();
      expect(reqs.filter((q) => q.method === 'POST')).toHaveLength(1);
    });
  }

  it('stop aborts the request and keeps what arrived', async () => {
    await server.script({
      kind: 'reply',
      tokens: Array.from({ length: 200 }, (_, i) => ` t${i}`),
      delayMs: 25,
    });
    const { engine, sessionId, messages } = await start('anthropic');
    await engine.send(sessionId, 'Go on for a while');
    const end = Date.now() + 10_000;
    while ((await reply(messages).catch(() => null))?.content.includes(' t5') !== true) {
      if (Date.now() > end) throw new Error('nothing arrived');
      await new Promise((done) => setTimeout(done, 20));
    }
    engine.stop(sessionId);
    await engine.idle();
    const r = await reply(messages);
    expect(r.status).toBe('complete');
    expect(r.metadata.finishReason).toBe('stopped');
    expect(r.content.startsWith(' t0 t1 t2 t3 t4 t5')).toBe(true);
    expect(r.content).not.toContain(' t199');
    const rows = await messages();
    expect(rows[0]).toMatchObject({
      role: 'user',
      content: 'Go on for a while',
      status: 'complete',
    });
  });

  it('keeps what arrived when the connection breaks in the middle', async () => {
    await server.script({ kind: 'reply', tokens: REPLY, fault: { after: 4, type: 'cut' } });
    const { engine, sessionId, messages } = await start();
    await engine.send(sessionId, 'Break please');
    await engine.idle();
    const r = await reply(messages);
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('stream-broken');
    expect(r.content).toBe(REPLY.slice(0, 3).join(''));
  });
});
