/* eslint-disable @typescript-eslint/ban-ts-comment -- see the next line */
// @ts-nocheck -- a plain Node script whose callbacks run in the page; checked by running it.
// Benchmark: how long a 10,000-message session takes to paint its first screen after its entry in
// the sidebar is clicked, in real Chromium against the built app (run `npx vite build` first).
// Measured inside the page: from the click to the frame after the first message rows are in the
// DOM. Runs each case several times and prints the median and worst.
//   node bench/ui-paint.mjs [runs]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const RUNS = Number(process.argv[2] ?? 7);
const COUNT = 10_000;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

async function serve(dir) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/__blank') return res.end('<!doctype html><title>blank</title>');
    let file = normalize(join(root, path));
    const ok = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!ok) file = join(root, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(await readFile(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

async function seed(page, url) {
  await page.goto(url);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.goto(`${url}/__blank`);
  await page.evaluate(async (count) => {
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open('tern');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction(['sessions', 'messages'], 'readwrite');
    const t0 = Date.now() - 1e7;
    const session = (id, title, n) => ({
      id,
      workspaceId: 'default',
      title,
      model: null,
      createdAt: t0,
      updatedAt: t0 + n,
      lastActivityAt: t0 + n,
      deletedAt: null,
      messageCount: n,
      imageCount: 0,
      totalTokens: 0,
      compactionCount: 0,
      metadata: {},
    });
    tx.objectStore('sessions').put(session('big', 'Big one', count));
    tx.objectStore('sessions').put(session('small', 'Small one', 0));
    for (let i = 1; i <= count; i++) {
      const text = `Message ${i}: ${'Some **Markdown** text with a [link](https://example.com). '.repeat(1 + (i % 4))}`;
      tx.objectStore('messages').put({
        id: `m${i}`,
        sessionId: 'big',
        seq: i,
        role: i % 2 ? 'user' : 'assistant',
        content: text,
        parts: [{ type: 'text', text }],
        name: null,
        toolCallId: null,
        tokens: null,
        status: 'complete',
        error: null,
        preserved: false,
        metadata: {},
        createdAt: t0 + i,
        updatedAt: t0 + i,
      });
    }
    await new Promise((r) => (tx.oncomplete = r));
    db.close();
  }, COUNT);
}

function openAndTime(page, title) {
  return page.evaluate(
    (title) =>
      new Promise((resolve) => {
        const button = [...document.querySelectorAll('aside button')].find(
          (b) => b.querySelector('span')?.textContent === title,
        );
        const t0 = performance.now();
        const done = () => {
          obs.disconnect();
          // The frame that shows the rows: after the next animation frame has been produced.
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
        };
        const obs = new MutationObserver(() => {
          if (document.querySelector('[aria-label="Messages"] article')) done();
        });
        obs.observe(document.body, { childList: true, subtree: true });
        setTimeout(() => resolve(`no rows after 10 s; button found: ${Boolean(button)}`), 10_000);
        button.click();
      }),
    title,
  );
}

const stats = (xs) => {
  const failed = xs.find((x) => typeof x !== 'number');
  if (failed !== undefined) throw new Error(String(failed));
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)].toFixed(1), worst: s[s.length - 1].toFixed(1) };
};

const server = await serve('dist');
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('crash', () => console.error('page crashed'));
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await seed(page, server.url);
  const cold = [];
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Big one' }).first().waitFor();
    // The remembered session is saved in the background; on a busy machine the reload can come
    // first and reopen the big one, which would leave nothing to time.
    const heading = page.getByRole('main').getByRole('heading', { level: 1 });
    await heading.waitFor();
    if ((await heading.textContent()) === 'Big one') {
      await page
        .getByRole('button', { name: /Small one/ })
        .first()
        .click();
      await page.waitForFunction(
        () => document.querySelector('main h1')?.textContent === 'Small one',
      );
    }
    cold.push(await openAndTime(page, 'Big one'));
    await page
      .getByRole('button', { name: /Small one/ })
      .first()
      .click();
    await page.waitForTimeout(100);
    warm.push(await openAndTime(page, 'Big one'));
    // The app reopens the last session on load; leave the small one open for the next cold run.
    await page
      .getByRole('button', { name: /Small one/ })
      .first()
      .click();
    await page.waitForTimeout(100);
  }
  console.log(`10,000-message session, first screen painted after click (ms, ${RUNS} runs)`);
  console.log(
    `  first open after page load: median ${stats(cold).median}, worst ${stats(cold).worst}`,
  );
  console.log(
    `  reopened from another session: median ${stats(warm).median}, worst ${stats(warm).worst}`,
  );
} finally {
  await browser.close();
  server.close();
}
