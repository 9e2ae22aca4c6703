/* eslint-disable @typescript-eslint/ban-ts-comment -- see the next line */
// @ts-nocheck -- a plain Node script whose callbacks run in the page; checked by running it.
// Benchmark: how long a 10,000-message session takes to paint its first screen after its entry in
// the sidebar is clicked, in real Chromium against the built app (run `npx vite build` first).
// Measured inside the page: from the click to the frame after the first message rows are in the
// DOM. Runs each case several times and prints the median and worst.
//   node bench/ui-paint.mjs [runs]
import { resolve } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { seedApp } from './rows.mjs';
import { serveApp } from './serve.mjs';

const RUNS = Number(process.argv[2] ?? 7);
const COUNT = 10_000;

function seed(page, url) {
  return seedApp(
    page,
    url,
    async (count) => {
      const { sessionRow, messageRow, put } = window.rows;
      const t0 = Date.now() - 1e7;
      const messages = [];
      for (let i = 1; i <= count; i++) {
        const text = `Message ${i}: ${'Some **Markdown** text with a [link](https://example.com). '.repeat(1 + (i % 4))}`;
        messages.push(messageRow('big', i, text, t0 + i));
      }
      await put(window.ternDb, {
        sessions: [
          sessionRow('big', 'Big one', t0 + count, count),
          sessionRow('small', 'Small one', t0, 0),
        ],
        messages,
      });
    },
    COUNT,
  );
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

const server = await serveApp(resolve(import.meta.dirname, '..', 'dist'));
const browser = await launchChromium();
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
  await server.close();
}
