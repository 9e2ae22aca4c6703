/* eslint-disable @typescript-eslint/ban-ts-comment -- see the next line */
// @ts-nocheck -- a plain Node script whose callbacks run in the page; checked by running it.
// Benchmark: the search inside messages, in real Chromium against the built app (run
// `npx vite build` first), over 10,000 sessions holding 200,000 messages of generated prose. Each
// query is typed into the sidebar's search box; timings run from the moment the search starts (the
// app's `tern:search-start` mark, 250 ms after the last keystroke) to the first hit in the DOM and to
// the end (`tern:search-done`: the limit reached, or every message read). While it runs, a
// requestAnimationFrame loop and a long-task observer record the longest the page went without a
// frame, and the longest task. Each query runs several times with the search index and with the scan
// it replaced (`?search=scan`), side by side; p95 and the worst freeze are printed. Before that, the
// index's first pass over the seeded library is timed (with its longest task and the size on disk),
// and afterwards the start-up with a full index against one without.
//   node bench/search.mjs [runs] [sessions]
import { resolve } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { seedApp } from './rows.mjs';
import { serveApp } from './serve.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const SESSIONS = Number(process.argv[3] ?? 10_000);
const PER_SESSION = 20;

const QUERIES = [
  { label: 'common word ("the")', query: 'the' },
  { label: 'once, in a recent session', query: 'quetzal' },
  { label: 'only in the oldest session', query: 'axolotl' },
  { label: 'nowhere', query: 'zyzzyva' },
  { label: 'a prefix ("quetz")', query: 'quetz' },
  { label: 'two words', query: 'river garden' },
  { label: 'a phrase', query: '"winter forest"' },
];

/** Reads the index's progress and the storage estimate, from the page. */
function indexState(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const req = indexedDB.open('tern');
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction(['meta', 'searchQueue']);
          const state = tx.objectStore('meta').get('search:backfill');
          const queued = tx.objectStore('searchQueue').count();
          tx.oncomplete = () => {
            db.close();
            resolve({ state: state.result?.value ?? null, queued: queued.result });
          };
        };
      }),
  );
}
const usage = (page) => page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
const p95 = (xs) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

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

const ms = (x) => (x === null || x === undefined ? '—' : x.toFixed(0));

const server = await serveApp(resolve(import.meta.dirname, '..', 'dist'));
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Every long task from the first script on, for the indexing's longest task.
  await context.addInitScript(() => {
    window.__tasks = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__tasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  page.on('crash', () => console.error('page crashed'));
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(server.url);
  await page.getByRole('heading', { level: 1 }).waitFor();
  const empty = await usage(page);
  const t = Date.now();
  await seed(page, server.url);
  const seeded = await usage(page);
  const messages = SESSIONS * PER_SESSION;
  console.log(
    `Seeded ${SESSIONS.toLocaleString('en')} sessions, ${messages.toLocaleString('en')} messages in ${((Date.now() - t) / 1000).toFixed(0)} s`,
  );

  // The first pass, as after the upgrade: from the open until everything is indexed.
  const t1 = Date.now();
  await page.goto(server.url);
  const box = page.getByRole('searchbox', { name: 'Search sessions' });
  await box.waitFor();
  for (;;) {
    const s = await indexState(page);
    if (s.state?.done && s.queued === 0) break;
    await page.waitForTimeout(500);
  }
  const indexSeconds = (Date.now() - t1) / 1000;
  // The indexer's tasks: those after it started (the app's own start-up comes before).
  const longest = await page.evaluate(() => {
    const start = performance.getEntriesByName('tern:indexer-start')[0]?.startTime ?? 0;
    return Math.max(0, ...window.__tasks.filter(([s]) => s >= start).map(([, d]) => d));
  });
  await page.waitForTimeout(2000);
  const indexed = await usage(page);
  const mb = (b) => `${(b / 1e6).toFixed(0)} MB`;
  console.log(
    `First pass over ${messages.toLocaleString('en')} messages: ${indexSeconds.toFixed(0)} s, longest task after the indexer started ${longest.toFixed(0)} ms; ` +
      `on disk (storage estimate): messages ${mb(seeded - empty)}, index ${mb(indexed - seeded)} (${((indexed - seeded) / (seeded - empty)).toFixed(2)}× the messages)`,
  );

  const measureAll = async (url) => {
    await page.goto(url);
    await box.waitFor();
    await page
      .getByRole('button', { name: `More actions for Session ${SESSIONS - 1}`, exact: true })
      .waitFor({ state: 'attached', timeout: 120_000 });
    // One search first: the search code loads with the first search, which is not what is timed.
    await measure(page, box, 'warm');
    const out = [];
    for (const { query } of QUERIES) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(page, box, query));
      out.push(runs);
    }
    return out;
  };
  const index = await measureAll(server.url);
  const scan = await measureAll(`${server.url}/?search=scan`);
  const rows = QUERIES.map(({ label }, q) => {
    const cell = (runs) => {
      const firsts = runs.map((r) => r.first).filter((x) => x !== null);
      return {
        first: ms(firsts.length === runs.length ? p95(firsts) : null),
        done: ms(p95(runs.map((r) => r.done))),
        hits: String(runs[0].hits),
        freeze: ms(Math.max(...runs.map((r) => Math.max(r.gap, r.task)))),
      };
    };
    const a = cell(index[q]);
    const b = cell(scan[q]);
    return {
      query: label,
      'index hits': a.hits,
      'index first p95': a.first,
      'index done p95': a.done,
      'index worst freeze': a.freeze,
      'scan hits': b.hits,
      'scan first p95': b.first,
      'scan done p95': b.done,
    };
  });
  console.log(
    `Search: p95 of ${RUNS} runs (ms) from the start of the search, the index and the scan in the same run; freeze = longest frame gap or task`,
  );
  console.table(rows);

  // Start-up: time to interactive (the search box and the newest session on screen), with the
  // full index, then with the index emptied (its first pass marked done, so nothing runs).
  const startup = async () => {
    const xs = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${server.url}/__blank`);
      const t0 = Date.now();
      await page.goto(server.url);
      await page
        .getByRole('button', { name: `More actions for Session ${SESSIONS - 1}`, exact: true })
        .waitFor({ state: 'attached', timeout: 120_000 });
      await box.waitFor();
      xs.push(Date.now() - t0);
    }
    return xs;
  };
  const withIndex = await startup();
  await page.goto(`${server.url}/__blank`);
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const req = indexedDB.open('tern');
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction(['searchDocs', 'searchPostings', 'searchQueue'], 'readwrite');
          for (const s of ['searchDocs', 'searchPostings', 'searchQueue'])
            tx.objectStore(s).clear();
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
        };
      }),
  );
  const withoutIndex = await startup();
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `Start-up to interactive, median of ${RUNS}: with the full index ${med(withIndex)} ms, with the index stores empty ${med(withoutIndex)} ms (${(med(withIndex) / med(withoutIndex)).toFixed(2)}×)`,
  );
} finally {
  await browser.close();
  await server.close();
}
