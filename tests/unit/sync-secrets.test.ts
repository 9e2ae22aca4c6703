// The provider list (with its API keys) and the MCP servers (with their tokens) synced between two
// devices, each with its own database and preferences, through a real CouchDB-API server (PouchDB
// Server on 127.0.0.1): a provider added on one arrives on the other, and the later edit comes
// back; the server's documents hold ciphertext only; a device that did not ask for them takes
// nothing and sends nothing; a hostile list is set aside with a reason and nothing of it applied;
// without encryption nothing goes at all; a key lock travels with its sealed keys.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { createStore } from 'idb-keyval';
import type { TernDB } from '../../src/lib/db/database';
import { formatClock } from '../../src/lib/db/hlc';
import { createPrefs, type Prefs } from '../../src/lib/db/prefs';
import { KeyVault } from '../../src/lib/domain/key-lock';
import { loadMcpServers, saveMcpServers } from '../../src/lib/domain/mcp-store';
import {
  readStoredProviders,
  writeStoredProviders,
  type StoredProvider,
} from '../../src/lib/domain/provider-store';
import { countUnsent } from '../../src/lib/domain/sync/outgoing';
import { stampChangedLists } from '../../src/lib/domain/sync/prefs-records';
import { SyncEngine } from '../../src/lib/state/sync-engine';
import { syncsSecrets, type SyncReport } from '../../src/lib/state/sync.svelte';
import * as couch from '../../src/lib/sync/couch';
import { deriveKey, encryptJson, newSalt } from '../../src/lib/sync/crypto';
import { startCouchServer, type CouchServer } from '../helpers/couch-server';
import { openTestDb } from '../helpers/db';

// idb-keyval opens its stores on the global indexedDB: each device has a store of its own there.
globalThis.indexedDB = new IDBFactory();

let server: CouchServer;
let key: CryptoKey;
beforeAll(async () => {
  [server, key] = await Promise.all([
    startCouchServer(),
    deriveKey('correct horse battery', newSalt()),
  ]);
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
  prefs: Prefs;
  engine: SyncEngine;
  reports: SyncReport[];
}

async function device(
  dbName: string,
  id: string,
  opts: { lists: boolean; encrypted?: boolean; same?: Device },
): Promise<Device> {
  const db = opts.same?.db ?? (await openTestDb()).db;
  const prefs =
    opts.same?.prefs ?? createPrefs(createStore(`prefs-${id}-${crypto.randomUUID()}`, 'prefs'));
  const reports: SyncReport[] = [];
  const engine = new SyncEngine({
    db,
    config: { url: server.url, db: dbName },
    key: opts.encrypted === false ? null : key,
    images: true,
    ...(opts.lists ? { lists: prefs } : {}),
    device: id,
    onReport: (r) => reports.push(r),
  });
  engines.push(engine);
  return { db, prefs, engine, reports };
}

let n = 0;
async function newDb(): Promise<string> {
  const name = `secrets-${++n}-${Date.now()}`;
  await couch.createDatabase({ url: server.url, db: name });
  return name;
}

const settled = (d: Device) => async () =>
  d.reports.at(-1)?.phase === 'synced' && (await countUnsent(d.db)) === 0;

/** Every document on the server, as the server holds it. */
async function serverText(dbName: string): Promise<string> {
  const res = await fetch(`${server.url}/${dbName}/_all_docs?include_docs=true`);
  return res.text();
}

async function serverDoc(dbName: string, id: string): Promise<couch.CouchDoc | undefined> {
  const [doc] = await couch.getDocs({ url: server.url, db: dbName }, [id]);
  return doc;
}

const provider = (id: string, apiKey: string): StoredProvider => ({
  id,
  kind: 'openai-compatible',
  label: `Provider ${id}`,
  baseUrl: 'https://api.example.com/v1',
  apiKey,
  models: ['model-1'],
});

const mcpServer = (id: string, token: string) => ({
  id,
  name: `Server ${id}`,
  url: 'https://mcp.example.com/mcp',
  headerName: 'Authorization',
  headerValue: `Bearer ${token}`,
});

async function providerKeys(prefs: Prefs): Promise<Record<string, string>> {
  const { list } = await readStoredProviders(prefs);
  return Object.fromEntries(list.map((c) => [c.id, c.apiKey]));
}

describe('syncing the provider and MCP server lists', { timeout: 90_000 }, () => {
  it('brings a provider with its key to the other device, and the later edit back; the server sees ciphertext only', async () => {
    const name = await newDb();
    const a = await device(name, 'deva', { lists: true });
    await writeStoredProviders(a.prefs, {
      list: [provider('p1', 'sk-live-A-0123456789')],
      defaultId: 'p1',
    });
    await saveMcpServers(a.prefs, [mcpServer('m1', 'tok-A-abcdef')]);
    await a.engine.start();
    await expect.poll(settled(a), { timeout: 20_000 }).toBe(true);

    // B had a provider of its own: joining later, it takes the synced list in its place.
    const b = await device(name, 'devb', { lists: true });
    await writeStoredProviders(b.prefs, { list: [provider('own', 'sk-own-B')], defaultId: 'own' });
    await b.engine.start();
    await expect.poll(settled(b), { timeout: 20_000 }).toBe(true);
    await expect
      .poll(() => providerKeys(b.prefs), { timeout: 20_000 })
      .toEqual({ p1: 'sk-live-A-0123456789' });
    expect(await loadMcpServers(b.prefs)).toEqual([mcpServer('m1', 'tok-A-abcdef')]);
    expect((await readStoredProviders(b.prefs)).defaultId).toBe('p1');
    expect(b.reports.at(-1)?.listsApplied).toBe(2);

    // The later edit, on B, wins on A too.
    await writeStoredProviders(b.prefs, {
      list: [provider('p1', 'sk-live-A-0123456789'), provider('p2', 'sk-live-B-9876543210')],
      defaultId: 'p2',
    });
    await stampChangedLists(b.db, b.prefs);
    await expect
      .poll(() => providerKeys(a.prefs), { timeout: 20_000 })
      .toEqual({ p1: 'sk-live-A-0123456789', p2: 'sk-live-B-9876543210' });
    expect((await readStoredProviders(a.prefs)).defaultId).toBe('p2');

    // Nothing of the lists is readable on the server: their documents are ciphertext.
    await expect.poll(settled(b), { timeout: 20_000 }).toBe(true);
    const text = await serverText(name);
    for (const secret of ['sk-live-A', 'sk-live-B', 'sk-own-B', 'tok-A', 'api.example.com'])
      expect(text).not.toContain(secret);
    for (const id of ['prefs|providers', 'prefs|mcpServers']) {
      const doc = await serverDoc(name, id);
      expect(Object.keys(doc ?? {}).sort()).toEqual(['_id', '_rev', 'x']);
    }
    // Both settle with nothing set aside, and a round with nothing new sends nothing.
    expect(a.reports.at(-1)?.setAside).toEqual([]);
    expect(await stampChangedLists(a.db, a.prefs)).toBe(0);
    expect(await stampChangedLists(b.db, b.prefs)).toBe(0);
  });

  /** Device A, box ticked, with provider p1 (key sk-from-A), synced to the server. */
  async function firstDeviceWithKey(name: string) {
    const a = await device(name, 'deva', { lists: true });
    await writeStoredProviders(a.prefs, { list: [provider('p1', 'sk-from-A')], defaultId: 'p1' });
    await a.engine.start();
    await expect.poll(settled(a), { timeout: 20_000 }).toBe(true);
    return a;
  }

  it('takes nothing and sends nothing on a device without the box ticked', async () => {
    const name = await newDb();
    const a = await firstDeviceWithKey(name);

    const b = await device(name, 'devb', { lists: false });
    await writeStoredProviders(b.prefs, { list: [provider('own', 'sk-own-B')], defaultId: 'own' });
    await saveMcpServers(b.prefs, [mcpServer('mb', 'tok-own-B')]);
    await b.engine.start();
    await expect.poll(settled(b), { timeout: 20_000 }).toBe(true);
    expect(await providerKeys(b.prefs)).toEqual({ own: 'sk-own-B' });
    expect(await loadMcpServers(b.prefs)).toEqual([mcpServer('mb', 'tok-own-B')]);
    expect(b.reports.at(-1)?.listsApplied).toBe(0);
    expect(b.reports.at(-1)?.setAside).toEqual([]);
    const text = await serverText(name);
    expect(text).not.toContain('sk-own-B');
    expect(await serverDoc(name, 'prefs|mcpServers')).toBeUndefined();
    expect(await providerKeys(a.prefs)).toEqual({ p1: 'sk-from-A' });
  });

  it('takes the lists the feed went past once the box is ticked, and stops sending once it is not', async () => {
    const name = await newDb();
    const a = await firstDeviceWithKey(name);

    const b = await device(name, 'devb', { lists: false });
    await b.engine.start();
    await expect.poll(settled(b), { timeout: 20_000 }).toBe(true);
    expect(await providerKeys(b.prefs)).toEqual({});
    await b.engine.stop();

    // Ticked: the list the change feed already went past is taken all the same.
    const ticked = await device(name, 'devb', { lists: true, same: b });
    await ticked.engine.start();
    await expect
      .poll(() => providerKeys(b.prefs), { timeout: 20_000 })
      .toEqual({ p1: 'sk-from-A' });
    await expect.poll(settled(ticked), { timeout: 20_000 }).toBe(true);
    await ticked.engine.stop();

    // Unticked: an edit here stays here; the server keeps what was sent before.
    const before = (await serverDoc(name, 'prefs|providers'))?._rev;
    const unticked = await device(name, 'devb', { lists: false, same: b });
    await writeStoredProviders(b.prefs, {
      list: [provider('p1', 'sk-from-A'), provider('p2', 'sk-only-B')],
      defaultId: 'p1',
    });
    await unticked.engine.start();
    await expect.poll(settled(unticked), { timeout: 20_000 }).toBe(true);
    expect((await serverDoc(name, 'prefs|providers'))?._rev).toBe(before);
    expect(await providerKeys(a.prefs)).toEqual({ p1: 'sk-from-A' });
  });

  it('sets a hostile or unreadable list aside with the reason, and keeps the lists here as they were', async () => {
    const name = await newDb();
    const config = { url: server.url, db: name };
    const clock = formatClock({ ms: Date.now(), count: 0, node: 'evil' });
    const body = (d: unknown) => ({ f: 1, k: 'prefs', c: clock, d });
    await couch.bulkDocs(config, [
      {
        _id: 'prefs|providers',
        // The second entry is no provider: the whole list is refused, not the first taken.
        x: await encryptJson(
          key,
          body({
            list: [provider('ok', 'sk-fine'), { id: 'bad', kind: 'nope', apiKey: 'sk-bad' }],
            defaultId: 'ok',
          }),
        ),
      },
      {
        _id: 'prefs|mcpServers',
        x: await encryptJson(
          key,
          body({ list: [{ ...mcpServer('m', 'tok'), url: 'javascript:alert(1)' }] }),
        ),
      },
    ]);
    const b = await device(name, 'devb', { lists: true });
    await writeStoredProviders(b.prefs, { list: [provider('own', 'sk-own-B')], defaultId: 'own' });
    await saveMcpServers(b.prefs, [mcpServer('mb', 'tok-own-B')]);
    await b.engine.start();
    await expect.poll(() => b.reports.at(-1)?.setAside.length ?? 0, { timeout: 20_000 }).toBe(2);
    const reasons = Object.fromEntries(
      (b.reports.at(-1)?.setAside ?? []).map((d) => [d.id, d.reason]),
    );
    expect(reasons['prefs|providers']).toBe(
      'The synced providers were not taken: entry 2 is not a provider.',
    );
    expect(reasons['prefs|mcpServers']).toBe(
      'The synced MCP servers were not taken: entry 1 has an address that is not http:// or https://.',
    );
    expect(await providerKeys(b.prefs)).toEqual({ own: 'sk-own-B' });
    expect(await loadMcpServers(b.prefs)).toEqual([mcpServer('mb', 'tok-own-B')]);
    expect(b.reports.at(-1)?.listsApplied).toBe(0);

    // A list in the clear (never written by Tern) is refused too: keys travel only encrypted.
    const plain = await newDb();
    await couch.bulkDocs({ url: server.url, db: plain }, [
      { _id: 'prefs|providers', ...body({ list: [provider('p', 'sk-plain')], defaultId: 'p' }) },
    ]);
    const c = await device(plain, 'devc', { lists: true });
    await c.engine.start();
    await expect
      .poll(() => c.reports.at(-1)?.setAside ?? [], { timeout: 20_000 })
      .toEqual([
        {
          id: 'prefs|providers',
          reason: 'It is not encrypted, and API keys and tokens travel only encrypted.',
        },
      ]);
    expect(await providerKeys(c.prefs)).toEqual({});
  });

  it('sends nothing of the lists without encryption', async () => {
    expect(syncsSecrets({ ...settings, encrypt: false, secrets: true })).toBe(false);
    expect(syncsSecrets({ ...settings, encrypt: true, secrets: true })).toBe(true);
    expect(syncsSecrets({ ...settings, encrypt: true })).toBe(false);

    const name = await newDb();
    // Asked for, but with no key: the engine never sends them.
    const a = await device(name, 'deva', { lists: true, encrypted: false });
    await writeStoredProviders(a.prefs, { list: [provider('p1', 'sk-clear')], defaultId: 'p1' });
    await saveMcpServers(a.prefs, [mcpServer('m1', 'tok-clear')]);
    await a.engine.start();
    await expect.poll(settled(a), { timeout: 20_000 }).toBe(true);
    expect(await serverDoc(name, 'prefs|providers')).toBeUndefined();
    expect(await serverDoc(name, 'prefs|mcpServers')).toBeUndefined();
    const text = await serverText(name);
    expect(text).not.toContain('sk-clear');
    expect(text).not.toContain('tok-clear');
  });

  it('carries keys locked with a passphrase as they are, with their lock', async () => {
    const name = await newDb();
    const a = await device(name, 'deva', { lists: true });
    const vault = await KeyVault.create('lock passphrase');
    await writeStoredProviders(a.prefs, {
      list: await vault.store([provider('p1', 'sk-locked-A')]),
      defaultId: 'p1',
      lock: vault.record,
    });
    await a.engine.start();
    await expect.poll(settled(a), { timeout: 20_000 }).toBe(true);

    const b = await device(name, 'devb', { lists: true });
    await b.engine.start();
    await expect
      .poll(async () => (await readStoredProviders(b.prefs)).lock, { timeout: 20_000 })
      .toEqual(vault.record);
    const stored = await readStoredProviders(b.prefs);
    expect(stored.list[0]?.apiKey).toBe('');
    // Opened on B with the lock's own passphrase.
    const there = new KeyVault(stored.lock ?? vault.record);
    await there.unlock('lock passphrase');
    expect((await there.open(stored.list))[0]?.apiKey).toBe('sk-locked-A');
    expect(await serverText(name)).not.toContain('sk-locked-A');
  });
});

const settings = {
  url: 'https://couch.example.com',
  db: 'tern',
  username: '',
  password: '',
  images: true,
  encrypt: true,
};
