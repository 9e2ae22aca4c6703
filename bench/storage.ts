// Storage benchmarks, run in real Chromium by bench/run.mjs. Each function measures one thing with
// the app's own code next to a baseline measured in the same run, and returns plain numbers.
import { createStore, set } from 'idb-keyval';
import { createDatabase } from '../src/lib/db/database';
import { openTern } from '../src/lib/db/lifecycle';
import { takeSnapshot } from '../src/lib/db/snapshots';
import { SCHEMA_HISTORY } from '../src/lib/db/schema';
import { appendMessage, latestMessages, messagesBefore } from '../src/lib/domain/messages';
import type { MessageRow, SessionRow } from '../src/lib/db/rows';
import { flushQueue } from '../src/lib/domain/search-index/writer';
import { branchBench } from './branches';
import { syncUpgradeBench } from './sync-upgrade';
import { messageRow, rawRewrite, rng, sessionRow, stats, text } from './page-rows';

/** Seeds `sessions` × `perSession` messages (plus one long session if asked) into `tern-bench`. */
async function seedHistory(sessions: number, perSession: number, longSession = 0) {
  const db = createDatabase({ name: 'tern-bench' });
  await db.open();
  const rand = rng(7);
  const all: SessionRow[] = [];
  const history: { session: SessionRow; messages: MessageRow[] }[] = [];
  const t0 = 1_700_000_000_000;
  let pending: { session: SessionRow; messages: MessageRow[] }[] = [];
  for (let i = 0; i < sessions; i++) {
    const s = sessionRow(`s${i}`, t0 + i, perSession);
    const msgs = Array.from({ length: perSession }, (_, j) =>
      messageRow(s.id, j + 1, t0 + j, text(rand)),
    );
    all.push(s);
    history.push({ session: s, messages: msgs });
    pending.push({ session: s, messages: msgs });
    if (pending.length === 500 || i === sessions - 1) {
      const batch = pending;
      pending = [];
      await db.transaction('rw', db.sessions, db.messages, async () => {
        await db.sessions.bulkAdd(batch.map((b) => b.session));
        await db.messages.bulkAdd(batch.flatMap((b) => b.messages));
      });
    }
  }
  if (longSession > 0) {
    const s = sessionRow('long', t0, longSession);
    await db.sessions.add(s);
    for (let start = 0; start < longSession; start += 5000) {
      const msgs = Array.from({ length: Math.min(5000, longSession - start) }, (_, j) =>
        messageRow('long', start + j + 1, t0 + start + j, text(rand)),
      );
      await db.messages.bulkAdd(msgs);
    }
  }
  return { db, history, sessionIds: all.map((s) => s.id) };
}

/** Appending one message: the repository at this history size, and the whole-history rewrite. */
async function appendBench(sessions: number, perSession: number, reps: number, blobReps: number) {
  const { db, history, sessionIds } = await seedHistory(
    sessions,
    perSession,
    sessions >= 1000 ? 10_000 : 0,
  );
  const rand = rng(99);
  const dexie: number[] = [];
  for (let i = 0; i < reps; i++) {
    const sid = sessionIds[Math.floor(rand() * sessionIds.length)] ?? 's0';
    const t = performance.now();
    await appendMessage(db, sid, { role: 'user', content: text(rand) });
    dexie.push(performance.now() - t);
  }
  // What zustand-persist apps do: the whole history, as JSON, into one idb-keyval key.
  const store = createStore('tern-bench-blob', 'kv');
  const state = { conversations: history.map((h) => ({ ...h.session, messages: h.messages })) };
  const blob: number[] = [];
  let bytes = 0;
  for (let i = 0; i < blobReps; i++) {
    const conv = state.conversations[Math.floor(rand() * state.conversations.length)];
    conv?.messages.push(messageRow(conv.id, conv.messages.length + 1, Date.now(), text(rand)));
    const t = performance.now();
    const json = JSON.stringify({ state, version: 0 });
    bytes = json.length;
    await set('chat-store', json, store);
    blob.push(performance.now() - t);
  }
  db.close();
  return {
    dexie: stats(dexie),
    blob: stats(blob),
    blobMB: bytes / 1e6,
    messages: sessions * perSession,
  };
}

/** The latest 50 of random sessions, and every older page of 50 of a 10,000-message session. */
async function pagingBench() {
  const db = createDatabase({ name: 'tern-bench' });
  await db.open();
  const ids = (await db.sessions.toCollection().primaryKeys()).filter((id) => id !== 'long');
  const rand = rng(5);
  for (let i = 0; i < 20; i++) await latestMessages(db, ids[i] ?? 's0', 50);
  const latest: number[] = [];
  for (let i = 0; i < 300; i++) {
    const sid = ids[Math.floor(rand() * ids.length)] ?? 's0';
    const t = performance.now();
    await latestMessages(db, sid, 50);
    latest.push(performance.now() - t);
  }
  const long: number[] = [];
  const older: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    let t = performance.now();
    let page = await latestMessages(db, 'long', 50);
    long.push(performance.now() - t);
    while (page.length > 0) {
      t = performance.now();
      page = await messagesBefore(db, 'long', page[0]?.seq ?? 0, 50);
      older.push(performance.now() - t);
    }
  }
  db.close();
  return { latest: stats(latest), longLatest: stats(long), older: stats(older) };
}

/** Writes a version-1 database with raw IndexedDB: `chats` chats spread over `workspaces`. */
async function seedV1(name: string, workspaces: number, chats: number): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name, 10);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('workspaces', { keyPath: 'id' });
      const c = req.result.createObjectStore('chats', { keyPath: 'id' });
      c.createIndex('workspaceId', 'workspaceId');
      c.createIndex('createdAt', 'createdAt');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(String(req.error)));
  });
  const rand = rng(3);
  const tx = db.transaction(['workspaces', 'chats'], 'readwrite');
  for (let w = 0; w < workspaces; w++)
    tx.objectStore('workspaces').put({ id: `w${w}`, name: `Workspace ${w}`, createdAt: w });
  const store = tx.objectStore('chats');
  for (let i = 0; i < chats; i++)
    store.put({
      id: crypto.randomUUID(),
      workspaceId: `w${i % workspaces}`,
      role: i % 2 ? 'assistant' : 'user',
      content: text(rand),
      createdAt: 1_600_000_000_000 + Math.floor(i / workspaces) * 1000,
    });
  await new Promise((r, j) => {
    tx.oncomplete = r;
    tx.onerror = () => j(new Error(String(tx.error)));
  });
  db.close();
}

async function upgradeSeed(): Promise<void> {
  await seedV1('tern', 100, 100_000);
}

/** The app's open of that database: snapshot, then the v1 → v2 upgrade, timed apart. */
async function upgradeRun() {
  let t = performance.now();
  const backup = await takeSnapshot({ reason: 'pre-upgrade', appVersion: 'bench' });
  const backupMs = performance.now() - t;
  t = performance.now();
  const db = createDatabase({ history: SCHEMA_HISTORY });
  await db.open();
  const upgradeMs = performance.now() - t;
  const messages = await db.messages.count();
  const sessions = await db.sessions.count();
  db.close();
  return { backupMs, upgradeMs, messages, sessions, backupRows: backup?.rowCount ?? 0 };
}

/** The floor: raw IndexedDB reading every v1 row and writing it back once, in one transaction. */
const rawPass = () => rawRewrite('chats');

/** Also for reference: the whole openTern path as a user gets it (snapshot included). */
async function openTernRun() {
  const t = performance.now();
  const result = await openTern({ appVersion: 'bench' });
  const ms = performance.now() - t;
  result.db.close();
  return { ms, kind: result.kind };
}

/**
 * Appending with the search index (the queue row written in the append's transaction) against the
 * same append on a database without it (declared up to version 2), alternating, over `sessions`
 * sessions of 20 messages; then the deferred cost of indexing one message (one flush).
 */
async function appendIndexBench(sessions: number, reps: number) {
  const rand = rng(5);
  const open = async (name: string, withIndex: boolean) => {
    const db = createDatabase({
      name,
      ...(withIndex ? {} : { history: SCHEMA_HISTORY.slice(0, 2) }),
    });
    await db.open();
    const t0 = 1_700_000_000_000;
    for (let b = 0; b < sessions; b += 500) {
      const ss = Array.from({ length: Math.min(500, sessions - b) }, (_, i) =>
        sessionRow(`s${b + i}`, t0 + b + i, 20),
      );
      await db.transaction('rw', db.sessions, db.messages, async () => {
        await db.sessions.bulkAdd(ss);
        await db.messages.bulkAdd(
          ss.flatMap((x) =>
            Array.from({ length: 20 }, (_, j) => messageRow(x.id, j + 1, t0 + j, text(rand))),
          ),
        );
      });
    }
    if (withIndex) while ((await flushQueue(db, 2000)) > 0);
    return db;
  };
  const withIdx = await open('tern-bench-index', true);
  const without = await open('tern-bench-noindex', false);
  const a: number[] = [];
  const b: number[] = [];
  const flush: number[] = [];
  for (let i = 0; i < reps; i++) {
    const sid = `s${Math.floor(rand() * sessions)}`;
    const content = text(rand);
    let t = performance.now();
    await appendMessage(without, sid, { role: 'user', content });
    b.push(performance.now() - t);
    t = performance.now();
    await appendMessage(withIdx, sid, { role: 'user', content });
    a.push(performance.now() - t);
    t = performance.now();
    await flushQueue(withIdx);
    flush.push(performance.now() - t);
  }
  withIdx.close();
  without.close();
  return { withIndex: stats(a), without: stats(b), flush: stats(flush), messages: sessions * 20 };
}

/** The v2 → v3 upgrade (the empty index stores) over a v2 database of `sessions` × 20 messages. */
async function upgradeV3Run(sessions: number) {
  const v2 = createDatabase({ name: 'tern', history: SCHEMA_HISTORY.slice(0, 2) });
  await v2.open();
  const rand = rng(3);
  const t0 = 1_700_000_000_000;
  for (let b = 0; b < sessions; b += 500) {
    const ss = Array.from({ length: Math.min(500, sessions - b) }, (_, i) =>
      sessionRow(`s${b + i}`, t0 + b + i, 20),
    );
    await v2.transaction('rw', v2.sessions, v2.messages, async () => {
      await v2.sessions.bulkAdd(ss);
      await v2.messages.bulkAdd(
        ss.flatMap((x) =>
          Array.from({ length: 20 }, (_, j) => messageRow(x.id, j + 1, t0 + j, text(rand))),
        ),
      );
    });
  }
  v2.close();
  const db = createDatabase({ history: SCHEMA_HISTORY });
  const t = performance.now();
  await db.open();
  const ms = performance.now() - t;
  db.close();
  return { ms, messages: sessions * 20 };
}

Object.assign(window, {
  bench: {
    appendBench,
    pagingBench,
    upgradeSeed,
    upgradeRun,
    rawPass,
    openTernRun,
    appendIndexBench,
    upgradeV3Run,
    ...branchBench,
    ...syncUpgradeBench,
  },
});
document.title = 'ready';
