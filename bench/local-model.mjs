// The on-device model's figures: load time, time to the first token, tokens per second with one
// thread (no cross-origin isolation, as Tern is served) and with all cores (the same page served
// with COOP/COEP), and the memory the browser's processes hold once the model is loaded; for a tiny
// model and a large one made here with random weights (scripts/make-gguf.mjs). Also the sizes of
// the engine's wasm and code in the build. Run after `vite build`:
//   node bench/local-model.mjs [large-spec]      (default large spec: 8x768, about 230 MB)
// Timings are noisy on a shared machine: compare the ratios within one run.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { launchChromiumServer } from '../scripts/chromium.mjs';
import { makeGguf, presetOf } from '../scripts/make-gguf.mjs';

const root = resolve(import.meta.dirname, '..');
const wllamaDir = join(root, 'node_modules/@wllama/wllama/esm');
const largeSpec = process.argv[2] ?? 'large';
const models = {
  tiny: Buffer.concat(makeGguf(presetOf('tiny'))),
  large: Buffer.concat(makeGguf({ ...presetOf(largeSpec), ctx: 2048 })),
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const headers = {};
  if (url.searchParams.has('isolated') || req.headers.referer?.includes('isolated')) {
    headers['cross-origin-opener-policy'] = 'same-origin';
    headers['cross-origin-embedder-policy'] = 'require-corp';
  }
  headers['cross-origin-resource-policy'] = 'same-origin';
  const send = (type, body) => {
    res.writeHead(200, { ...headers, 'content-type': type });
    res.end(body);
  };
  if (url.pathname === '/')
    return send('text/html', readFileSync(join(root, 'bench/local-model.html')));
  if (url.pathname === '/local-model-page.js')
    return send('text/javascript', readFileSync(join(root, 'bench/local-model-page.js')));
  if (url.pathname === '/wllama/index.js')
    return send('text/javascript', readFileSync(join(wllamaDir, 'index.js')));
  if (url.pathname === '/wllama/wasm/wllama.wasm')
    return send('application/wasm', readFileSync(join(wllamaDir, 'wasm/wllama.wasm')));
  const m = /^\/model\/(\w+)\.gguf$/.exec(url.pathname);
  if (m && models[m[1]]) return send('application/octet-stream', models[m[1]]);
  res.writeHead(404).end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

// Launched as a server so that its process id is known, for the memory figure.
const browserServer = await launchChromiumServer();
const browser = await chromium.connect(browserServer.wsEndpoint());

/** Resident memory of the browser and all its child processes, in bytes. */
function browserRss() {
  const pid = browserServer.process().pid;
  if (!pid) return null;
  const all = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const line of execFileSync('ps', ['-eo', 'pid=,ppid=']).toString().trim().split('\n')) {
      const [p, pp] = line.trim().split(/\s+/).map(Number);
      if (all.has(pp) && !all.has(p)) {
        all.add(p);
        grew = true;
      }
    }
  }
  let kb = 0;
  for (const p of all) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // Gone meanwhile.
    }
  }
  return kb * 1024;
}

async function run(model, isolated, maxTokens) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/${isolated ? '?isolated' : ''}`);
  await page.waitForFunction(() => typeof window.runBench === 'function');
  const before = browserRss();
  const threads = isolated ? await page.evaluate(() => navigator.hardwareConcurrency) : 1;
  const result = await page.evaluate(
    async (args) => {
      const { result, stop } = await window.runBench(args);
      window.__stop = stop;
      return result;
    },
    { model: `/model/${model}.gguf`, threads, maxTokens },
  );
  const after = browserRss();
  await page.evaluate(() => window.__stop());
  await context.close();
  return { ...result, memoryBytes: before !== null && after !== null ? after - before : null };
}

const mb = (n) => (n === null ? '—' : `${(n / 1048576).toFixed(0)} MB`);
const rows = [];
for (const [name, maxTokens] of [
  ['tiny', 128],
  ['large', 32],
]) {
  for (const isolated of [false, true]) {
    const r = await run(name, isolated, maxTokens);
    rows.push({ name, ...r });
    console.log(
      `${name.padEnd(5)} ${(models[name].length / 1048576).toFixed(1).padStart(6)} MB  ${
        r.multithread ? `${r.threads} threads (isolated)` : '1 thread (not isolated)'
      }  load ${r.loadMs.toFixed(0)} ms  first token ${r.firstTokenMs?.toFixed(0)} ms  ${r.tokensPerSecond?.toFixed(1)} tokens/s (${r.predicted} tokens)  memory +${mb(r.memoryBytes)}`,
    );
  }
}
for (const name of ['tiny', 'large']) {
  const [one, all] = rows.filter((r) => r.name === name);
  console.log(
    `${name}: all threads vs one: ${(all.tokensPerSecond / one.tokensPerSecond).toFixed(2)}× tokens/s, first token ${(one.firstTokenMs / all.firstTokenMs).toFixed(2)}× sooner`,
  );
}
await browser.close();
await browserServer.close();
server.close();

// Sizes in the build (run `vite build` first).
const assets = join(root, 'dist/assets');
try {
  const files = readdirSync(assets).filter((f) => !f.endsWith('.map'));
  const size = (f) => {
    const body = readFileSync(join(assets, f));
    return `${(statSync(join(assets, f)).size / 1024).toFixed(0)} KB (${(gzipSync(body, { level: 9 }).length / 1024).toFixed(0)} KB gzip)`;
  };
  for (const f of files.filter((f) => /^(wllama|inference|local)-/.test(f)))
    console.log(`${f.padEnd(28)} ${size(f)}`);
} catch {
  console.log('No build in dist/: run `npx vite build` for the sizes.');
}
