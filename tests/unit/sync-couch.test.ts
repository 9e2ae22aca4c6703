// The CouchDB client against a real PouchDB Server in memory (tests/helpers/couch-server.ts), and
// against plain HTTP servers on 127.0.0.1 that answer the ways a wrong address can: HTML, 500,
// 403, broken JSON, or nothing at all.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../src/lib/sync/base64';
import {
  bulkDocs,
  changes,
  createDatabase,
  getDocs,
  getLocal,
  putLocal,
  testConnection,
  type ConnectionReport,
  type CouchConfig,
  type CouchDoc,
} from '../../src/lib/sync/couch';
import { isSyncError, type SyncError } from '../../src/lib/sync/errors';
import { freePort, startCouchServer, type CouchServer } from '../helpers/couch-server';
import { sleep } from '../helpers/sleep';

let couch: CouchServer;
let adminCouch: CouchServer;
const plain: Server[] = [];
const ADMIN = { username: 'admin', password: 'right horse battery' };
const page0 = { since: '0', limit: 10, includeDocs: true } as const;

beforeAll(async () => {
  [couch, adminCouch] = await Promise.all([startCouchServer(), startCouchServer({ admin: ADMIN })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([couch?.stop(), adminCouch?.stop()]);
  for (const s of plain) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** A plain HTTP server on 127.0.0.1 that answers every request with `handler`. */
async function plainServer(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  plain.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let dbs = 0;
/** A config for a fresh database on the open server, created. */
async function freshDb(): Promise<CouchConfig> {
  const config = { url: couch.url, db: `tern-${++dbs}` };
  await createDatabase(config);
  return config;
}

function failed(report: ConnectionReport): SyncError {
  if (report.ok) throw new Error(`expected a failure, got ${JSON.stringify(report)}`);
  return report.error;
}

async function thrown(p: Promise<unknown>): Promise<SyncError> {
  try {
    await p;
  } catch (e) {
    if (isSyncError(e)) return e;
    throw e;
  }
  throw new Error('expected a SyncError');
}

describe('testConnection', () => {
  it('names the server and counts the documents', async () => {
    const config = await freshDb();
    await bulkDocs(config, [{ _id: 'a' }, { _id: 'b' }]);
    expect(await testConnection(config)).toEqual({
      ok: true,
      server: 'PouchDB Server 4.2.0',
      docCount: 2,
    });
  });

  it('finds a missing database, which createDatabase then makes (twice is fine)', async () => {
    const config = { url: `${couch.url}/`, db: 'not-yet' };
    const error = failed(await testConnection(config));
    expect(error).toMatchObject({ code: 'db-missing', canCreate: true, status: 404 });
    expect(error.message).toContain('no database named “not-yet”');
    await createDatabase(config);
    await createDatabase(config);
    expect(await testConnection(config)).toMatchObject({ ok: true, docCount: 0 });
  });

  it('tells a wrong password, and takes the right one', async () => {
    const wrong = { url: adminCouch.url, db: 'private', username: 'admin', password: 'nope' };
    const error = failed(await testConnection(wrong));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe(
      `The server at ${adminCouch.url} did not accept the user name “admin” with that password. Check both and try again.`,
    );
    const right = { ...wrong, password: ADMIN.password };
    await createDatabase(right);
    expect(await testConnection(right)).toMatchObject({ ok: true });
  });

  it('takes credentials typed into the address out of it', async () => {
    const url = `http://admin:${encodeURIComponent(ADMIN.password)}@127.0.0.1:${adminCouch.port}`;
    await createDatabase({ url, db: 'from-url' });
    expect(await testConnection({ url, db: 'from-url' })).toMatchObject({ ok: true });
  });

  it('refuses what is not an http(s) address or a database name', async () => {
    for (const url of ['couch.example.org', 'ftp://127.0.0.1/', ''])
      expect(failed(await testConnection({ url, db: 'tern' })).code).toBe('bad-url');
    const error = failed(await testConnection({ url: couch.url, db: 'Tern Data' }));
    expect(error.code).toBe('bad-url');
    expect(error.message).toContain('lowercase letter');
  });

  it('says when nothing answers', async () => {
    const port = await freePort();
    const error = failed(await testConnection({ url: `http://127.0.0.1:${port}`, db: 'tern' }));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain(`Nothing answered at http://127.0.0.1:${port}`);
  });

  it('says when what answers is not CouchDB', async () => {
    const html = await plainServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><h1>Hello</h1>');
    });
    const json = await plainServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}');
    });
    for (const url of [html, json]) {
      const error = failed(await testConnection({ url, db: 'tern' }));
      expect(error.code).toBe('not-couch');
      expect(error.message).toContain('it is not CouchDB');
    }
  });

  it('tells a server error, a refusal and a server that never answers', async () => {
    const broken = await plainServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"unknown_error","reason":"function_clause"}');
    });
    const error = failed(await testConnection({ url: broken, db: 'tern' }));
    expect(error).toMatchObject({ code: 'server', status: 500 });
    expect(error.message).toContain('function_clause');

    const refusing = await plainServer((req, res) => {
      if (req.url === '/') res.writeHead(200).end('{"couchdb":"Welcome","version":"3.4.2"}');
      else res.writeHead(403).end('{"error":"forbidden","reason":"You are not allowed."}');
    });
    const forbidden = failed(await testConnection({ url: refusing, db: 'tern', username: 'bob' }));
    expect(forbidden.code).toBe('forbidden');
    expect(forbidden.message).toContain('The user “bob” may not read the database “tern”');

    const hanging = await plainServer(() => {});
    const started = Date.now();
    const timeout = failed(await testConnection({ url: hanging, db: 'tern' }, { timeoutMs: 300 }));
    expect(timeout.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('names CouchDB and its vendor', async () => {
    const cloudant = await plainServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        req.url === '/'
          ? '{"couchdb":"Welcome","version":"2.1.1","vendor":{"name":"IBM Cloudant"}}'
          : '{"db_name":"tern","doc_count":7}',
      );
    });
    expect(await testConnection({ url: cloudant, db: 'tern' })).toEqual({
      ok: true,
      server: 'CouchDB 2.1.1 (IBM Cloudant)',
      docCount: 7,
    });
  });

  it("reports a stop by the caller as aborted, and the caller's own deadline as timeout", async () => {
    const hanging = await plainServer(() => {});
    const controller = new AbortController();
    const pending = testConnection({ url: hanging, db: 'tern' }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(failed(await pending).code).toBe('aborted');
    const late = testConnection({ url: hanging, db: 'tern' }, AbortSignal.timeout(100));
    expect(failed(await late).code).toBe('timeout');
  });

  it('says when the connection breaks off in the middle of an answer', async () => {
    const breaking = await plainServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"couchdb":"Wel');
      setTimeout(() => res.destroy(), 50);
    });
    const error = failed(await testConnection({ url: breaking, db: 'tern' }));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('broke off');
  });
});

describe('documents', () => {
  it('writes documents, each failing by itself on a stale _rev', async () => {
    const config = await freshDb();
    const [first] = await bulkDocs(config, [{ _id: 'doc', v: 1 }]);
    if (!first?.ok) throw new Error('first write failed');
    const second = await bulkDocs(config, [
      { _id: 'doc', _rev: first.rev, v: 2 },
      { _id: 'other', v: 1 },
    ]);
    expect(second.map((r) => [r.id, r.ok])).toEqual([
      ['doc', true],
      ['other', true],
    ]);
    const stale = await bulkDocs(config, [
      { _id: 'doc', _rev: first.rev, v: 3 },
      { _id: 'new', v: 1 },
    ]);
    expect(stale[0]).toMatchObject({ id: 'doc', ok: false, error: 'conflict' });
    expect(stale[1]).toMatchObject({ id: 'new', ok: true });
    const [doc] = await getDocs(config, ['doc']);
    expect(doc).toMatchObject({ _id: 'doc', v: 2 });
  });

  it('reads documents by id, leaving out the missing and marking the deleted', async () => {
    const config = await freshDb();
    const written = await bulkDocs(config, [
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
      { _id: 'gone', n: 3 },
    ]);
    const gone = written[2];
    if (!gone?.ok) throw new Error('write failed');
    await bulkDocs(config, [{ _id: 'gone', _rev: gone.rev, _deleted: true }]);
    const docs = await getDocs(config, ['b', 'nope', 'a', 'gone']);
    expect(docs.map((d) => [d._id, d.n, d._deleted])).toEqual([
      ['b', 2, undefined],
      ['a', 1, undefined],
      ['gone', undefined, true],
    ]);
    expect(docs[2]?._rev).toMatch(/^2-/);
    expect(await getDocs(config, [])).toEqual([]);
  });

  it('keeps binary attachments byte for byte', async () => {
    const config = await freshDb();
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7919) % 256);
    await bulkDocs(config, [
      {
        _id: 'img',
        _attachments: {
          'image.png': { content_type: 'image/png', data: bytesToBase64(bytes) },
        },
      },
    ]);
    const [stub] = await getDocs(config, ['img']);
    expect(stub?._attachments?.['image.png']).toMatchObject({ stub: true, length: 70_000 });
    const [full] = await getDocs(config, ['img'], { attachments: true });
    const data = full?._attachments?.['image.png']?.data;
    expect(data && base64ToBytes(data)).toEqual(bytes);
    const page = await changes(config, {
      since: '0',
      limit: 10,
      includeDocs: true,
      attachments: true,
    });
    const inFeed = page.results[0]?.doc?._attachments?.['image.png']?.data;
    expect(inFeed && base64ToBytes(inFeed)).toEqual(bytes);
  });

  it('fails a write to a database that is not there with db-missing', async () => {
    const error = await thrown(bulkDocs({ url: couch.url, db: 'absent' }, [{ _id: 'x' }]));
    expect(error).toMatchObject({ code: 'db-missing', canCreate: true });
    expect((await thrown(changes({ url: couch.url, db: 'absent' }, page0))).code).toBe(
      'db-missing',
    );
  });

  it('calls an answer of the wrong shape bad-response', async () => {
    const odd = await plainServer((req, res) => {
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
      res.end(req.url?.includes('_changes') ? '{"results": "many"}' : '{"ok": tr');
    });
    const config = { url: odd, db: 'tern' };
    expect((await thrown(changes(config, page0))).code).toBe('bad-response');
    expect((await thrown(bulkDocs(config, [{ _id: 'x' }]))).code).toBe('bad-response');
    expect((await thrown(getDocs(config, ['x']))).code).toBe('bad-response');
  });
});

describe('changes', () => {
  it('pages through every document once, its seq moving on', async () => {
    const config = await freshDb();
    const docs: CouchDoc[] = Array.from({ length: 23 }, (_, i) => ({ _id: `m${i}`, i }));
    await bulkDocs(config, docs);
    const seen: string[] = [];
    const seqs: string[] = [];
    let since = '0';
    for (let pages = 0; pages < 10; pages++) {
      const page = await changes(config, { since, limit: 5, includeDocs: true });
      if (page.results.length === 0) break;
      expect(page.results.length).toBeLessThanOrEqual(5);
      for (const r of page.results) {
        seen.push(r.id);
        expect(r.doc?._id).toBe(r.id);
        expect(typeof r.seq).toBe('string');
      }
      expect(typeof page.lastSeq).toBe('string');
      expect(page.lastSeq).not.toBe(since);
      seqs.push(page.lastSeq);
      since = page.lastSeq;
    }
    expect(seen.sort()).toEqual(docs.map((d) => d._id).sort());
    expect(seqs).toHaveLength(5);
    const end = await changes(config, { since, limit: 5, includeDocs: true });
    expect(end).toMatchObject({ results: [], lastSeq: since });
  });

  it('reports a deletion as deleted', async () => {
    const config = await freshDb();
    const [w] = await bulkDocs(config, [{ _id: 'x' }]);
    if (!w?.ok) throw new Error('write failed');
    await bulkDocs(config, [{ _id: 'x', _rev: w.rev, _deleted: true }]);
    const page = await changes(config, page0);
    expect(page.results).toHaveLength(1);
    expect(page.results[0]).toMatchObject({ id: 'x', deleted: true, doc: { _deleted: true } });
  });

  it('waits in a longpoll until a document is written', async () => {
    const config = await freshDb();
    await bulkDocs(config, [{ _id: 'before' }]);
    const { lastSeq } = await changes(config, page0);
    const started = Date.now();
    const waiting = changes(config, {
      ...page0,
      since: lastSeq,
      feed: 'longpoll',
      timeoutMs: 20_000,
    });
    await sleep(500);
    await bulkDocs(config, [{ _id: 'during', v: 1 }]);
    const page = await waiting;
    expect(page.results.map((r) => r.id)).toEqual(['during']);
    expect(page.results[0]?.doc).toMatchObject({ _id: 'during', v: 1 });
    expect(page.lastSeq).not.toBe(lastSeq);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops a longpoll when the caller aborts it', async () => {
    const config = await freshDb();
    const controller = new AbortController();
    const waiting = changes(
      config,
      { ...page0, since: 'now', feed: 'longpoll' },
      controller.signal,
    );
    await sleep(300);
    controller.abort();
    expect((await thrown(waiting)).code).toBe('aborted');
  });

  it('ends a longpoll with nothing new as an empty page at the same seq', async () => {
    const config = await freshDb();
    await bulkDocs(config, [{ _id: 'only' }]);
    const { lastSeq } = await changes(config, page0);
    // PouchDB Server keeps a longpoll open past its timeout: the client's own deadline ends it.
    const page = await changes(
      config,
      { ...page0, since: lastSeq, feed: 'longpoll', timeoutMs: 300 },
      { timeoutMs: 1_500 },
    );
    expect(page).toEqual({ results: [], lastSeq });
  });
});

describe('_local documents', () => {
  it('reads nothing, then what was put, then the update, without the caller holding a _rev', async () => {
    const config = await freshDb();
    expect(await getLocal(config, 'checkpoint-device-1')).toBeNull();
    const rev1 = await putLocal(config, 'checkpoint-device-1', { seq: '12', at: 1 });
    expect(await getLocal(config, 'checkpoint-device-1')).toEqual({
      _id: '_local/checkpoint-device-1',
      _rev: rev1,
      seq: '12',
      at: 1,
    });
    const rev2 = await putLocal(config, 'checkpoint-device-1', { seq: '40', at: 2 });
    expect(rev2).not.toBe(rev1);
    expect(await getLocal(config, '_local/checkpoint-device-1')).toMatchObject({
      _rev: rev2,
      seq: '40',
      at: 2,
    });
    // A stale _rev in the body is replaced by the current one.
    await putLocal(config, 'checkpoint-device-1', { _rev: rev1, seq: '41' });
    expect(await getLocal(config, 'checkpoint-device-1')).toMatchObject({ seq: '41' });
    // _local documents never show in the feed.
    expect((await changes(config, page0)).results).toEqual([]);
  });

  it('tells a missing database from a missing checkpoint', async () => {
    const error = await thrown(getLocal({ url: couch.url, db: 'absent' }, 'cp'));
    expect(error.code).toBe('db-missing');
  });
});
