/* eslint-disable @typescript-eslint/ban-ts-comment -- see the next line */
// @ts-nocheck -- a plain Node script whose callbacks run in the page; checked by running it.
// Benchmark: a big history with the app open, in real Chromium against the built app (run
// `npx vite build` first). Each figure sits beside its baseline measured in the same run:
//  - import of a Tern file and of a ChatGPT export of N conversations × M messages through
//    Settings → Storage, against the same file imported by the same code with no UI (bench/io.ts),
//    with the longest gap between frames while the app imports;
//  - rows read by the UI's live queries (every read in a read-only transaction, counted by
//    wrapping IndexedDB in the page) per imported conversation, importing 100 and N conversations;
//  - start-up to interactive (the sidebar's first page listed) with 10 and with N sessions;
//  - the latest 50 messages of a random session of the N-session library, p50 / p95, read with
//    the app's own latestMessages (bench/io.ts exposes it), beside one raw IndexedDB getAll.
// A fresh on-disk profile for each measurement.
//  - restore of a full backup of that library (downloaded from the app) through Settings →
//    Storage, against the same restore code with no UI, with the longest gap between frames.
//   node bench/scale.mjs [N=10000] [M=20] [--skip=import,restore,start,latest]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromiumProfile } from '../scripts/chromium.mjs';
import { writeChatGptExport, writeTernExport } from './export-files.mjs';
import { startIoHarness } from './io-harness.mjs';
import { seedApp } from './rows.mjs';
import { serveApp } from './serve.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const N = Number(args[0] ?? 10_000);
const M = Number(args[1] ?? 20);
/** Parts to leave out, e.g. `--skip=import,restore` (import, restore, start, latest). */
const SKIP = new Set(
  (process.argv.find((a) => a.startsWith('--skip='))?.slice(7) ?? '').split(',').filter(Boolean),
);
const STARTS = 5;
const work = mkdtempSync(join(tmpdir(), 'tern-bench-scale-'));
const log = (...a) => console.error('[bench:scale]', ...a);

async function withProfile(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tern-bench-profile-'));
  const context = await launchChromiumProfile(dir, {
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(3_600_000);
    return await fn(page, context);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts rows handed out by read-only transactions (the UI's reads; writers use read-write). */
function countReads() {
  const t = { rows: 0, counted: 0 };
  window.__reads = t;
  const mode = (src) => (src.transaction ?? src.objectStore.transaction).mode;
  const wrap = (proto, name, onSuccess) => {
    const orig = proto[name];
    proto[name] = function (...args) {
      const req = orig.apply(this, args);
      if (mode(this) === 'readonly') req.addEventListener('success', () => onSuccess(req.result));
      return req;
    };
  };
  for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype]) {
    wrap(proto, 'get', (r) => (t.rows += r === undefined ? 0 : 1));
    wrap(proto, 'getAll', (r) => (t.rows += r.length));
    wrap(proto, 'openCursor', (r) => (t.rows += r ? 1 : 0));
    wrap(proto, 'count', (r) => (t.counted += r));
  }
}

/** Starts a frame monitor and the clock at a file input's change; ends at the panel's word. */
function watchImport([endSource, startSource]) {
  const w = { t0: null, done: null, gap: 0, text: '' };
  window.__import = w;
  window.__reads.rows = 0;
  window.__reads.counted = 0;
  // The clock starts at the file's choice, or (for a restore, asked to confirm first in a modal
  // dialog that stops the page) when the panel says the work began.
  if (!startSource) document.addEventListener('change', () => (w.t0 ??= performance.now()), true);
  let last = performance.now();
  const frame = (t) => {
    if (w.t0 !== null) w.gap = Math.max(w.gap, t - last);
    last = t;
    if (w.done === null) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const words = new RegExp(endSource);
  const begun = startSource ? new RegExp(startSource) : null;
  const seen = new MutationObserver(() => {
    for (const el of document.querySelectorAll('[role="status"]')) {
      if (begun?.test(el.textContent ?? '')) w.t0 ??= performance.now();
      if (words.test(el.textContent ?? '')) {
        w.done = performance.now();
        w.text = el.textContent;
        seen.disconnect();
      }
    }
  });
  seen.observe(document.body, { childList: true, subtree: true, characterData: true });
}

/** What the app's database holds, read with IndexedDB itself. */
function storedCounts() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('tern');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(['sessions', 'messages']);
      const s = tx.objectStore('sessions').count();
      const m = tx.objectStore('messages').count();
      tx.oncomplete = () => {
        db.close();
        resolve({ sessions: s.result, messages: m.result });
      };
    };
  });
}

async function uiImport(app, file, expected) {
  return withProfile(async (page, context) => {
    await context.addInitScript(countReads);
    const io = await openStorage(page, app);
    await page.evaluate(watchImport, [IMPORT_ENDED]);
    await io.getByLabel('Choose files…').setInputFiles(file);
    await page.waitForFunction(() => window.__import.done !== null, null, { polling: 500 });
    const r = await page.evaluate(() => ({
      ms: window.__import.done - window.__import.t0,
      gap: window.__import.gap,
      text: window.__import.text,
      rows: window.__reads.rows,
      counted: window.__reads.counted,
    }));
    const stored = await page.evaluate(storedCounts);
    if (stored.sessions !== expected.sessions || stored.messages !== expected.messages)
      throw new Error(`the import lost rows: ${JSON.stringify({ r, stored, expected })}`);
    return r;
  });
}

const IMPORT_ENDED = 'The import (is finished|was cancelled|stopped)|Nothing was imported';
const RESTORE_ENDED = 'The backup is restored|restore failed|not a Tern backup|damaged';

async function openStorage(page, app) {
  await page.goto(app.url);
  await page.getByRole('main').getByRole('heading', { level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('tab', { name: 'Storage' }).click();
  const io = page.getByRole('region', { name: 'Import and export' });
  await io.getByRole('button', { name: 'Export everything' }).waitFor();
  return io;
}

/** A full backup of a library of N × M, downloaded from the app. */
async function makeBackup(app, path) {
  return withProfile(async (page) => {
    await seed(page, app.url, N, M);
    const io = await openStorage(page, app);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      io.getByRole('button', { name: 'Download a full backup' }).click(),
    ]);
    await download.saveAs(path);
  });
}

async function uiRestore(app, file, expected) {
  return withProfile(async (page, context) => {
    await context.addInitScript(countReads);
    const io = await openStorage(page, app);
    page.on('dialog', (d) => void d.accept());
    await page.evaluate(watchImport, [RESTORE_ENDED, 'Restoring']);
    await io.locator('input[type="file"][hidden]').setInputFiles(file);
    await page.waitForFunction(() => window.__import.done !== null, null, { polling: 500 });
    const r = await page.evaluate(() => ({
      ms: window.__import.done - window.__import.t0,
      gap: window.__import.gap,
      text: window.__import.text,
    }));
    const stored = await page.evaluate(storedCounts);
    if (stored.sessions !== expected.sessions || stored.messages !== expected.messages)
      throw new Error(`the restore lost rows: ${JSON.stringify({ r, stored, expected })}`);
    return r;
  });
}

async function bareRestore(harness, file, expected) {
  return withProfile(async (page) => {
    await page.goto(harness.url);
    await page.waitForFunction(() => document.title === 'ready');
    await page.setInputFiles('#file', file);
    const r = await page.evaluate(() => window.bench.restoreRun());
    if (r.sessions !== expected.sessions || r.messages !== expected.messages)
      throw new Error(`the restore lost rows: ${JSON.stringify({ r, expected })}`);
    return r;
  });
}

async function bareImport(harness, file, expected) {
  return withProfile(async (page) => {
    await page.goto(harness.url);
    await page.waitForFunction(() => document.title === 'ready');
    await page.setInputFiles('#file', file);
    const r = await page.evaluate(() => window.bench.importRun(false));
    if (r.sessions !== expected.sessions || r.messages !== expected.messages)
      throw new Error(`the import lost rows: ${JSON.stringify({ r, expected })}`);
    return r;
  });
}

/** Seeds the app's database with n sessions of m messages (raw IndexedDB, in a blank page). */
function seed(page, url, n, m) {
  return seedApp(
    page,
    url,
    async ({ n, m }) => {
      const { sessionRow, messageRow, put } = window.rows;
      const t0 = Date.now() - n * 60_000;
      for (let b = 0; b < n; b += 500) {
        const sessions = [];
        const messages = [];
        for (let s = b; s < Math.min(n, b + 500); s++) {
          const at = t0 + s * 60_000;
          sessions.push(sessionRow(`s${s}`, `Session ${s}`, at, m));
          for (let k = 1; k <= m; k++)
            messages.push(messageRow(`s${s}`, k, `Message ${k} of session ${s}. `.repeat(8), at));
        }
        await put(window.ternDb, { sessions, messages });
      }
    },
    { n, m },
  );
}

/** Milliseconds from navigation to the sidebar's first session listed, over `STARTS` loads. */
function markInteractive() {
  // When the app's connection to its database is open, to tell opening from reading and drawing.
  const open = indexedDB.open.bind(indexedDB);
  indexedDB.open = (...args) => {
    const req = open(...args);
    if (args[0] === 'tern' && args[1] !== undefined)
      req.addEventListener('success', () => (window.__opened ??= performance.now()));
    return req;
  };
  const found = () => document.querySelector('aside li');
  const seen = new MutationObserver(() => {
    if (window.__interactive === undefined && found()) {
      window.__interactive = performance.now();
      seen.disconnect();
    }
  });
  seen.observe(document, { childList: true, subtree: true });
}

async function startUp(app) {
  const small = [];
  const big = [];
  await withProfile(async (a, ca) => {
    await withProfile(async (b, cb) => {
      log('seeding 10 sessions and', N, 'sessions for the start-up…');
      await seed(a, app.url, 10, M);
      await seed(b, app.url, N, M);
      await ca.addInitScript(markInteractive);
      await cb.addInitScript(markInteractive);
      const load = async (page) => {
        await page.goto(app.url);
        await page.waitForFunction(() => window.__interactive !== undefined, null, {
          polling: 50,
        });
        return page.evaluate(() => [window.__interactive, window.__opened ?? NaN]);
      };
      // One load each to warm the HTTP cache and the database, then alternate.
      await load(a);
      await load(b);
      for (let i = 0; i < STARTS; i++) {
        small.push(await load(a));
        big.push(await load(b));
      }
    });
  });
  const at = (xs, i) => median(xs.map((x) => x[i]));
  return {
    small: at(small, 0),
    big: at(big, 0),
    smallOpen: at(small, 1),
    bigOpen: at(big, 1),
  };
}

async function latest(harness) {
  return withProfile(async (page) => {
    await page.goto(harness.url);
    await page.waitForFunction(() => document.title === 'ready');
    return page.evaluate(([n, m]) => window.bench.latestRun(n, m, 300), [N, M]);
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
// Each figure is also logged as soon as it is known: a long run stopped midway keeps what it had.
const rows = [];
const push = rows.push.bind(rows);
rows.push = (...r) => {
  for (const x of r) log(x.join('  '));
  return push(...r);
};

const app = await serveApp(resolve(import.meta.dirname, '..', 'dist'));
const harness = await startIoHarness();
try {
  const expected = { sessions: N, messages: N * M };
  const ternFile = join(work, 'tern-export.json');
  const chatgptFile = join(work, 'conversations.json');
  const smallFile = join(work, 'tern-export-100.json');
  log(`writing a Tern file and a ChatGPT export of ${N} × ${M} messages…`);
  const tern = await writeTernExport(ternFile, { sessions: N, perSession: M });
  const chatgpt = await writeChatGptExport(chatgptFile, { sessions: N, perSession: M });
  await writeTernExport(smallFile, { sessions: 100, perSession: M });

  for (const [label, file, info] of SKIP.has('import')
    ? []
    : [
        ['Tern file', ternFile, tern],
        ['ChatGPT export', chatgptFile, chatgpt],
      ]) {
    log(`${label}: import with no UI…`);
    const bare = await bareImport(harness, file, expected);
    log(`${label}: import through the app…`);
    const ui = await uiImport(app, file, expected);
    const what = `${N.toLocaleString('en')} conversations, ${(N * M).toLocaleString('en')} messages, ${(info.bytes / 1e6).toFixed(0)} MB`;
    rows.push([`Import a ${label} (${what}), no UI`, sec(bare.ms), 'baseline']);
    rows.push([
      `  the same through Settings → Storage, app open`,
      sec(ui.ms),
      `${(ui.ms / bare.ms).toFixed(2)}× no UI (target ≤ 1.3×)`,
    ]);
    rows.push([
      `  longest gap between frames while the app imports`,
      `${ui.gap.toFixed(0)} ms`,
      `target ≤ 50 ms (no UI: longest gap between 10 ms timer ticks ${bare.longestTickGap.toFixed(0)} ms)`,
    ]);
    if (label === 'Tern file') {
      log('import of 100 conversations through the app, for the read count…');
      const small = await uiImport(app, smallFile, { sessions: 100, messages: 100 * M });
      rows.push([
        `  rows read by the UI per imported conversation: importing 100 / ${N.toLocaleString('en')}`,
        `${(small.rows / 100).toFixed(1)} / ${(ui.rows / N).toFixed(1)}`,
        `index keys counted per conversation: ${(small.counted / 100).toFixed(0)} / ${(ui.counted / N).toFixed(0)}`,
      ]);
    }
  }

  if (!SKIP.has('restore')) {
    log('a full backup of the library, downloaded from the app…');
    const backupFile = join(work, 'tern-backup.json');
    await makeBackup(app, backupFile);
    log('restore with no UI…');
    const bare = await bareRestore(harness, backupFile, expected);
    log('restore through the app…');
    const ui = await uiRestore(app, backupFile, expected);
    rows.push([
      `Restore a full backup (${(N * M).toLocaleString('en')} messages), no UI`,
      sec(bare.ms),
      'baseline',
    ]);
    rows.push([
      '  the same through Settings → Storage, app open',
      sec(ui.ms),
      `${(ui.ms / bare.ms).toFixed(2)}× no UI (target ≤ 1.3×)`,
    ]);
    rows.push([
      '  longest gap between frames while the app restores',
      `${ui.gap.toFixed(0)} ms`,
      `target ≤ 50 ms (no UI: longest gap between 10 ms timer ticks ${bare.longestTickGap.toFixed(0)} ms)`,
    ]);
  }

  const start = SKIP.has('start') ? null : (log('start-up…'), await startUp(app));
  if (start)
    rows.push([
      `Start-up to the sidebar listed, 10 sessions (median of ${STARTS})`,
      `${start.small.toFixed(0)} ms`,
      'baseline',
    ]);
  if (start)
    rows.push([
      `  with ${N.toLocaleString('en')} sessions, ${(N * M).toLocaleString('en')} messages`,
      `${start.big.toFixed(0)} ms`,
      `${(start.big / start.small).toFixed(2)}× (target ≤ 1.2×); database open at ${start.smallOpen.toFixed(0)} / ${start.bigOpen.toFixed(0)} ms`,
    ]);

  const l = SKIP.has('latest')
    ? null
    : (log('latest 50 of random sessions…'), await latest(harness));
  if (l)
    rows.push([
      `Latest 50 of a random session of ${N.toLocaleString('en')} (300 sessions): p50 / p95`,
      `${l.latest.p50.toFixed(2)} / ${l.latest.p95.toFixed(2)} ms`,
      `target p95 ≤ 3 ms; one raw IndexedDB getAll of a session's range: ${l.floor.p50.toFixed(2)} / ${l.floor.p95.toFixed(2)} ms`,
    ]);
} finally {
  await app.close();
  await harness.close();
  rmSync(work, { recursive: true, force: true });
}

const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
console.log(
  `\nTern at scale — Chromium, built app, ${new Date().toISOString().slice(0, 10)}, N=${N}, M=${M}\n`,
);
for (const r of rows) console.log(`${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2]}`);
