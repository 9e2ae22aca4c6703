// `npm run bench`: builds the benchmark page, runs it in the system's Chromium with a fresh
// on-disk profile for each write-heavy measurement, and prints a table. Baselines (raw IndexedDB,
// the whole-history JSON rewrite) are measured in the same run as the app's code.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { launchChromiumProfile } from '../scripts/chromium.mjs';

const root = resolve(import.meta.dirname);
const out = join(root, 'results', 'build');

await build({
  configFile: false,
  root,
  logLevel: 'warn',
  define: { __APP_VERSION__: JSON.stringify('bench') },
  build: {
    outDir: out,
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: join(root, 'storage.html') },
  },
});

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = join(out, path === '/' ? 'storage.html' : path);
  readFile(file).then(
    (body) => {
      // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    },
    () => res.writeHead(404).end(),
  );
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

/** A fresh on-disk profile: deleted databases left in a profile slow later writes down. */
async function withPage(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tern-bench-'));
  const context = await launchChromiumProfile(dir);
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(900_000);
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready');
    return await fn(page);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const rows = [];
const log = (...a) => console.error('[bench]', ...a);

// `node bench/run.mjs index` runs only the search index's figures, `node bench/run.mjs branches
// [sessions]` only the branches' (10,000 sessions of 20 messages unless told), `node bench/run.mjs
// flip` only the flip's.
const only = process.argv[2];
if (only !== 'index' && only !== 'branches' && only !== 'flip') {
  log('append at 10 sessions…');
  const small = await withPage((p) => p.evaluate(() => window.bench.appendBench(10, 20, 300, 30)));
  log('append at 10,000 sessions / 200,000 messages (seeding takes a while)…');
  const { big, paging } = await withPage(async (p) => {
    const big = await p.evaluate(() => window.bench.appendBench(10_000, 20, 300, 5));
    const paging = await p.evaluate(() => window.bench.pagingBench());
    return { big, paging };
  });
  rows.push([
    'Append 1 message, 10 sessions (200 msgs): p50 / p95',
    `${ms(small.dexie.p50)} / ${ms(small.dexie.p95)}`,
    '',
  ]);
  rows.push([
    'Append 1 message, 10,000 sessions (210,000 msgs): p50 / p95',
    `${ms(big.dexie.p50)} / ${ms(big.dexie.p95)}`,
    `${(big.dexie.p50 / small.dexie.p50).toFixed(2)}× the 10-session p50 (target ≤ 1.5×)`,
  ]);
  rows.push([
    `Whole-history JSON rewrite to one idb-keyval key, 10 sessions (${small.blobMB.toFixed(2)} MB): p50`,
    ms(small.blob.p50),
    'baseline (peer apps)',
  ]);
  rows.push([
    `Whole-history JSON rewrite, 10,000 sessions (${big.blobMB.toFixed(0)} MB): p50`,
    ms(big.blob.p50),
    `Tern is ${(big.blob.p50 / big.dexie.p50).toFixed(0)}× faster`,
  ]);
  rows.push([
    'Latest 50 of a session (300 random sessions): p50 / p95',
    `${ms(paging.latest.p50)} / ${ms(paging.latest.p95)}`,
    'target p95 < 10 ms',
  ]);
  rows.push([
    'Latest 50 of a 10,000-message session: p50 / p95',
    `${ms(paging.longLatest.p50)} / ${ms(paging.longLatest.p95)}`,
    'target p95 < 10 ms',
  ]);
  rows.push([
    `Each older page of 50 (${paging.older.n} pages): p50 / p95`,
    `${ms(paging.older.p50)} / ${ms(paging.older.p95)}`,
    'target p95 < 10 ms',
  ]);

  log('upgrade of 100,000 version-1 chats in 100 workspaces…');
  const upgrade = await withPage(async (p) => {
    await p.evaluate(() => window.bench.upgradeSeed());
    return p.evaluate(() => window.bench.upgradeRun());
  });
  log('raw IndexedDB pass over the same data…');
  const raw = await withPage(async (p) => {
    await p.evaluate(() => window.bench.upgradeSeed());
    return p.evaluate(() => window.bench.rawPass());
  });
  log('the whole open as a user gets it (snapshot + upgrade)…');
  const whole = await withPage(async (p) => {
    await p.evaluate(() => window.bench.upgradeSeed());
    return p.evaluate(() => window.bench.openTernRun());
  });
  rows.push(['Raw IndexedDB: read and rewrite 100,000 v1 rows once', ms(raw.ms), 'baseline']);
  rows.push([
    `Upgrade v1 → v2 (${upgrade.messages} messages, ${upgrade.sessions} Legacy Chats)`,
    ms(upgrade.upgradeMs),
    `${(upgrade.upgradeMs / raw.ms).toFixed(2)}× raw (target ≤ 2×)`,
  ]);
  rows.push([
    `Pre-upgrade snapshot of the same data (${upgrade.backupRows} rows)`,
    ms(upgrade.backupMs),
    '',
  ]);
  rows.push(['Whole open as a user gets it (snapshot + upgrade)', ms(whole.ms), '']);
}

if (only !== 'index' && only !== 'flip') {
  const sessions = only === 'branches' ? Number(process.argv[3] ?? 10_000) : 10_000;
  const upSessions = Math.round(sessions / 2);
  log(`upgrade v3 → v4 over ${upSessions * 20} messages, then a raw pass over the same rows…`);
  const up = await withPage((p) => p.evaluate((n) => window.bench.upgradeV4Run(n), upSessions));
  rows.push([
    `Raw IndexedDB: read and rewrite ${up.messages.toLocaleString('en')} messages once`,
    ms(up.rawMs),
    'baseline, same run',
  ]);
  rows.push([
    `Upgrade v3 → v4 (${up.messages.toLocaleString('en')} messages; adds the empty branchMessages)`,
    ms(up.upgradeMs),
    `${(up.upgradeMs / up.rawMs).toFixed(3)}× raw`,
  ]);
  log(`upgrade v4 → v5 over ${upSessions * 20} messages, the stamping after it, a raw pass…`);
  const v5 = await withPage((p) => p.evaluate((n) => window.bench.upgradeV5Run(n), upSessions));
  rows.push([
    `Upgrade v4 → v5 (${v5.messages.toLocaleString('en')} messages; adds the empty syncClocks)`,
    ms(v5.upgradeMs),
    `${(v5.upgradeMs / v5.rawMs).toFixed(3)}× raw (${ms(v5.rawMs)})`,
  ]);
  rows.push([
    `Stamping every record after the open (${v5.clocks.toLocaleString('en')} clocks, background)`,
    ms(v5.stampMs),
    `${(v5.stampMs / v5.rawMs).toFixed(2)}× raw; longest task ${ms(v5.longestTaskMs)}`,
  ]);
  const stamp = await withPage((p) => p.evaluate(() => window.bench.stampCostRun(300)));
  rows.push([
    `Append one message, v4 vs v5 with its clock (${stamp.n} appends): p50`,
    `${ms(stamp.without)} / ${ms(stamp.stamped)}`,
    `${(stamp.stamped / stamp.without).toFixed(2)}×`,
  ]);
  log(`pages with and without branches, ${sessions * 20} active messages…`);
  const pg = await withPage((p) => p.evaluate((n) => window.bench.branchPagingBench(n), sessions));
  for (const [label, r] of [
    ['no branches', pg.flat],
    [
      `a tenth of sessions branched, +${pg.tree.branchRows.toLocaleString('en')} branch rows`,
      pg.tree,
    ],
  ])
    rows.push([
      `Latest 50 / older page, ${label} (${r.messages.toLocaleString('en')} msgs): p50 / p95`,
      `${ms(r.latest.p50)} / ${ms(r.latest.p95)}; ${ms(r.older.p50)} / ${ms(r.older.p95)}`,
      label === 'no branches'
        ? 'baseline, same run'
        : `${(r.latest.p95 / pg.flat.latest.p95).toFixed(2)}× / ${(r.older.p95 / pg.flat.older.p95).toFixed(2)}× p95`,
    ]);
}

if (only !== 'index') {
  log('flipping a version whose subtree holds 1,000 messages, as before and as now…');
  const fl = await withPage((p) => p.evaluate(() => window.bench.flipBench(1000, 20)));
  const pp = (s) => `${ms(s.p50)} / ${ms(s.p95)}`;
  const size = fl.size.toLocaleString('en');
  rows.push([
    `Flip ${size} ⇄ ${size} messages, as before (each moved row queued), written and last page read: p50 / p95`,
    pp(fl.before.readable),
    `${fl.before.queued.toLocaleString('en')} rows queued per flip, baseline, same run`,
  ]);
  rows.push([
    '  … then indexing the queued rows (in the background, but on the same thread and disk): p50 / p95',
    pp(fl.before.indexed),
    '',
  ]);
  rows.push([
    `Flip, now: the new path's last page in hand to draw, before the write (switchVersion's plan): p50 / p95`,
    pp(fl.after.drawn),
    `target ≤ 50 ms to the new path on screen (on screen: node bench/flip-ui.mjs)`,
  ]);
  rows.push([
    'Flip, now: written, and the last page read back (what another tab or a reload sees): p50 / p95',
    pp(fl.after.readable),
    `${(fl.after.readable.p50 / fl.before.readable.p50).toFixed(2)}× before p50; ${fl.after.queued} rows queued`,
  ]);
}

if (only !== 'branches' && only !== 'flip') {
  log('append with the search index against without, 2,000 sessions / 40,000 messages…');
  const idx = await withPage((p) => p.evaluate(() => window.bench.appendIndexBench(2000, 300)));
  rows.push([
    `Append 1 message without the search index (${idx.messages.toLocaleString('en')} msgs): p50 / p95`,
    `${ms(idx.without.p50)} / ${ms(idx.without.p95)}`,
    'baseline, same run',
  ]);
  rows.push([
    'Append 1 message with the search index (its queue row): p50 / p95',
    `${ms(idx.withIndex.p50)} / ${ms(idx.withIndex.p95)}`,
    `${(idx.withIndex.p50 / idx.without.p50).toFixed(2)}× p50, ${(idx.withIndex.p95 / idx.without.p95).toFixed(2)}× p95 (target ≤ 1.3×)`,
  ]);
  rows.push([
    'Indexing that message afterwards (one flush, off the append): p50 / p95',
    `${ms(idx.flush.p50)} / ${ms(idx.flush.p95)}`,
    '',
  ]);
  log('upgrade v2 → v3 over 10,000 sessions / 200,000 messages…');
  const v3 = await withPage((p) => p.evaluate(() => window.bench.upgradeV3Run(10_000)));
  rows.push([
    `Upgrade v2 → v3 (${v3.messages.toLocaleString('en')} messages; creates the empty index)`,
    ms(v3.ms),
    'the index is filled afterwards in the background (bench/search.mjs)',
  ]);
}

server.close();
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(
  `\nTern storage benchmarks — Chromium ${chromium.name()}, ${new Date().toISOString().slice(0, 10)}\n`,
);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
