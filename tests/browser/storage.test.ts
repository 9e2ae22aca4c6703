// What fake-indexeddb cannot show, in real Chromium: Blobs stored and read back, a browser that
// refuses Blobs, a full disk (simulated at Dexie's DBCore level, in both shapes browsers use), and
// liveQuery seeing another connection's writes.
import { describe, expect, it } from 'vitest';
import Dexie, { liveQuery, type DBCore, type Middleware } from 'dexie';
import { createDatabase, type TernDB } from '../../src/lib/db/database';
import { appendMessage, allMessages } from '../../src/lib/domain/messages';
import { addImage, imageBlob } from '../../src/lib/domain/images';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { freshDeps } from '../helpers/db';
import { newSession } from '../helpers/builders';

function failing(
  table: string,
  makeError: () => Error,
  when: (values: unknown[]) => boolean = () => true,
): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: `fail-${table}`,
    create(down) {
      return {
        ...down,
        table(name) {
          const t = down.table(name);
          if (name !== table) return t;
          return {
            ...t,
            mutate: (req) => {
              const values = 'values' in req ? (req.values as unknown[]) : [];
              return when(values) ? Promise.reject(makeError()) : t.mutate(req);
            },
          };
        },
      };
    },
  };
}

async function open(middleware?: Middleware<DBCore>): Promise<TernDB> {
  const deps = await freshDeps();
  const db = createDatabase(deps);
  if (middleware) db.use(middleware);
  await db.open();
  return db;
}

function pngBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) % 256;
  bytes.set([137, 80, 78, 71, 13, 10, 26, 10]);
  return bytes;
}

describe('Blobs in Chromium', () => {
  it('round-trips an image Blob byte for byte, with its type', async () => {
    const db = await open();
    const s = await newSession(db);
    const bytes = pngBytes(300_000);
    const row = await addImage(db, {
      sessionId: s.id,
      blob: new Blob([bytes], { type: 'image/png' }),
    });
    db.close();
    await db.open();
    const back = await db.images.get(row.id);
    expect(back?.blob).toBeInstanceOf(Blob);
    expect(back?.data).toBeNull();
    const blob = imageBlob(back!);
    expect(blob.type).toBe('image/png');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
    db.close();
  });

  it('falls back to an ArrayBuffer where the browser refuses the Blob', async () => {
    const refuse = failing(
      'images',
      () => new DOMException('BlobURLs are not yet supported', 'DataCloneError'),
      (values) => values.some((v) => (v as { blob?: unknown }).blob instanceof Blob),
    );
    const db = await open(refuse);
    const s = await newSession(db);
    const bytes = pngBytes(5000);
    const row = await addImage(db, {
      sessionId: s.id,
      blob: new Blob([bytes], { type: 'image/png' }),
    });
    const back = await db.images.get(row.id);
    expect(back?.blob).toBeNull();
    expect(back?.data).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(await imageBlob(back!).arrayBuffer())).toEqual(bytes);
    expect(imageBlob(back!).type).toBe('image/png');
    expect((await db.sessions.get(s.id))?.imageCount).toBe(1);
    db.close();
  });
});

describe('a full disk', () => {
  const shapes: [string, () => Error][] = [
    [
      'QuotaExceededError',
      () => new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
    ],
    [
      'AbortError wrapping QuotaExceededError',
      () =>
        new Dexie.AbortError('Transaction aborted', new DOMException('full', 'QuotaExceededError')),
    ],
  ];
  for (const [label, makeError] of shapes) {
    it(`gives a typed error and leaves nothing half-written (${label})`, async () => {
      let full = false;
      const db = await open(failing('sessions', makeError, () => full));
      const s = await newSession(db);
      await appendMessage(db, s.id, { role: 'user', content: 'before', tokens: 1 });
      full = true;
      // appendMessage writes the message first, then the session's counters: the second write
      // fails, and the first must not survive it.
      const error = await appendMessage(db, s.id, {
        role: 'user',
        content: 'lost?',
        tokens: 5,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'quota-exceeded' });
      full = false;
      expect((await allMessages(db, s.id)).map((m) => m.content)).toEqual(['before']);
      expect((await db.sessions.get(s.id))?.messageCount).toBe(1);
      expect((await checkIntegrity(db)).issues).toEqual([]);
      db.close();
    });
  }
});

describe('liveQuery', () => {
  it('sees writes made through another connection (another tab)', async () => {
    const deps = await freshDeps();
    const a = createDatabase(deps);
    const b = createDatabase(deps);
    await a.open();
    await b.open();
    const s = await newSession(a);
    const seen: number[] = [];
    const sub = liveQuery(() =>
      a.messages
        .where('[sessionId+seq]')
        .between([s.id, Dexie.minKey], [s.id, Dexie.maxKey])
        .count(),
    ).subscribe((n) => seen.push(n));
    await expect.poll(() => seen.at(-1)).toBe(0);
    await appendMessage(b, s.id, { role: 'user', content: 'from the other tab' });
    await expect.poll(() => seen.at(-1)).toBe(1);
    sub.unsubscribe();
    a.close();
    b.close();
  });
});
