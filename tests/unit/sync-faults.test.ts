// The sync engine when things go wrong, against a real CouchDB-API server (PouchDB Server on
// 127.0.0.1): the line cut in the middle of a first pull (it resumes from its checkpoint and
// nothing is applied or stored twice), a server that lost its data, a wrong password, and
// documents that must not be applied (a newer format, a hostile shape, a clock far ahead): each
// is set aside and reported, and the data stays as it was.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TernDB } from '../../src/lib/db/database';
import { recordKey } from '../../src/lib/db/sync-kinds';
import { formatClock } from '../../src/lib/db/hlc';
import { addImage } from '../../src/lib/domain/images';
import { allMessages } from '../../src/lib/domain/messages';
import { countUnsent } from '../../src/lib/domain/sync/outgoing';
import { SyncEngine } from '../../src/lib/state/sync-engine';
import type { SyncReport } from '../../src/lib/state/sync.svelte';
import * as couch from '../../src/lib/sync/couch';
import { messageRow, sessionRow } from '../helpers/builders';
import { startCouchServer, type CouchServer } from '../helpers/couch-server';
import { startCutProxy, type CutProxy } from '../helpers/cut-proxy';
import { openTestDb } from '../helpers/db';

let server: CouchServer;
let guarded: CouchServer;
const ADMIN = { username: 'admin', password: 'right horse battery' };
beforeAll(async () => {
  [server, guarded] = await Promise.all([startCouchServer(), startCouchServer({ admin: ADMIN })]);
}, 60_000);
afterAll(async () => {
  await Promise.all([server?.stop(), guarded?.stop()]);
});

const engines: SyncEngine[] = [];
const proxies: CutProxy[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

function engineFor(db: TernDB, config: couch.CouchConfig, device: string) {
  const reports: SyncReport[] = [];
  const engine = new SyncEngine({
    db,
    config,
    key: null,
    images: true,
    device,
    onReport: (r) => reports.push(r),
  });
  engines.push(engine);
  return { engine, reports, last: () => reports.at(-1) };
}

let n = 0;
async function newDb(url = server.url, auth: Partial<couch.CouchConfig> = {}) {
  const config = { url, db: `faults-${++n}-${Date.now()}`, ...auth };
  await couch.createDatabase(config);
  return config;
}

/** A session of `count` messages written in one transaction (each stamped by the middleware). */
async function seeded(db: TernDB, id: string, count: number) {
  const rows = Array.from({ length: count }, (_, i) =>
    messageRow({ id: `${id}-${i + 1}`, sessionId: id, seq: i + 1, content: `${id} ${i + 1}` }),
  );
  await db.transaction('rw', db.sessions, db.messages, async () => {
    await db.sessions.add(sessionRow({ id, messageCount: count }));
    await db.messages.bulkAdd(rows);
  });
}

async function docCount(config: couch.CouchConfig): Promise<number> {
  const r = await couch.testConnection(config);
  if (!r.ok) throw r.error;
  return r.docCount;
}

describe('sync when things go wrong', { timeout: 120_000 }, () => {
  it('resumes a first pull cut midway from its checkpoint, applying and storing nothing twice', async () => {
    const config = await newDb();
    const { db: a } = await openTestDb();
    await seeded(a, 'big', 1000);
    const pushA = engineFor(a, config, 'deva');
    await pushA.engine.start();
    await expect.poll(() => countUnsent(a), { timeout: 60_000 }).toBe(0);
    const onServer = await docCount(config);
    expect(onServer).toBe(1001);

    const proxy = await startCutProxy(server.url);
    proxies.push(proxy);
    const { db: b } = await openTestDb();
    const pullB = engineFor(b, { ...config, url: proxy.url }, 'devb');
    await pullB.engine.start();
    await expect
      .poll(() => pullB.last()?.progress?.done ?? 0, { timeout: 60_000, interval: 5 })
      .toBeGreaterThan(0);
    proxy.cut();
    await expect.poll(() => pullB.last()?.phase, { timeout: 30_000 }).toMatch(/offline|error/);
    const partial = await b.messages.count();
    expect(partial).toBeLessThan(1000);
    proxy.mend();
    await pullB.engine.syncNow();
    await expect.poll(() => b.messages.count(), { timeout: 60_000 }).toBe(1000);
    await expect.poll(() => pullB.last()?.phase, { timeout: 30_000 }).toBe('synced');
    const texts = (await allMessages(b, 'big')).map((m) => m.content);
    expect(texts).toEqual(Array.from({ length: 1000 }, (_, i) => `big ${i + 1}`));
    expect(await countUnsent(b)).toBe(0);
    expect(await docCount(config)).toBe(onServer);
  });

  it('sends everything again to a server that lost its data', async () => {
    const lost = await startCouchServer();
    try {
      const config = await newDb(lost.url);
      const { db } = await openTestDb();
      await seeded(db, 's', 5);
      const { engine, last } = engineFor(db, config, 'deva');
      await engine.start();
      await expect.poll(() => countUnsent(db), { timeout: 20_000 }).toBe(0);
      await expect.poll(() => last()?.phase, { timeout: 20_000 }).toBe('synced');
      await lost.kill();
      await lost.restart();
      await engine.syncNow();
      await expect.poll(() => docCount(config).catch(() => -1), { timeout: 30_000 }).toBe(6);
    } finally {
      await lost.stop();
    }
  });

  it('says the password is wrong, and keeps every change waiting', async () => {
    const good = await newDb(guarded.url, ADMIN);
    const { db } = await openTestDb();
    await seeded(db, 's', 3);
    const { engine, last } = engineFor(
      db,
      { ...good, username: ADMIN.username, password: 'wrong' },
      'deva',
    );
    await engine.start();
    await expect.poll(() => last()?.phase, { timeout: 20_000 }).toBe('error');
    expect(last()?.error?.code).toBe('unauthorized');
    expect(last()?.error?.message).toMatch(/password/i);
    expect(await countUnsent(db)).toBe(4);
    expect(await db.messages.count()).toBe(3);
  });

  it('sets aside a newer format, a hostile row and a clock far ahead, and applies the rest', async () => {
    const config = await newDb();
    const now = Date.now();
    const clock = formatClock({ ms: now, count: 0, node: 'other' });
    const good = messageRow({ id: 'ok', sessionId: 's', seq: 1, content: 'fine' });
    await couch.bulkDocs(config, [
      { _id: recordKey('session', 's'), f: 1, k: 'session', c: clock, d: sessionRow({ id: 's' }) },
      { _id: recordKey('message', 'ok'), f: 1, k: 'message', c: clock, s: 'messages', d: good },
      {
        _id: recordKey('message', 'new'),
        f: 2,
        k: 'message',
        c: clock,
        s: 'messages',
        d: { ...good, id: 'new', seq: 2 },
      },
      {
        _id: recordKey('message', 'bad'),
        f: 1,
        k: 'message',
        c: clock,
        s: 'messages',
        d: { ...good, id: 'bad', seq: 3, role: '<img src=x onerror=alert(1)>' },
      },
      {
        _id: recordKey('message', 'ahead'),
        f: 1,
        k: 'message',
        c: formatClock({ ms: now + 7 * 86_400_000, count: 0, node: 'other' }),
        s: 'messages',
        d: { ...good, id: 'ahead', seq: 4 },
      },
      {
        _id: recordKey('message', 'liar'),
        f: 1,
        k: 'message',
        c: clock,
        s: 'messages',
        d: { ...good, id: 'ok', seq: 5, content: 'overwrites another record' },
      },
    ]);
    const { db } = await openTestDb();
    const { engine, last } = engineFor(db, config, 'devb');
    await engine.start();
    await expect.poll(() => last()?.phase, { timeout: 20_000 }).toBe('synced');
    expect((await db.messages.toArray()).map((m) => [m.id, m.content])).toEqual([['ok', 'fine']]);
    const aside = new Map(last()?.setAside.map((d) => [d.id, d.reason]));
    expect(aside.get('message|new')).toMatch(/newer version of Tern/);
    expect(aside.get('message|bad')).toMatch(/role/);
    expect(aside.get('message|ahead')).toMatch(/future/);
    expect(aside.get('message|liar')).toMatch(/another record/);
    // Kept on the server as they were: a newer Tern on another device still reads them.
    const [kept] = await couch.getDocs(config, ['message|new']);
    expect(kept?.f).toBe(2);
  });

  it('leaves images on the device when they are switched off, and still syncs the rest', async () => {
    const config = await newDb();
    const { db } = await openTestDb();
    await seeded(db, 's', 2);
    const image = await addImage(db, {
      sessionId: 's',
      blob: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }),
    });
    const reports: SyncReport[] = [];
    const engine = new SyncEngine({
      db,
      config,
      key: null,
      images: false,
      device: 'deva',
      onReport: (r) => reports.push(r),
    });
    engines.push(engine);
    await engine.start();
    await expect.poll(() => countUnsent(db), { timeout: 20_000 }).toBe(0);
    expect(await couch.getDocs(config, [recordKey('image', image.id)])).toEqual([]);
    expect(await couch.getDocs(config, [recordKey('message', 's-1')])).toHaveLength(1);
    expect(await db.images.get(image.id)).toBeDefined();
  });

  it('moves no document when there is nothing new', async () => {
    const config = await newDb();
    const { db } = await openTestDb();
    await seeded(db, 's', 10);
    const { engine, last } = engineFor(db, config, 'deva');
    await engine.start();
    await expect.poll(() => countUnsent(db), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => last()?.phase, { timeout: 20_000 }).toBe('synced');
    const before = await couch.changes(config, { since: '0', limit: 1000, includeDocs: true });
    await engine.syncNow();
    await engine.syncNow();
    const after = await couch.changes(config, { since: '0', limit: 1000, includeDocs: true });
    expect(after.lastSeq).toBe(before.lastSeq);
    expect(await countUnsent(db)).toBe(0);
  });
});
