/* eslint-disable @typescript-eslint/ban-ts-comment -- see the next line */
// @ts-nocheck -- a plain Node script whose callbacks run in the page; checked by running it.
// Benchmark: flipping a version whose subtree holds 1,000 messages, on screen, in real Chromium
// against the built app (run `npx vite build` first). A session of 10 messages and a reply with
// two versions, each followed by 1,000 messages; the conversation is scrolled up to that reply and
// its arrow clicked. Timed inside the page from the click: until the new version's first message is
// in the DOM and a frame has been drawn ("on screen"), and until the flip is stored (a read of the
// new version's first message from another connection finds it on the active path). Flips back
// and forth, each once the one before is stored and the page has settled; the second half of the
// clicks come after the pointer has rested on the arrows (which lets the app plan the flip ahead).
//   node bench/flip-ui.mjs [flips] [built app directories, default dist]
// Given two directories (a build of the code before a change, then after), measures both in one run:
// e.g. `git archive <commit>` unpacked elsewhere with node_modules linked, and built there with
// `npx vite build --outDir <this checkout>/dist-before`.
import { resolve } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { seedApp } from './rows.mjs';
import { serveApp } from './serve.mjs';

const FLIPS = Number(process.argv[2] ?? 20);
const DIRS = process.argv.slice(3);
const SIZE = 1000;

function seed(page, url) {
  return seedApp(
    page,
    url,
    async (size) => {
      const { sessionRow, messageRow, put } = window.rows;
      const t0 = Date.now() - 1e7;
      const words = (n) =>
        `Message ${n}: ${'Some **Markdown** text with a [link](https://example.com). '.repeat(1 + (n % 4))}`;
      const active = [];
      for (let i = 1; i <= 10 + size; i++) active.push(messageRow('f', i, words(i), t0 + i));
      const aside = [];
      let parent = 'f-m10';
      for (let i = 11; i <= 10 + size; i++) {
        const row = { ...messageRow('f', i, `Other version. ${words(i)}`, t0 + size + i) };
        row.id = `f-b${i}`;
        row.parentId = parent;
        row.setAsideAt = t0 + 2 * size;
        aside.push(row);
        parent = row.id;
      }
      await put(window.ternDb, {
        sessions: [
          sessionRow('f', 'Versions', t0 + 3 * size, 10 + 2 * size),
          sessionRow('small', 'Small one', t0, 0),
        ],
        messages: active,
        branchMessages: aside,
      });
    },
    SIZE,
  );
}

/** Waits until the search index's first pass is over and its queue empty (as in daily use). */
async function indexed(page) {
  await page.waitForFunction(
    () =>
      new Promise((done) => {
        const req = indexedDB.open('tern');
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction(['meta', 'searchQueue'], 'readonly');
          const state = tx.objectStore('meta').get('search:backfill');
          const queued = tx.objectStore('searchQueue').count();
          tx.oncomplete = () => {
            db.close();
            done(state.result?.value?.done === true && queued.result === 0);
          };
        };
      }),
    undefined,
    { timeout: 300_000, polling: 1000 },
  );
}

/** Scrolls the conversation up until the reply with versions (seq 11) is in view. */
async function scrollToFork(page) {
  const list = page.getByRole('region', { name: 'Messages' });
  const box = await list.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const fork = page.locator('[data-message-id="f-m11"] [role="group"][aria-label="Versions"]');
  // Up to the first message (older pages load on the way), then down to the reply.
  let top = false;
  for (let i = 0; i < 400; i++) {
    if (await fork.count()) {
      await fork.scrollIntoViewIfNeeded();
      return;
    }
    top ||= (await page.locator('[data-message-id="f-m1"]').count()) > 0;
    await page.mouse.wheel(0, top ? 150 : -3000);
    await page.waitForTimeout(top ? 50 : 150);
  }
  throw new Error('the reply with versions never came into view');
}

/** Clicks the arrow toward the other version; resolves with the times (ms) from the click. */
function flipAndTime(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const group = document.querySelector('[role="group"][aria-label="Versions"]');
        const article = group?.closest('[data-message-id]');
        const fromId = article?.getAttribute('data-message-id');
        const toId = fromId === 'f-m11' ? 'f-b11' : 'f-m11';
        const button = group?.querySelector(
          `button[aria-label="${fromId === 'f-m11' ? 'Next' : 'Previous'} version"]`,
        );
        if (!button) return resolve({ error: 'no arrow to click' });
        const out = {};
        const t0 = performance.now();
        const finish = () => {
          if (out.screen !== undefined && out.stored !== undefined) resolve(out);
        };
        const shown = () => {
          if (!document.querySelector(`[data-message-id="${toId}"]`)) return false;
          obs.disconnect();
          // The frame that shows it: after the next animation frame has been produced.
          requestAnimationFrame(() =>
            setTimeout(() => {
              out.screen = performance.now() - t0;
              finish();
            }, 0),
          );
          return true;
        };
        const obs = new MutationObserver(shown);
        obs.observe(document.body, { childList: true, subtree: true });
        // Stored: another connection finds the new version on the active path. Its read waits for
        // the flip's write when both are under way.
        const req = indexedDB.open('tern');
        req.onsuccess = () => {
          const db = req.result;
          const poll = () => {
            const get = db.transaction('messages', 'readonly').objectStore('messages').get(toId);
            get.onsuccess = () => {
              if (get.result) {
                out.stored = performance.now() - t0;
                db.close();
                finish();
              } else setTimeout(poll, 5);
            };
          };
          poll();
        };
        button.click();
        shown();
        setTimeout(() => resolve({ error: 'no flip after 30 s', ...out }), 30_000);
      }),
  );
}

const pct = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function measure(dir) {
  const server = await serveApp(resolve(import.meta.dirname, '..', dir));
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await seed(page, server.url);
    await page.goto(server.url);
    await page
      .getByRole('button', { name: /Versions/ })
      .first()
      .waitFor();
    await indexed(page);
    await page
      .getByRole('button', { name: /Versions/ })
      .first()
      .click();
    await page.locator('[data-message-id="f-m1010"]').waitFor();
    await scrollToFork(page);
    const out = { cold: [], warm: [], stored: [] };
    for (let i = 0; i < FLIPS; i++) {
      // Cold: the click comes with no pointer on the arrows before it (nothing planned ahead).
      // Warm: the pointer rests on the arrows for 300 ms first, as it does before a click. The
      // cold ones first: a pointer left on the arrows plans the next flip too.
      const warm = i >= FLIPS / 2;
      await page.mouse.move(0, 0);
      await page.waitForTimeout(1000);
      if (warm) {
        await page.locator('[role="group"][aria-label="Versions"] button').first().hover();
        await page.waitForTimeout(300);
      }
      const r = await flipAndTime(page);
      if (r.error) throw new Error(`${dir}, flip ${i + 1}: ${r.error}`);
      out[warm ? 'warm' : 'cold'].push(r.screen);
      out.stored.push(r.stored);
      // The index has nothing to do after a flip now; before, it had every moved message.
      await indexed(page);
    }
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}

const f = (x) => `${x.toFixed(0)} ms`;
const results = [];
for (const dir of DIRS.length > 0 ? DIRS : ['dist']) {
  console.error(`[flip-ui] ${dir}: seeding, indexing, then ${FLIPS} flips…`);
  results.push([dir, await measure(dir)]);
}
const pp = (xs) => `p50 ${f(pct(xs, 0.5))} / p95 ${f(pct(xs, 0.95))}`;
console.log(`\nFlip of a version whose subtree holds ${SIZE} messages (both ways), ${FLIPS} flips`);
for (const [dir, r] of results) {
  console.log(`  ${dir}: on screen, click with no pointer on the arrows before: ${pp(r.cold)}`);
  console.log(`  ${dir}: on screen, pointer on the arrows 300 ms before the click: ${pp(r.warm)}`);
  console.log(`  ${dir}: stored: ${pp(r.stored)}`);
}
