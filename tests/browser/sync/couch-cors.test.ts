// The CouchDB client in Chromium, against PouchDB Servers started through the control server
// (tests/helpers/couch-setup.ts): what only a browser shows. A server without CORS answers, but the
// page may not read it; the client must say so, with the settings to change, and not call the
// server unreachable. With CORS on, every call goes through the preflights its headers cause.
import { afterAll, describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../../src/lib/sync/base64';
import {
  bulkDocs,
  changes,
  createDatabase,
  getDocs,
  getLocal,
  putLocal,
  testConnection,
  type ConnectionReport,
} from '../../../src/lib/sync/couch';
import type { SyncError } from '../../../src/lib/sync/errors';
import { startRemoteCouch, type RemoteCouchServer } from '../../helpers/couch-control';

const started: RemoteCouchServer[] = [];
async function couch(opts: Parameters<typeof startRemoteCouch>[0] = {}) {
  const server = await startRemoteCouch(opts);
  started.push(server);
  return server;
}
afterAll(() => Promise.all(started.map((s) => s.stop())));

function failed(report: ConnectionReport): SyncError {
  if (report.ok) throw new Error(`expected a failure, got ${JSON.stringify(report)}`);
  return report.error;
}

describe('CouchDB from the page', () => {
  it('tells a server that refuses CORS from one that is down, with the settings to change', async () => {
    const server = await couch({ cors: false });
    const error = failed(await testConnection({ url: server.url, db: 'tern' }));
    expect(error.code).toBe('cors');
    expect(error.message).toContain(`The server at ${server.url} answered`);
    for (const line of [
      '[chttpd]\nenable_cors = true',
      `[cors]\norigins = ${location.origin}`,
      'credentials = true',
      'headers = accept, authorization, content-type, origin, referer',
    ])
      expect(error.message).toContain(line);

    await server.kill();
    const down = failed(await testConnection({ url: server.url, db: 'tern' }));
    expect(down.code).toBe('unreachable');
    expect(down.message).toContain(`Nothing answered at ${server.url}`);
  });

  it('connects when CORS allows this origin, creating the database', async () => {
    const server = await couch({ cors: true });
    const config = { url: server.url, db: 'tern' };
    expect(failed(await testConnection(config))).toMatchObject({
      code: 'db-missing',
      canCreate: true,
    });
    await createDatabase(config);
    expect(await testConnection(config)).toEqual({
      ok: true,
      server: 'PouchDB Server 4.2.0',
      docCount: 0,
    });
    // A restarted server has lost its data, the database with it.
    await server.restart();
    expect(failed(await testConnection(config)).code).toBe('db-missing');
  });

  it('signs every call with the password, through the preflights', async () => {
    const admin = { username: 'admin', password: 'pässwörd ✓' };
    const server = await couch({ admin });
    const wrong = failed(
      await testConnection({ url: server.url, db: 'tern', username: 'admin', password: 'x' }),
    );
    expect(wrong.code).toBe('unauthorized');

    const config = { url: server.url, db: 'tern', ...admin };
    await createDatabase(config);
    const bytes = new Uint8Array(5_000).map((_, i) => (i * 13) % 256);
    const [written] = await bulkDocs(config, [
      {
        _id: 'img',
        kind: 'image',
        _attachments: { bytes: { content_type: 'image/webp', data: bytesToBase64(bytes) } },
      },
    ]);
    expect(written).toMatchObject({ id: 'img', ok: true });
    const page = await changes(config, {
      since: '0',
      limit: 10,
      includeDocs: true,
      attachments: true,
    });
    expect(page.results.map((r) => r.id)).toEqual(['img']);
    const [doc] = await getDocs(config, ['img', 'missing'], { attachments: true });
    const data = doc?._attachments?.bytes?.data;
    expect(data && base64ToBytes(data)).toEqual(bytes);
    await putLocal(config, 'checkpoint', { seq: page.lastSeq });
    await putLocal(config, 'checkpoint', { seq: `${page.lastSeq}+` });
    expect(await getLocal(config, 'checkpoint')).toMatchObject({ seq: `${page.lastSeq}+` });
    expect(await testConnection(config)).toMatchObject({ ok: true, docCount: 1 });
  });
});
