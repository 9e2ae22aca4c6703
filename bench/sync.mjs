// `npm run bench:sync`: sync's figures against a PouchDB Server on 127.0.0.1, in the system's
// Chromium (bench/sync-page.ts): a history of 10,000 messages pushed by one device and pulled by a
// new one (time, longest frame gap), a re-sync with nothing new (documents written: 0), the time
// one new message takes to reach the other device (median of 20), and the gzipped size of the
// code sync loads when it is switched on (from the built app in dist/).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { launchChromiumProfile } from '../scripts/chromium.mjs';

const root = resolve(import.meta.dirname);
const out = join(root, 'results', 'sync-build');
const sessions = Number(process.argv[2] ?? 500);
const log = (...a) => console.error('[bench:sync]', ...a);

await build({
  configFile: false,
  root,
  logLevel: 'warn',
  define: { __APP_VERSION__: JSON.stringify('bench') },
  build: {
    outDir: out,
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: join(root, 'sync.html') },
  },
});

const TYPES = { '.html': 'text/html', '.js': 'text/javascript' };
const page = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = join(out, path === '/' ? 'sync.html' : path);
  readFile(file).then(
    (body) =>
      res
        .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
        .end(body),
    () => res.writeHead(404).end(),
  );
});
await new Promise((r) => page.listen(0, '127.0.0.1', r));
const pageUrl = `http://127.0.0.1:${page.address().port}/`;

const port = await new Promise((r) => {
  const s = netServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
const couchDir = mkdtempSync(join(tmpdir(), 'tern-couch-bench-'));
const couch = spawn(
  join(root, '..', 'node_modules', '.bin', 'pouchdb-server'),
  ['--in-memory', '--port', String(port), '--host', '127.0.0.1'],
  { cwd: couchDir, stdio: 'ignore' },
);
const couchUrl = `http://127.0.0.1:${port}`;
for (let i = 0; i < 100; i++) {
  if (
    await fetch(couchUrl).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  await new Promise((r) => setTimeout(r, 100));
}

const profile = mkdtempSync(join(tmpdir(), 'tern-sync-bench-'));
const context = await launchChromiumProfile(profile);
const rows = [];
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
try {
  const tab = await context.newPage();
  tab.setDefaultTimeout(900_000);
  await tab.goto(pageUrl);
  await tab.waitForFunction(() => document.title === 'ready');
  log(`device A writes and pushes ${sessions * 20} messages…`);
  const push = await tab.evaluate(
    ([u, n]) => window.bench.pushHistory(u, 'history', n),
    [couchUrl, sessions],
  );
  rows.push([
    `Push ${push.messages.toLocaleString('en')} messages from one device`,
    ms(push.pushMs),
    '',
  ]);
  log('a new device pulls them…');
  const pull = await tab.evaluate((u) => window.bench.pullToNewDevice(u, 'history'), couchUrl);
  rows.push([
    `Pull ${pull.messages.toLocaleString('en')} messages to a new device`,
    ms(pull.pullMs),
    `longest frame gap ${ms(pull.longestGapMs)}`,
  ]);
  rows.push([
    'Re-sync with nothing new: documents written',
    String(pull.resyncWrites),
    `${pull.unsent} unsent`,
  ]);
  log('one new message to the other device, 20 times…');
  const lat = await tab.evaluate((u) => window.bench.oneMessageLatency(u, 20), couchUrl);
  rows.push([
    'One new message to the other device, median of 20',
    ms(lat.p50),
    `p95 ${ms(lat.p95)}`,
  ]);
} finally {
  await context.close();
  couch.kill();
  page.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(couchDir, { recursive: true, force: true });
}

// The code sync loads once it is switched on: the chunks of its engine and of its settings panel.
const assets = join(root, '..', 'dist', 'assets');
let total = 0;
for (const f of readdirSync(assets).filter((f) => /^(sync|Sync)/.test(f) && f.endsWith('.js'))) {
  const gz = gzipSync(readFileSync(join(assets, f)), { level: 9 }).length;
  total += gz;
  rows.push([`  ${f.replace(/-[\w-]{8}\.js$/, '.js')}`, `${(gz / 1024).toFixed(1)} KB gzip`, '']);
}
rows.push([
  'Sync code loaded only when sync is on (after `vite build`)',
  `${(total / 1024).toFixed(1)} KB gzip`,
  '',
]);

const w = Math.max(...rows.map((r) => r[0].length));
console.log(`\nTern sync benchmarks — ${new Date().toISOString().slice(0, 10)}\n`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w)}  ${b.padStart(12)}  ${c}`);
process.exit(0);
