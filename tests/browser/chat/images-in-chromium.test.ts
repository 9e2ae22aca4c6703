// An image the user attached, stored as a real Blob in Chromium's IndexedDB (what fake-indexeddb
// cannot show), read back by the engine and received by the wire-protocol server on 127.0.0.1 in
// each provider's format, byte for byte.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TernDB } from '../../../src/lib/db/database';
import { ChatEngine } from '../../../src/lib/domain/chat/engine';
import { addImage, getImage, removeImage } from '../../../src/lib/domain/images';
import { allMessages } from '../../../src/lib/domain/messages';
import { setSettings } from '../../../src/lib/domain/settings';
import type { ProviderConfig, ProviderKind } from '../../../src/lib/providers';
import { deleteDb, openTestDb, type TestDeps } from '../../helpers/db';
import { userTurns } from '../../helpers/wire-images';
import { providerServer, type RemoteProviderServer } from './provider-client';
import { newSession } from '../../helpers/builders';

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

async function start(kind: ProviderKind) {
  const session = await newSession(db);
  await setSettings(db, session.id, { provider: 'p1', model: 'model-a' });
  const config: ProviderConfig = {
    id: 'p1',
    kind,
    label: 'Test AI',
    baseUrl: kind === 'openai-compatible' ? `${server.url}/v1` : server.url,
    apiKey: 'sk-browser-images',
    models: ['model-a'],
  };
  const engine = new ChatEngine({
    db,
    providerConfig: () => config,
    locks: navigator.locks,
  });
  return { engine, sessionId: session.id };
}

/** A real PNG, drawn and encoded by the browser. */
async function drawnPng(): Promise<Blob> {
  const canvas = new OffscreenCanvas(64, 48);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  ctx.fillStyle = '#1d6fa3';
  ctx.fillRect(0, 0, 64, 48);
  ctx.fillStyle = '#f2c14e';
  ctx.fillRect(8, 8, 20, 30);
  return canvas.convertToBlob({ type: 'image/png' });
}

describe('images in Chromium', () => {
  for (const kind of ['openai-compatible', 'anthropic', 'gemini'] as const) {
    it(`sends a Blob stored in IndexedDB to ${kind}, byte for byte`, async () => {
      const { engine, sessionId } = await start(kind);
      const blob = await drawnPng();
      const image = await addImage(db, { sessionId, blob });
      const gone = await addImage(db, { sessionId, blob: await drawnPng() });
      await removeImage(db, gone.id);
      // Stored as a Blob, not through the ArrayBuffer fallback.
      expect((await getImage(db, image.id))?.blob).toBeInstanceOf(Blob);

      await engine.send(sessionId, 'What colour is the box?', [
        { type: 'text', text: 'What colour is the box?' },
        { type: 'image', imageId: gone.id },
        { type: 'image', imageId: image.id },
      ]);
      await engine.idle();

      const posts = (await server.requests()).filter((r) => r.method === 'POST');
      expect(posts).toHaveLength(1);
      const [turn] = userTurns(kind, posts[0]?.body);
      expect(turn?.texts).toEqual(['What colour is the box?']);
      expect(turn?.images).toEqual([
        { mimeType: 'image/png', bytes: [...new Uint8Array(await blob.arrayBuffer())] },
      ]);
      const rows = await allMessages(db, sessionId);
      expect(rows.map((r) => [r.role, r.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'complete'],
      ]);
    });
  }
});
