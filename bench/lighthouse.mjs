// Lighthouse 12.2.3 on the built app, mobile (its default: a mid-range phone on slow 4G, simulated)
// and desktop, served as a real host would (gzip, long-lived cache for hashed assets), driven with
// the system Chromium. Prints the median of LH_RUNS runs (3 unless told) per form factor. Scores
// are noisy on a loaded machine: compare runs made the same way, at the same time.
import { resolve } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { serveApp } from './serve.mjs';

const RUNS = Number(process.env.LH_RUNS ?? 3);
// TERN_DIST: another build to measure the same way (a baseline).
const dist = resolve(process.env.TERN_DIST ?? resolve(import.meta.dirname, '..', 'dist'));
const server = await serveApp(dist, { host: true });
const chrome = await chromeLauncher.launch({
  chromePath: findChromium(),
  chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const METRICS = {
  FCP: 'first-contentful-paint',
  LCP: 'largest-contentful-paint',
  TBT: 'total-blocking-time',
  CLS: 'cumulative-layout-shift',
  SI: 'speed-index',
};

try {
  for (const [name, config] of [
    ['mobile', undefined],
    ['desktop', desktopConfig],
  ]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await lighthouse(
        server.url,
        { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES },
        config,
      );
      if (!result) throw new Error('Lighthouse returned no result');
      runs.push(result.lhr);
    }
    const scores = CATEGORIES.map(
      (c) => `${c} ${median(runs.map((r) => Math.round((r.categories[c]?.score ?? 0) * 100)))}`,
    );
    const metrics = Object.entries(METRICS).map(([label, id]) => {
      const v = median(runs.map((r) => r.audits[id]?.numericValue ?? NaN));
      return label === 'CLS' ? `${label} ${v.toFixed(3)}` : `${label} ${(v / 1000).toFixed(2)} s`;
    });
    console.log(`${name} (median of ${RUNS}): ${scores.join(', ')}`);
    console.log(`  ${metrics.join(' · ')}`);
    const lcp = runs.at(-1)?.audits['largest-contentful-paint-element']?.details;
    const node = lcp?.items?.[0]?.items?.[0]?.node;
    if (node) console.log(`  LCP element: ${node.snippet}`);
  }
} finally {
  await chrome.kill();
  await server.close();
}
