// Sync in Chromium, what Node cannot show: the encryption key kept on the device between starts,
// images as attachments (real Blobs), one syncing tab through Web Locks with the others showing
// what it reports, and the server holding only ciphertext when encryption is on. Against PouchDB
// Servers started through the control server (tests/helpers/couch-setup.ts).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { TernDB } from '../../../src/lib/db/database';
import { addImage } from '../../../src/lib/domain/images';
import { allMessages, appendMessage } from '../../../src/lib/domain/messages';
import { countUnsent } from '../../../src/lib/domain/sync/outgoing';
import { forgetKey, startSync } from '../../../src/lib/state/sync-runner';
import type { SyncReport, SyncRunner, SyncSettings } from '../../../src/lib/state/sync.svelte';
import * as couch from '../../../src/lib/sync/couch';
import { isSyncError } from '../../../src/lib/sync/errors';
import { sessionWith } from '../../helpers/builders';
import { startRemoteCouch, type RemoteCouchServer } from '../../helpers/couch-control';
import { openTestDb } from '../../helpers/db';

const servers: RemoteCouchServer[] = [];
const runners: SyncRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await forgetKey();
});
afterAll(() => Promise.all(servers.map((s) => s.stop())));

let n = 0;
async function settingsFor(extra: Partial<SyncSettings> = {}): Promise<SyncSettings> {
  const server = await startRemoteCouch();
  servers.push(server);
  const settings: SyncSettings = {
    url: server.url,
    db: `tern-${++n}`,
    username: '',
    password: '',
    images: true,
    encrypt: false,
    ...extra,
  };
  await couch.createDatabase({ url: settings.url, db: settings.db });
  return settings;
}

async function run(db: TernDB, settings: SyncSettings, passphrase?: string) {
  const reports: SyncReport[] = [];
  const runner = await startSync(db, settings, passphrase, (r) => reports.push(r));
  runners.push(runner);
  return { runner, reports, last: () => reports.at(-1) };
}

const pixel = () =>
  new Blob([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3, 250])], {
    type: 'image/png',
  });

describe('sync in the browser', { timeout: 90_000 }, () => {
  it('encrypts end to end: the server holds no plaintext, and a wrong passphrase moves nothing', async () => {
    const settings = await settingsFor({ encrypt: true });
    const { db: a } = await openTestDb();
    const { session } = await sessionWith(a, 2, {
      title: 'Secret plans',
      content: (i) => `very private text ${i}`,
    });
    const image = await addImage(a, { sessionId: session.id, blob: pixel() });
    const devA = await run(a, settings, 'correct horse');
    await expect.poll(() => countUnsent(a), { timeout: 30_000 }).toBe(0);

    const page = await couch.changes(
      { url: settings.url, db: settings.db },
      { since: '0', limit: 100, includeDocs: true, attachments: true },
    );
    const text = JSON.stringify(page.results.map((r) => r.doc));
    expect(page.results.length).toBeGreaterThan(4);
    // Record ids are all the server sees (a session's id among them), never what they hold.
    for (const secret of ['Secret plans', 'very private text', 'image/png', '"d"', '"sessionId"'])
      expect(text.includes(secret), secret).toBe(false);
    for (const r of page.results) {
      if (r.id === 'tern-encryption') continue;
      const { _id, _rev, x, _attachments, ...rest } = r.doc as couch.CouchDoc;
      expect([typeof _id, typeof _rev, typeof x]).toEqual(['string', 'string', 'string']);
      expect(rest).toEqual({});
      if (_attachments) expect(_attachments.bytes?.content_type).toBe('application/octet-stream');
    }
    await devA.runner.stop();
    await forgetKey();

    const { db: b } = await openTestDb();
    const refused = await run(b, settings, 'wrong horse').catch((e: unknown) => e);
    expect(isSyncError(refused, 'wrong-passphrase')).toBe(true);
    expect(await b.messages.count()).toBe(0);

    await run(b, settings, 'correct horse');
    await expect
      .poll(async () => (await allMessages(b, session.id)).map((m) => m.content), {
        timeout: 30_000,
      })
      .toEqual(['very private text 1', 'very private text 2']);
    const copy = await b.images.get(image.id);
    expect(copy?.blob).toBeInstanceOf(Blob);
    expect(new Uint8Array(await (copy?.blob as Blob).arrayBuffer())).toEqual(
      new Uint8Array(await pixel().arrayBuffer()),
    );
    expect((await b.sessions.get(session.id))?.title).toBe('Secret plans');
  });

  it('refuses an unencrypted start on an encrypted database, in words', async () => {
    const settings = await settingsFor({ encrypt: true });
    const { db: a } = await openTestDb();
    await run(a, settings, 'pass');
    const { db: b } = await openTestDb();
    const refused = await run(b, { ...settings, encrypt: false }).catch((e: unknown) => e);
    expect(isSyncError(refused, 'wrong-passphrase')).toBe(true);
    expect((refused as Error).message).toMatch(/encrypted/);
  });

  it('syncs from one tab at a time; another shows its report and takes over when it closes', async () => {
    const settings = await settingsFor();
    const { db } = await openTestDb();
    const { session } = await sessionWith(db, 1);
    const first = await run(db, settings);
    const second = await run(db, settings);
    await expect.poll(() => first.last()?.phase, { timeout: 30_000 }).toBe('synced');
    // The second tab runs no engine: it shows what the first reports.
    await expect.poll(() => second.last()?.phase, { timeout: 10_000 }).toBe('synced');
    await appendMessage(db, session.id, { role: 'user', content: 'once' });
    await expect.poll(() => countUnsent(db), { timeout: 20_000 }).toBe(0);
    const config = { url: settings.url, db: settings.db };
    const docs = await couch.getDocs(config, [
      `message|${(await allMessages(db, session.id))[1]?.id}`,
    ]);
    // Written once: its first revision.
    expect(docs[0]?._rev).toMatch(/^1-/);

    await first.runner.stop();
    await appendMessage(db, session.id, { role: 'user', content: 'after the first tab closed' });
    await expect.poll(() => countUnsent(db), { timeout: 20_000 }).toBe(0);
    const ids = (await allMessages(db, session.id)).map((m) => `message|${m.id}`);
    expect((await couch.getDocs(config, ids)).length).toBe(3);
  });
});
