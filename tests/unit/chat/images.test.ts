// The images a user attached, from the database to the model: loaded by the engine when it builds
// the request, encoded as base64, and received by the real wire-protocol server in each provider's
// format with the very bytes that were stored. What is missing is skipped, never fatal.
import { describe, expect, it, vi } from 'vitest';
import type { TernDB } from '../../../src/lib/db/database';
import type { MessagePart } from '../../../src/lib/db/rows';
import { addImage, getImage, imageBlob, removeImage } from '../../../src/lib/domain/images';
import {
  chunkedBase64,
  EncodedImageCache,
  encodedImages,
  toBase64,
} from '../../../src/lib/domain/chat/request-images';
import type { ProviderKind } from '../../../src/lib/providers/types';
import { textOnlyTurn, userTurns } from '../../helpers/wire-images';
import { setup } from './setup';
import { useProviderServer } from '../../helpers/use-provider-server';

const KINDS: ProviderKind[] = ['openai-compatible', 'anthropic', 'gemini'];

const server = await useProviderServer();

/** Bytes that look like nothing in particular, long enough to cross many base64 chunks. */
function noise(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function storeImage(
  db: TernDB,
  sessionId: string,
  bytes: Uint8Array<ArrayBuffer>,
  type: string,
) {
  const row = await addImage(db, { sessionId, blob: new Blob([bytes], { type }) });
  return row.id;
}

async function storedBytes(db: TernDB, id: string): Promise<number[]> {
  const row = await getImage(db, id);
  if (!row) throw new Error('image not stored');
  return [...new Uint8Array(await imageBlob(row).arrayBuffer())];
}

/** The parts the composer hands over (see state/send.ts). */
function parts(text: string, imageIds: string[]): MessagePart[] {
  return [
    ...(text ? [{ type: 'text' as const, text }] : []),
    ...imageIds.map((imageId) => ({ type: 'image' as const, imageId })),
  ];
}

function lastBody(): unknown {
  return server.requests[server.requests.length - 1]?.body;
}

describe.each(KINDS)('images to %s', (kind) => {
  it('sends an attached image in the provider’s format with the stored bytes', async () => {
    const { db, engine, session, messages } = await setup(server, { kind });
    const png = await storeImage(db, session.id, noise(100_003, 1), 'image/png');
    const jpeg = await storeImage(db, session.id, noise(4_000, 2), 'image/jpeg');
    await engine.send(session.id, 'What is in these?', parts('What is in these?', [png, jpeg]));
    await engine.idle();

    const [turn] = userTurns(kind, lastBody());
    expect(turn?.texts).toEqual(['What is in these?']);
    expect(turn?.images).toEqual([
      { mimeType: 'image/png', bytes: await storedBytes(db, png) },
      { mimeType: 'image/jpeg', bytes: await storedBytes(db, jpeg) },
    ]);
    expect((await messages()).map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
  });

  it('still sends the text of a message whose image was deleted', async () => {
    const { db, engine, session, messages } = await setup(server, { kind });
    const kept = await storeImage(db, session.id, noise(300, 3), 'image/webp');
    const gone = await storeImage(db, session.id, noise(300, 4), 'image/png');
    const alone = await storeImage(db, session.id, noise(300, 5), 'image/png');
    await removeImage(db, gone);
    await removeImage(db, alone);

    await engine.send(session.id, 'Two pictures', parts('Two pictures', [gone, kept]));
    await engine.idle();
    const [first] = userTurns(kind, lastBody());
    expect(first?.texts).toEqual(['Two pictures']);
    expect(first?.images).toEqual([{ mimeType: 'image/webp', bytes: await storedBytes(db, kept) }]);

    // Nothing left to show: the message goes exactly as a text-only one would.
    await engine.send(session.id, 'One picture', parts('One picture', [alone]));
    await engine.idle();
    expect(userTurns(kind, lastBody())[1]?.raw).toEqual(textOnlyTurn(kind, 'One picture'));
    expect((await messages()).filter((m) => m.role === 'assistant').map((m) => m.status)).toEqual([
      'complete',
      'complete',
    ]);
  });

  it('says an image was there when a message of only images has lost them all', async () => {
    const { db, engine, session } = await setup(server, { kind });
    const gone = await storeImage(db, session.id, noise(300, 7), 'image/png');
    await removeImage(db, gone);
    await engine.send(session.id, '', [{ type: 'image', imageId: gone, mimeType: 'image/png' }]);
    await engine.idle();
    expect(userTurns(kind, lastBody())[0]?.raw).toEqual(
      textOnlyTurn(kind, '(An image was attached here; it has since been deleted.)'),
    );
  });

  it('sends messages without images exactly as before', async () => {
    const { engine, session } = await setup(server, { kind });
    await engine.send(session.id, 'Hello there');
    await engine.idle();
    await engine.send(session.id, 'And again');
    await engine.idle();
    expect(userTurns(kind, lastBody()).map((t) => t.raw)).toEqual([
      textOnlyTurn(kind, 'Hello there'),
      textOnlyTurn(kind, 'And again'),
    ]);
  });
});

describe('which images go', () => {
  it('sends an image-only message, and its image again with every later request', async () => {
    const { db, engine, session } = await setup(server);
    const id = await storeImage(db, session.id, noise(2_000, 6), 'image/png');
    await engine.send(session.id, '', parts('', [id]));
    await engine.idle();
    await engine.send(session.id, 'And now?');
    await engine.idle();
    const [first, second] = userTurns('openai-compatible', lastBody());
    expect(first?.texts).toEqual([]);
    expect(first?.images).toEqual([{ mimeType: 'image/png', bytes: await storedBytes(db, id) }]);
    expect(second?.raw).toEqual(textOnlyTurn('openai-compatible', 'And now?'));
  });

  it('sends an image stored as an ArrayBuffer (where the browser refused Blobs) the same way', async () => {
    const { db, engine, session } = await setup(server, { kind: 'anthropic' });
    const bytes = noise(50_000, 7);
    const id = 'img-arraybuffer';
    await db.images.add({
      id,
      sessionId: session.id,
      messageId: null,
      blob: null,
      data: bytes.slice().buffer,
      mimeType: 'image/jpeg',
      bytes: bytes.length,
      width: null,
      height: null,
      isStyled: false,
      parentId: null,
      meta: {},
      createdAt: Date.now(),
    });
    await engine.send(session.id, 'Look', parts('Look', [id]));
    await engine.idle();
    const [turn] = userTurns('anthropic', lastBody());
    expect(turn?.images).toEqual([{ mimeType: 'image/jpeg', bytes: [...bytes] }]);
  });

  it('leaves out images of a type no provider takes, keeping the text', async () => {
    const { db, engine, session } = await setup(server);
    const svg = await storeImage(
      db,
      session.id,
      new TextEncoder().encode('<svg/>'),
      'image/svg+xml',
    );
    const bmp = await storeImage(db, session.id, noise(100, 8), 'image/bmp');
    await engine.send(session.id, 'Vector', parts('Vector', [svg, bmp]));
    await engine.idle();
    expect(userTurns('openai-compatible', lastBody())[0]?.raw).toEqual(
      textOnlyTurn('openai-compatible', 'Vector'),
    );
  });

  it('sends no image that the message does not point to, though the session has one', async () => {
    const { db, engine, session } = await setup(server);
    const id = await storeImage(db, session.id, noise(100, 9), 'image/png');
    await engine.send(session.id, 'Plain');
    await engine.idle();
    const body = JSON.stringify(lastBody());
    expect(body).not.toContain('image_url');
    expect(await getImage(db, id)).toBeDefined();
  });
});

describe('base64', () => {
  it.each([0, 1, 2, 3, 4, 12_287, 12_288, 12_289, 36_866, 1_000_001])(
    'encodes %i bytes as the standard alphabet does, across chunk boundaries',
    (length) => {
      const bytes = noise(length, length + 11);
      const expected = Buffer.from(bytes).toString('base64');
      expect(chunkedBase64(bytes)).toBe(expected);
      expect(toBase64(bytes)).toBe(expected);
    },
  );
});

describe('encoding images once', () => {
  it('reads and encodes an image for its first request only, and sends the same bytes every time', async () => {
    const { db, engine, session } = await setup(server);
    const id = await storeImage(db, session.id, noise(30_000, 9), 'image/jpeg');
    const reads = vi.spyOn(Blob.prototype, 'arrayBuffer');
    try {
      await engine.send(session.id, 'Look', parts('Look', [id]));
      await engine.idle();
      expect(reads).toHaveBeenCalledTimes(1);
      for (const text of ['Again', 'And again']) {
        await engine.send(session.id, text);
        await engine.idle();
      }
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
    const [first] = userTurns('openai-compatible', lastBody());
    expect(first?.images).toEqual([{ mimeType: 'image/jpeg', bytes: await storedBytes(db, id) }]);
    // A deleted image leaves the cache with the next request that finds it gone.
    expect(encodedImages.get(id)).toBeDefined();
    await removeImage(db, id);
    await engine.send(session.id, 'Without it');
    await engine.idle();
    expect(encodedImages.get(id)).toBeUndefined();
  });

  it('holds a bounded amount, letting the least recently used go first', () => {
    const cache = new EncodedImageCache(10);
    cache.set('a', 'aaaa');
    cache.set('b', 'bbbb');
    expect(cache.get('a')).toBe('aaaa'); // now the most recent
    cache.set('c', 'cccc');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['aaaa', undefined, 'cccc']);
    cache.set('huge', 'x'.repeat(11));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.set('a', 'aaaaaaaaaa');
    expect([cache.get('a'), cache.get('c')]).toEqual(['aaaaaaaaaa', undefined]);
  });
});
