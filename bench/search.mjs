/* eslint-disable @typescript-eslint/ban-ts-comment -- see the next line */
// @ts-nocheck -- a plain Node script whose callbacks run in the page; checked by running it.
// Benchmark: the search inside messages, in real Chromium against the built app (run
// `npx vite build` first), over 10,000 sessions holding 200,000 messages of generated prose. Each
// query is typed into the sidebar's search box; timings run from the moment the search starts (the
// app's `tern:search-start` mark, 250 ms after the last keystroke) to the first hit in the DOM and to
// the end (`tern:search-done`: the limit reached, or every message read). While it runs, a
// requestAnimationFrame loop and a long-task observer record the longest the page went without a
// frame, and the longest task. Each query runs several times; the median is printed, and the worst
// freeze.
//   node bench/search.mjs [runs]
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { seedApp } from './rows.mjs';
import { serveApp } from './serve.mjs';

const RUNS = Number(process.argv[2] ?? 3);
const SESSIONS = 10_000;
const PER_SESSION = 20;

const QUERIES = [
  { label: 'common word ("the")', query: 'the' },
  { label: 'once, in a recent session', query: 'quetzal' },
  { label: 'only in the oldest session', query: 'axolotl' },
  { label: 'nowhere', query: 'zyzzyva' },
];

function seed(page, url) {
  return seedApp(
    page,
    url,
    async ({ sessions, perSession }) => {
      const { sessionRow, messageRow, put } = window.rows;
      // A small deterministic generator, so every run reads the same library.
      let state = 42;
      const random = () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const WORDS = (
        'the a of and to in is it that for on with as was at by this be from or an are not have ' +
        'but which you were all can one there their more will if would about so up out into than ' +
        'time then some could them these two may first like over such our new even most after ' +
        'model data river garden memory kitchen budget travel python letter music window coffee ' +
        'market engine winter summer forest planet signal lesson report camera bridge island ' +
        'recipe theory answer number question server client record pattern example document ' +
        'café naïve résumé Zürich São Paulo München Ελλάδα Москва 東京 データ 검색 मौसम'
      ).split(' ');
      const sentence = (n) => {
        const out = [];
        for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(random() * WORDS.length)]);
        return out.join(' ');
      };
      const text = (user) => {
        const n = user ? 8 + Math.floor(random() * 30) : 30 + Math.floor(random() * 150);
        const parts = [];
        for (let left = n; left > 0; left -= 12) parts.push(`${sentence(Math.min(12, left))}.`);
        return parts.join(' ');
      };
      const t0 = Date.now() - sessions * 60_000;
      const BATCH = 500;
      for (let b = 0; b < sessions; b += BATCH) {
        const sessionRows = [];
        const messageRows = [];
        for (let s = b; s < Math.min(sessions, b + BATCH); s++) {
          const id = `s${s}`;
          const start = t0 + s * 60_000;
          sessionRows.push(sessionRow(id, `Session ${s}`, start + perSession, perSession));
          for (let m = 1; m <= perSession; m++) {
            let body = text(m % 2 === 1);
            // Session 0 is the least recently active; the last ones the most.
            if (s === 0 && m % 7 === 3) body += ' An axolotl in the pond.';
            if (s === sessions - 5 && m === 10) body += ' We saw a quetzal.';
            messageRows.push(messageRow(id, m, body, start + m));
          }
        }
        await put(window.ternDb, { sessions: sessionRows, messages: messageRows });
      }
    },
    { sessions: SESSIONS, perSession: PER_SESSION },
  );
}

/** Starts the frame and long-task monitors and waits for the search's marks. */
function watch(page) {
  return page.evaluate(() => {
    performance.clearMarks();
    const m = { start: null, done: null, firstHit: null, frames: [], tasks: [] };
    let running = true;
    let last = performance.now();
    const frame = (t) => {
      m.frames.push([last, t]);
      last = t;
      if (running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const tasks = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) m.tasks.push([e.startTime, e.duration]);
    });
    tasks.observe({ type: 'longtask' });
    const marks = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.name === 'tern:search-start') m.start = e.startTime;
        if (e.name === 'tern:search-done') {
          m.done = e.startTime;
          // A little longer, so the frames and tasks that drew the end are counted.
          setTimeout(() => {
            running = false;
            tasks.disconnect();
            marks.disconnect();
            hits.disconnect();
            m.finished = true;
          }, 100);
        }
      }
    });
    marks.observe({ type: 'mark' });
    const hits = new MutationObserver(() => {
      if (m.firstHit === null && document.querySelector('button[data-hit]'))
        m.firstHit = performance.now();
    });
    hits.observe(document.body, { childList: true, subtree: true });
    window.__search = m;
  });
}

async function measure(page, box, query) {
  await box.fill('');
  await page.waitForFunction(() => !document.querySelector('button[data-hit]'));
  await watch(page);
  await box.fill(query);
  await page.waitForFunction(() => window.__search.finished === true, null, { timeout: 300_000 });
  return page.evaluate(() => {
    const m = window.__search;
    // What began once the search had started: the keystroke's own work (the title filter
    // redrawing the session list) ends before the search starts, 250 ms later.
    const during = ([a]) => a >= m.start && a <= m.done + 100;
    return {
      first: m.firstHit === null ? null : m.firstHit - m.start,
      done: m.done - m.start,
      hits: document.querySelectorAll('button[data-hit]').length,
      gap: Math.max(0, ...m.frames.filter(during).map(([a, b]) => b - a)),
      task: Math.max(
        0,
        ...m.tasks
          .map(([s, d]) => [s, s + d])
          .filter(during)
          .map(([a, b]) => b - a),
      ),
    };
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => (x === null || x === undefined ? '—' : x.toFixed(0));

const server = await serveApp(resolve(import.meta.dirname, '..', 'dist'));
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('crash', () => console.error('page crashed'));
  page.on('pageerror', (e) => console.error('page error:', e.message));
  const t = Date.now();
  await seed(page, server.url);
  console.log(
    `Seeded ${SESSIONS.toLocaleString('en')} sessions, ${(SESSIONS * PER_SESSION).toLocaleString('en')} messages in ${((Date.now() - t) / 1000).toFixed(0)} s`,
  );
  await page.goto(server.url);
  const box = page.getByRole('searchbox', { name: 'Search sessions' });
  await box.waitFor();
  // The sidebar lists the most recent sessions first (and only a page of them).
  await page
    .getByRole('button', { name: `More actions for Session ${SESSIONS - 1}`, exact: true })
    .waitFor({ state: 'attached', timeout: 120_000 });

  const rows = [];
  for (const { label, query } of QUERIES) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(page, box, query));
    const firsts = runs.map((r) => r.first).filter((x) => x !== null);
    rows.push({
      query: label,
      hits: String(runs[0].hits),
      'first hit (ms)': ms(firsts.length === runs.length ? median(firsts) : null),
      'done (ms)': ms(median(runs.map((r) => r.done))),
      'longest frame gap (ms)': ms(Math.max(...runs.map((r) => r.gap))),
      'longest task (ms)': ms(Math.max(...runs.map((r) => r.task))),
    });
  }
  console.log(
    `Search inside messages: median of ${RUNS} runs from the start of the search (250 ms after the last keystroke); freezes are the worst run`,
  );
  console.table(rows);
} finally {
  await browser.close();
  await server.close();
}
