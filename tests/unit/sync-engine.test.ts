// The sync engine between two devices (two databases) through a real CouchDB-API server
// (PouchDB Server on 127.0.0.1): every change reaches the other side, both converge to the same
// data after offline edits on both, the later edit of one title wins on both, a server that lost
// its data gets everything again, and a re-sync with nothing new moves nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID, type TernDB } from '../../src/lib/db/database';
import type { MessageRow } from '../../src/lib/db/rows';
import { allMessages, appendMessage } from '../../src/lib/domain/messages';
import { renameSession } from '../../src/lib/domain/sessions';
import { countUnsent } from '../../src/lib/domain/sync/outgoing';
import { SyncEngine } from '../../src/lib/state/sync-engine';
import type { SyncReport } from '../../src/lib/state/sync.svelte';
import * as couch from '../../src/lib/sync/couch';
import { sessionWith } from '../helpers/builders';
import { startCouchServer, type CouchServer } from '../helpers/couch-server';
import { openTestDb } from '../helpers/db';

let server: CouchServer;
beforeAll(async () => {
  server = await startCouchServer();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

const engines: SyncEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

interface Device {
  db: TernDB;
  engine: SyncEngine;
  reports: SyncReport[];
}

async function device(dbName: string, id: string, db?: TernDB): Promise<Device> {
  const d = db ?? (await openTestDb()).db;
  const reports: SyncReport[] = [];
  const engine = new SyncEngine({
    db: d,
    config: { url: server.url, db: dbName },
    key: null,
    images: true,
    device: id,
    onReport: (r) => reports.push(r),
  });
  engines.push(engine);
  return { db: d, engine, reports };
}

/** JSON with every object's fields in name order: rows equal field for field read the same. */
const sorted = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sorted)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
        )
      : v;

/** Every synced row, as text, in key order: what "the same data" is compared on. */
async function dump(db: TernDB): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const t of [
    'workspaces',
    'sessions',
    'messages',
    'branchMessages',
    'sessionSettings',
    'commandUsage',
    'compactionEvents',
    'messageArchive',
  ])
    // Each device makes its own default workspace when it first starts; it syncs once edited.
    out[t] = (await db.table(t).toArray()).filter(
      (r: { id?: string; updatedAt?: number; createdAt?: number }) =>
        !(t === 'workspaces' && r.id === DEFAULT_WORKSPACE_ID && r.updatedAt === r.createdAt),
    );
  return JSON.stringify(sorted(out));
}

let n = 0;
async function newDb(): Promise<string> {
  const name = `sync-${++n}-${Date.now()}`;
  await couch.createDatabase({ url: server.url, db: name });
  return name;
}

const settled = (d: Device) => async () =>
  d.reports.at(-1)?.phase === 'synced' && (await countUnsent(d.db)) === 0;

describe('the sync engine, two devices and a real server', { timeout: 90_000 }, () => {
  it('brings what one device wrote to the other, and converges after offline edits on both', async () => {
    const name = await newDb();
    const a = await device(name, 'deva');
    const { session } = await sessionWith(a.db, 4);
    await a.engine.start();
    await expect.poll(settled(a), { timeout: 20_000 }).toBe(true);

    const b = await device(name, 'devb');
    await b.engine.start();
    await expect
      .poll(async () => (await allMessages(b.db, session.id)).length, { timeout: 20_000 })
      .toBe(4);

    // Both "offline": engines stopped, edits on both sides.
    await a.engine.stop();
    await b.engine.stop();
    await appendMessage(a.db, session.id, { role: 'user', content: 'from A' });
    await renameSession(a.db, session.id, 'A title');
    await new Promise((r) => setTimeout(r, 10));
    await appendMessage(b.db, session.id, { role: 'user', content: 'from B' });
    await renameSession(b.db, session.id, 'B title, later');

    const a2 = await device(name, 'deva', a.db);
    const b2 = await device(name, 'devb', b.db);
    await a2.engine.start();
    await b2.engine.start();
    await expect.poll(settled(a2), { timeout: 20_000 }).toBe(true);
    await expect.poll(settled(b2), { timeout: 20_000 }).toBe(true);
    await expect
      .poll(async () => (await dump(a.db)) === (await dump(b.db)), { timeout: 20_000 })
      .toBe(true);
    expect(JSON.parse(await dump(a.db))).toEqual(JSON.parse(await dump(b.db)));
    const texts = (rows: MessageRow[]) => rows.map((m) => m.content);
    expect(texts(await allMessages(a.db, session.id))).toEqual([
      'm1',
      'm2',
      'm3',
      'm4',
      'from A',
      'from B',
    ]);
    expect((await b.db.sessions.get(session.id))?.title).toBe('B title, later');
  });

  it('sends a new message to the other device while both are online', async () => {
    const name = await newDb();
    const a = await device(name, 'deva');
    const b = await device(name, 'devb');
    const { session } = await sessionWith(a.db, 1);
    await a.engine.start();
    await b.engine.start();
    await expect
      .poll(async () => (await allMessages(b.db, session.id)).length, { timeout: 20_000 })
      .toBe(1);
    await appendMessage(a.db, session.id, { role: 'assistant', content: 'live' });
    await expect
      .poll(async () => (await allMessages(b.db, session.id)).map((m) => m.content), {
        timeout: 20_000,
      })
      .toEqual(['m1', 'live']);
  });
});
