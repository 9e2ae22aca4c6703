// Sync's entry points, loaded only once sync is switched on (see sync.svelte.ts): trying settings,
// creating the database, and starting the engine in the one tab that holds the sync lock. The other
// tabs show what that tab reports, through a channel; if it closes, one of them takes the lock.
import type { TernDB } from '../db/database';
import { createPrefs } from '../db/prefs';
import { stampChangedLists } from '../domain/sync/prefs-records';
import * as couch from '../sync/couch';
import { deriveKey, makeKeyCheck, newSalt, verifyKeyCheck } from '../sync/crypto';
import { base64ToBytes, bytesToBase64 } from '../sync/base64';
import { SyncError } from '../sync/errors';
import { SyncEngine } from './sync-engine';
import {
  syncsSecrets,
  type SyncReport,
  type SyncRunner,
  type SyncSettings,
  type SyncTestResult,
} from './sync.svelte';

const KEY_PREF = 'sync:key';
const DEVICE_PREF = 'sync:device';
const LOCK = 'tern-sync';
const CHANNEL = 'tern-sync-report';
/** The document that lets a device tell a wrong passphrase before anything moves. */
const ENCRYPTION_DOC = 'tern-encryption';

// Settings saved before tokens have no `auth`: they sign in with the user name, as they did.
const configOf = (s: SyncSettings): couch.CouchConfig => ({
  url: s.url,
  db: s.db,
  ...(s.auth === 'token'
    ? { token: s.token ?? '' }
    : s.username
      ? { username: s.username, password: s.password }
      : {}),
});

export async function testSettings(settings: SyncSettings): Promise<SyncTestResult> {
  const r = await couch.testConnection(configOf(settings));
  if (r.ok) return { ok: true, server: r.server, docCount: r.docCount };
  return {
    ok: false,
    code: r.error.code,
    message: r.error.message,
    canCreate: r.error.canCreate === true,
  };
}

export async function createRemoteDatabase(settings: SyncSettings): Promise<void> {
  await couch.createDatabase(configOf(settings));
}

export async function forgetKey(): Promise<void> {
  const prefs = createPrefs();
  await prefs.set(KEY_PREF, undefined);
}

/** Stamps the provider and MCP server lists if they changed here (see prefs-records.ts). */
export async function stampLists(db: TernDB): Promise<void> {
  await stampChangedLists(db, createPrefs());
}

async function deviceId(): Promise<string> {
  const prefs = createPrefs();
  const saved = await prefs.get<string>(DEVICE_PREF);
  if (saved) return saved;
  const id = crypto.randomUUID().replace(/-/g, '').slice(0, 16);
  await prefs.set(DEVICE_PREF, id);
  return id;
}

/**
 * The key to encrypt with: derived from the passphrase typed now (checked against the server's
 * check document, or setting it up on a database that has none), else the one kept from before.
 */
async function encryptionKey(
  config: couch.CouchConfig,
  passphrase: string | undefined,
): Promise<CryptoKey> {
  const prefs = createPrefs();
  const [doc] = await couch.getDocs(config, [ENCRYPTION_DOC]);
  if (passphrase === undefined) {
    const kept = await prefs.get<CryptoKey>(KEY_PREF);
    if (kept) return kept;
    throw new SyncError('wrong-passphrase', 'Type the sync passphrase to go on syncing.');
  }
  let key: CryptoKey;
  if (doc && typeof doc.salt === 'string' && typeof doc.check === 'string') {
    key = await deriveKey(passphrase, base64ToBytes(doc.salt));
    if (!(await verifyKeyCheck(key, doc.check)))
      throw new SyncError(
        'wrong-passphrase',
        'This passphrase is not the one the other devices use. Nothing was synced.',
      );
  } else {
    const info = await couch.testConnection(config);
    if (info.ok && info.docCount > 0)
      throw new SyncError(
        'bad-response',
        'This database already holds data that is not encrypted. Choose a new, empty database for encrypted sync.',
      );
    const salt = newSalt();
    key = await deriveKey(passphrase, salt);
    const results = await couch.bulkDocs(config, [
      { _id: ENCRYPTION_DOC, salt: bytesToBase64(salt), check: await makeKeyCheck(key) },
    ]);
    if (!results[0]?.ok)
      throw new SyncError('conflict', 'Another device set up encryption meanwhile: try again.');
  }
  await prefs.set(KEY_PREF, key);
  return key;
}

export async function startSync(
  db: TernDB,
  settings: SyncSettings,
  passphrase: string | undefined,
  report: (r: SyncReport) => void,
): Promise<SyncRunner> {
  const config = configOf(settings);
  let key: CryptoKey | null = null;
  if (settings.encrypt) key = await encryptionKey(config, passphrase);
  else {
    const [doc] = await couch.getDocs(config, [ENCRYPTION_DOC]).catch(() => []);
    if (doc)
      throw new SyncError(
        'wrong-passphrase',
        'The data on this server is encrypted: tick "Encrypt end to end" and type the passphrase.',
      );
  }
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  const engine = new SyncEngine({
    db,
    config,
    key,
    images: settings.images,
    ...(syncsSecrets(settings) && key ? { lists: createPrefs() } : {}),
    device: await deviceId(),
    onReport: (r) => {
      report(r);
      channel?.postMessage(r);
    },
  });
  // Until this tab holds the lock, it shows what the tab that does reports.
  if (channel) channel.onmessage = (e: MessageEvent<SyncReport>) => report(e.data);
  const stopLock = new AbortController();
  let release: (() => void) | null = null;
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks) {
    void locks
      .request(LOCK, { signal: stopLock.signal }, async () => {
        if (channel) channel.onmessage = null;
        await engine.start();
        await new Promise<void>((resolve) => (release = resolve));
      })
      .catch(() => undefined);
  } else await engine.start();
  return {
    async stop() {
      stopLock.abort();
      await engine.stop();
      release?.();
      channel?.close();
    },
    pause: () => engine.pause(),
    resume: () => engine.resume(),
    syncNow: () => engine.syncNow(),
  };
}
