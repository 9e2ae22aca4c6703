// Sync benchmarks, run in real Chromium by bench/sync.mjs against a PouchDB Server on 127.0.0.1:
// a history pushed from one device, pulled whole by a new one (time, and the longest gap between
// animation frames while it runs), a re-sync with nothing new, and how long one new message takes
// to reach the other device while both are online. The engine is the app's (SyncEngine), each
// device its own database in this page.
import { createDatabase, type TernDB } from '../src/lib/db/database';
import { appendMessage } from '../src/lib/domain/messages';
import { countUnsent } from '../src/lib/domain/sync/outgoing';
import { SyncEngine } from '../src/lib/state/sync-engine';
import type { SyncReport } from '../src/lib/state/sync.svelte';
import * as couch from '../src/lib/sync/couch';
import { messageRow, rng, sessionRow, stats, text } from './page-rows';

const T0 = 1_700_000_000_000;

function engine(db: TernDB, config: couch.CouchConfig, device: string) {
  let last: SyncReport | null = null;
  const e = new SyncEngine({
    db,
    config,
    key: null,
    images: true,
    device,
    onReport: (r) => (last = r),
  });
  return { e, last: () => last };
}

const until = async (f: () => boolean | Promise<boolean>, step = 5) => {
  while (!(await f())) await new Promise((r) => setTimeout(r, step));
};

/** Longest gap between animation frames from now until `stop()`. */
function frameGaps() {
  let longest = 0;
  let prev = performance.now();
  let on = true;
  const tick = (t: number) => {
    longest = Math.max(longest, t - prev);
    prev = t;
    if (on) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return () => {
    on = false;
    return longest;
  };
}

async function fresh(name: string): Promise<TernDB> {
  await new Promise<void>((r) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = () => r();
  });
  const db = createDatabase({ name });
  await db.open();
  return db;
}

/** Device A writes `sessions` × 20 messages and pushes them; returns the push time. */
async function pushHistory(url: string, dbName: string, sessions: number) {
  const config = { url, db: dbName };
  await couch.createDatabase(config);
  const a = await fresh('tern-a');
  const rand = rng(4);
  for (let b = 0; b < sessions; b += 100) {
    const ss = Array.from({ length: Math.min(100, sessions - b) }, (_, i) =>
      sessionRow(`s${b + i}`, T0 + b + i, 20),
    );
    const rows = ss.flatMap((s) =>
      Array.from({ length: 20 }, (_, j) => messageRow(s.id, j + 1, T0 + j, text(rand))),
    );
    await a.transaction('rw', a.sessions, a.messages, async () => {
      await a.sessions.bulkAdd(ss);
      await a.messages.bulkAdd(rows);
    });
  }
  const { e } = engine(a, config, 'a');
  const t = performance.now();
  await e.start();
  await until(async () => (await countUnsent(a)) === 0, 50);
  const pushMs = performance.now() - t;
  await e.stop();
  a.close();
  return { pushMs, messages: sessions * 20 };
}

/** A new device pulls everything: time to synced, longest frame gap, then a re-sync's writes. */
async function pullToNewDevice(url: string, dbName: string) {
  const config = { url, db: dbName };
  const b = await fresh('tern-b');
  const { e, last } = engine(b, config, 'b');
  const gaps = frameGaps();
  const t = performance.now();
  await e.start();
  await until(() => last()?.phase === 'synced' && last()?.progress === null, 20);
  const pullMs = performance.now() - t;
  const longestGapMs = gaps();
  const messages = await b.messages.count();
  const before = (await couch.changes(config, { since: 'now', limit: 1, includeDocs: true }))
    .lastSeq;
  await e.syncNow();
  const after = (await couch.changes(config, { since: 'now', limit: 1, includeDocs: true }))
    .lastSeq;
  const unsent = await countUnsent(b);
  await e.stop();
  b.close();
  return { pullMs, longestGapMs, messages, resyncWrites: before === after ? 0 : 1, unsent };
}

/** Both devices online; `n` times a message appended on A, timed until it is in B's database. */
async function oneMessageLatency(url: string, n: number) {
  const config = { url, db: 'latency' };
  await couch.createDatabase(config);
  const a = await fresh('tern-la');
  const b = await fresh('tern-lb');
  await a.sessions.add(sessionRow('live', T0, 0));
  const ea = engine(a, config, 'la');
  const eb = engine(b, config, 'lb');
  await ea.e.start();
  await eb.e.start();
  await until(async () => (await b.sessions.get('live')) !== undefined, 20);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    await until(() => ea.last()?.phase === 'synced' && eb.last()?.phase === 'synced', 10);
    const t = performance.now();
    const m = await appendMessage(a, 'live', { role: 'user', content: `live ${i}` });
    await until(async () => (await b.messages.get(m.id)) !== undefined, 5);
    samples.push(performance.now() - t);
  }
  await ea.e.stop();
  await eb.e.stop();
  return stats(samples);
}

Object.assign(window, { bench: { pushHistory, pullToNewDevice, oneMessageLatency } });
document.title = 'ready';
