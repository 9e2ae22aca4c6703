// `node bench/pwa-load.mjs [runs]` (after `npx vite build`): how fast Tern opens from its service
// worker cache. One online visit installs the service worker; then the server refuses every request
// and the page is loaded again and again. Each run measures, inside the page, the time from the
// start of navigation to the first interactive screen: the workspace list rendered over an open
// database. Also prints the precache: entries and bytes, as the service worker lists them.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';

const runs = Number(process.argv[2] ?? 15);
const dist = resolve('dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

let offline = false;
let served = 0;
let refused = 0;
const server = createServer((req, res) => {
  void (async () => {
    if (offline) {
      refused++;
      return void req.socket.destroy();
    }
    served++;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let file = join(dist, path);
    if (
      !(await stat(file).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      file = join(dist, 'index.html');
    const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
    if (file.endsWith('sw.js') || file.endsWith('.html')) headers['cache-control'] = 'no-cache';
    res.writeHead(200, headers);
    res.end(await readFile(file));
  })();
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;

// Precache size: every entry the generated service worker lists, sized on disk.
const sw = await readFile(join(dist, 'sw.js'), 'utf8');
const entries = [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]);
let bytes = 0;
for (const e of entries) bytes += (await stat(join(dist, e))).size;

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
// Records when the workspace list first appears, relative to the start of navigation.
await context.addInitScript(() => {
  const w = /** @type {Window & { __shown?: number }} */ (window);
  const check = () => {
    if (w.__shown === undefined && document.querySelector('section[aria-label="My workspace"]'))
      w.__shown = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
});
const page = await context.newPage();

const firstScreen = () =>
  page.waitForFunction(() => /** @type {Window & { __shown?: number }} */ (window).__shown, null, {
    timeout: 30_000,
  });

await page.goto(url);
await firstScreen();
await page.evaluate(() => navigator.serviceWorker.ready);
await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

offline = true;
const times = [];
for (let i = 0; i < runs; i++) {
  await page.goto(url);
  const shown = await (await firstScreen()).jsonValue();
  const fromCache = await page.evaluate(() => navigator.serviceWorker.controller !== null);
  if (!fromCache) throw new Error('the page was not served by the service worker');
  times.push(Number(shown));
}
await browser.close();
server.close();

const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const fmt = (n) => `${n.toFixed(1)} ms`;
console.log(`Navigation → first interactive screen, from the service-worker cache (${runs} runs)`);
console.log(
  `  median ${fmt(median)}   min ${fmt(sorted[0])}   max ${fmt(sorted[sorted.length - 1])}`,
);
console.log(`Precache: ${entries.length} entries, ${(bytes / 1024).toFixed(1)} KiB`);
console.log(
  `Requests: ${served} served during the online visit, ${refused} refused during the runs`,
);
