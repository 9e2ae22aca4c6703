// Import and export benchmarks, run in real Chromium by bench/io.mjs: Tern's own format out and
// back in (through the import worker, as the panel does it), a raw IndexedDB bulk write of the
// same rows as the baseline, and a big ChatGPT export chosen through a file input.
import { createDatabase, DEFAULT_WORKSPACE_ID, type TernDB } from '../src/lib/db/database';
import type { MessageRow, SessionRow } from '../src/lib/db/rows';
import { exportPieces } from '../src/lib/state/io-service';
import { importInWorker } from '../src/lib/state/import-runner';
import { latestMessages } from '../src/lib/domain/messages';
import { restoreDatabase } from '../src/lib/domain/full-backup';

const WORDS =
  'the a to of and in that is for it you with on as this be are can have not your more'.split(' ');

function rows(sessions: number, perSession: number) {
  let seed = 7;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const text = () =>
    Array.from({ length: 40 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  const t0 = 1_700_000_000_000;
  const out: { session: SessionRow; messages: MessageRow[] }[] = [];
  for (let i = 0; i < sessions; i++) {
    const id = `s${i}`;
    const messages: MessageRow[] = Array.from({ length: perSession }, (_, j) => {
      const content = text();
      return {
        id: `${id}-m${j}`,
        sessionId: id,
        seq: j + 1,
        role: j % 2 ? 'assistant' : 'user',
        content,
        parts: [{ type: 'text', text: content }],
        name: null,
        toolCallId: null,
        tokens: null,
        status: 'complete',
        preserved: false,
        metadata: {},
        createdAt: t0 + j,
        updatedAt: t0 + j,
      };
    });
    const session: SessionRow = {
      id,
      workspaceId: DEFAULT_WORKSPACE_ID,
      title: `Session ${i}`,
      model: null,
      createdAt: t0 + i,
      updatedAt: t0 + i,
      lastActivityAt: t0 + i,
      deletedAt: null,
      messageCount: perSession,
      imageCount: 0,
      totalTokens: 0,
      compactionCount: 0,
      metadata: {},
    };
    out.push({ session, messages });
  }
  return out;
}

async function open(name: string): Promise<TernDB> {
  const db = createDatabase({ name });
  await db.open();
  return db;
}

/** Baseline: the same rows put with the bare IndexedDB API, all in one transaction. */
async function rawRun(sessions: number, perSession: number) {
  (await open('tern-bench-raw')).close(); // the same stores and indexes as Tern's
  const data = rows(sessions, perSession);
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open('tern-bench-raw');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('open failed'));
  });
  const t = performance.now();
  const tx = idb.transaction(['sessions', 'messages'], 'readwrite');
  const s = tx.objectStore('sessions');
  const m = tx.objectStore('messages');
  for (const c of data) {
    s.put(c.session);
    for (const row of c.messages) m.put(row);
  }
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('write failed'));
  });
  const ms = performance.now() - t;
  idb.close();
  return { ms, messages: sessions * perSession };
}

/** Seeds the rows (not timed), then times the export of everything as Tern's file. */
async function exportRun(sessions: number, perSession: number) {
  const db = await open('tern-bench-export');
  const data = rows(sessions, perSession);
  await db.transaction('rw', db.sessions, db.messages, async () => {
    await db.sessions.bulkAdd(data.map((d) => d.session));
    await db.messages.bulkAdd(data.flatMap((d) => d.messages));
  });
  const t = performance.now();
  const pieces = await exportPieces(db, {
    scope: { kind: 'all' },
    includeImages: true,
    includeSecrets: false,
    appVersion: 'bench',
  });
  const file = new Blob(pieces);
  const ms = performance.now() - t;
  db.close();
  return { ms, bytes: file.size, messages: sessions * perSession, text: await file.text() };
}

function chosenFile(): File {
  const f = (document.getElementById('file') as HTMLInputElement).files?.[0];
  if (!f) throw new Error('no file chosen');
  return f;
}

/** The JS heap of the page and its workers, where the browser can say (cross-origin isolated). */
async function heapBytes(): Promise<number | null> {
  const p = performance as Performance & {
    measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
  };
  if (!crossOriginIsolated || !p.measureUserAgentSpecificMemory) return null;
  return (await p.measureUserAgentSpecificMemory()).bytes;
}

/** Imports the chosen file as the panel does (worker, one transaction per conversation). */
async function importRun(sampleMemory: boolean) {
  const file = chosenFile();
  const db = await open('tern-bench-import');
  const samples: number[] = [];
  let sampling = sampleMemory;
  const sampler = (async () => {
    while (sampling) {
      const b = await heapBytes();
      if (b === null) return;
      samples.push(b);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  // The page must stay responsive: the longest gap between 10 ms timer ticks while importing.
  let longest = 0;
  let last = performance.now();
  let ticking = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (ticking) setTimeout(tick, 10);
  };
  setTimeout(tick, 10);
  const t = performance.now();
  const report = await importInWorker(db, [file], {
    policy: 'keep-local',
    workspaceId: DEFAULT_WORKSPACE_ID,
  });
  const ms = performance.now() - t;
  ticking = false;
  sampling = false;
  await sampler;
  const messages = await db.messages.count();
  const branchMessages = await db.branchMessages.count();
  const sessions = await db.sessions.count();
  db.close();
  return {
    ms,
    bytes: file.size,
    messages,
    branchMessages,
    sessions,
    fileError: report.fileError,
    peakHeap: samples.length > 0 ? Math.max(...samples) : null,
    heapSamples: samples.length,
    longestTickGap: longest,
  };
}

function pct(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95) };
}

/**
 * The latest 50 messages of random sessions of a library of `sessions` × `perSession` messages
 * (random UUIDs as ids, as the app and ChatGPT give them), read with the app's latestMessages, and
 * with one raw IndexedDB getAll of the same range (newest first) as the floor.
 */
async function latestRun(sessions: number, perSession: number, reps: number) {
  const db = await open('tern-bench-latest');
  const t0 = 1_700_000_000_000;
  for (let b = 0; b < sessions; b += 500) {
    const batch = rows(Math.min(500, sessions - b), perSession).map(({ session, messages }, k) => {
      const id = `s${b + k}`;
      return {
        session: { ...session, id, lastActivityAt: t0 + b + k },
        messages: messages.map((m) => ({ ...m, id: crypto.randomUUID(), sessionId: id })),
      };
    });
    await db.transaction('rw', db.sessions, db.messages, async () => {
      await db.sessions.bulkAdd(batch.map((x) => x.session));
      await db.messages.bulkAdd(batch.flatMap((x) => x.messages));
    });
  }
  db.close();
  // Opened again, as the app finds it after a start: nothing of the seeding is cached in the page.
  const fresh = await open('tern-bench-latest');
  const raw = fresh.backendDB();
  let seed = 11;
  const pick = () => `s${((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % sessions) >>> 0}`;
  const app: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < 20; i++) await latestMessages(fresh, pick(), 50);
  for (let i = 0; i < reps; i++) {
    const sid = pick();
    let t = performance.now();
    const got = await latestMessages(fresh, sid, 50);
    app.push(performance.now() - t);
    if (got.length !== Math.min(50, perSession)) throw new Error(`read ${got.length} of ${sid}`);
    const other = pick();
    t = performance.now();
    await new Promise((resolve, reject) => {
      const index = raw.transaction('messages').objectStore('messages').index('[sessionId+seq]');
      const range = IDBKeyRange.bound([other, -Infinity], [other, Infinity]);
      const req = index.getAll(range, 50);
      req.onsuccess = resolve;
      req.onerror = reject;
    });
    floor.push(performance.now() - t);
  }
  fresh.close();
  return { latest: pct(app), floor: pct(floor) };
}

/** Restores the chosen backup file into `tern` with the app's restore code, no UI. */
async function restoreRun() {
  const file = chosenFile();
  let longest = 0;
  let last = performance.now();
  let ticking = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (ticking) setTimeout(tick, 10);
  };
  setTimeout(tick, 10);
  const t = performance.now();
  await restoreDatabase(file, { appVersion: 'bench' });
  const ms = performance.now() - t;
  ticking = false;
  const db = await open('tern');
  const counts = { sessions: await db.sessions.count(), messages: await db.messages.count() };
  db.close();
  return { ms, longestTickGap: longest, ...counts };
}

Object.assign(window, { bench: { rawRun, exportRun, importRun, latestRun, restoreRun } });
document.title = 'ready';
