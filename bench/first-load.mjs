// The JavaScript a first visit loads before the user does anything: every script the built app
// fetches until the page is idle, gzipped as a server would send it. Run after `vite build`.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { serveApp } from './serve.mjs';

const dist = resolve(import.meta.dirname, '..', 'dist');
const server = await serveApp(dist);
const browser = await launchChromium();
const context = await browser.newContext({ serviceWorkers: 'block' });
const page = await context.newPage();
const scripts = new Set();
page.on('request', (r) => {
  const path = new URL(r.url()).pathname;
  if (path.endsWith('.js') && !path.endsWith('sw.js') && !path.includes('workbox-'))
    scripts.add(path);
});
await page.goto(server.url);
await page.getByRole('button', { name: 'New session' }).first().waitFor();
await page.waitForLoadState('networkidle');
let raw = 0;
let gz = 0;
const rows = [];
for (const path of [...scripts].sort()) {
  const body = readFileSync(join(dist, path));
  const g = gzipSync(body, { level: 9 }).length;
  raw += body.length;
  gz += g;
  rows.push(`  ${path.padEnd(48)} ${(g / 1024).toFixed(1).padStart(7)} KB gzip`);
}
await browser.close();
await server.close();
console.log(
  `First load (no interaction): ${scripts.size} scripts, ${(raw / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped (budget 80 KB)`,
);
console.log(rows.join('\n'));
