// `npm run bench:io`: import and export throughput for 100,000 messages of Tern's own format
// against a raw IndexedDB bulk write of the same rows, and a ChatGPT export of 200 MB (generated
// here, into a temporary file, never kept) imported through a file input with its elapsed time
// and peak memory. Real Chromium, a fresh on-disk profile for each measurement; prints a table.
import {
  createWriteStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromiumProfile } from '../scripts/chromium.mjs';
import { startIoHarness } from './io-harness.mjs';

const SESSIONS = 1000;
const PER_SESSION = 100;
const CHATGPT_MB = Number(process.env.TERN_BENCH_CHATGPT_MB ?? 200);

const work = mkdtempSync(join(tmpdir(), 'tern-bench-io-'));
const log = (...a) => console.error('[bench:io]', ...a);
const server = await startIoHarness();
const url = server.url;

/** Resident memory of the profile's renderer processes (the page and its worker live there). */
function rendererRss(profile) {
  const procs = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      procs.set(pid, { cmd, ppid });
    } catch {
      // the process ended while we looked
    }
  }
  const browser = [...procs].find(([, p]) => p.cmd.includes(profile) && !p.cmd.includes('--type='));
  if (!browser) return 0;
  const inTree = (pid) => {
    for (let p = pid; p && p !== '1'; p = procs.get(p)?.ppid) if (p === browser[0]) return true;
    return false;
  };
  let kb = 0;
  for (const [pid, p] of procs) {
    if (!p.cmd.includes('--type=renderer') || !inTree(pid)) continue;
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    kb += Number(m?.[1] ?? 0);
  }
  return kb * 1024;
}

async function withPage(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tern-bench-'));
  const context = await launchChromiumProfile(dir, {
    args: ['--enable-blink-features=ForceEagerMeasureMemory'],
  });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(1_800_000);
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready');
    return await fn(page, dir);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A ChatGPT export of about `mb` megabytes: conversations of 40 messages, written as it goes. */
async function writeChatGpt(path, mb) {
  const file = createWriteStream(path);
  const write = (s) => (file.write(s) ? undefined : new Promise((r) => file.once('drain', r)));
  const words =
    'the a to of and in that is for it you with on as this be are can have not your more'.split(
      ' ',
    );
  let seed = 3;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const text = () =>
    Array.from({ length: 120 }, () => words[Math.floor(rand() * words.length)]).join(' ');
  let bytes = 1;
  let conversations = 0;
  await write('[');
  while (bytes < mb * 1e6) {
    const id = `c${conversations}`;
    const mapping = { root: { id: 'root', parent: null, children: [`${id}-0`], message: null } };
    let parent = 'root';
    for (let m = 0; m < 40; m++) {
      const mid = `${id}-${m}`;
      mapping[mid] = {
        id: mid,
        parent,
        children: m < 39 ? [`${id}-${m + 1}`] : [],
        message: {
          id: mid,
          author: { role: m % 2 ? 'assistant' : 'user', name: null, metadata: {} },
          create_time: 1_700_000_000 + m,
          content: { content_type: 'text', parts: [text()] },
          status: 'finished_successfully',
          metadata: m % 2 ? { model_slug: 'gpt-4o' } : {},
        },
      };
      parent = mid;
    }
    const s = JSON.stringify({
      title: `Conversation ${conversations}`,
      create_time: 1_700_000_000,
      update_time: 1_700_000_100,
      conversation_id: id,
      current_node: parent,
      default_model_slug: 'gpt-4o',
      mapping,
    });
    await write((conversations > 0 ? ',' : '') + s);
    bytes += s.length + 1;
    conversations++;
  }
  await write(']');
  await new Promise((r) => file.end(r));
  return { bytes: bytes + 1, conversations, messages: conversations * 40 };
}

const rows = [];
const mbps = (bytes, ms) => `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;
const perS = (n, ms) => `${Math.round(n / (ms / 1000)).toLocaleString('en')} msgs/s`;
const mb = (b) => `${(b / 1048576).toFixed(0)} MiB`;

try {
  log(`raw IndexedDB bulk write of ${SESSIONS * PER_SESSION} messages…`);
  const raw = await withPage((p) =>
    p.evaluate(([s, m]) => window.bench.rawRun(s, m), [SESSIONS, PER_SESSION]),
  );
  log('export of the same rows as Tern’s file…');
  const exp = await withPage((p) =>
    p.evaluate(([s, m]) => window.bench.exportRun(s, m), [SESSIONS, PER_SESSION]),
  );
  const ternFile = join(work, 'tern-export.json');
  writeFileSync(ternFile, exp.text);
  log('import of that file into an empty profile…');
  const imp = await withPage(async (p) => {
    await p.setInputFiles('#file', ternFile);
    return p.evaluate(() => window.bench.importRun(false));
  });
  if (imp.fileError || imp.messages !== exp.messages)
    throw new Error(`import lost rows: ${JSON.stringify(imp)}`);

  log(`generating a ${CHATGPT_MB} MB ChatGPT export…`);
  const chatgptFile = join(work, 'conversations.json');
  const gen = await writeChatGpt(chatgptFile, CHATGPT_MB);
  log('importing it…');
  const big = await withPage(async (p, profile) => {
    await p.setInputFiles('#file', chatgptFile);
    let peakRss = 0;
    const timer = setInterval(() => (peakRss = Math.max(peakRss, rendererRss(profile))), 250);
    try {
      const r = await p.evaluate(() => window.bench.importRun(true));
      return { ...r, peakRss };
    } finally {
      clearInterval(timer);
    }
  });
  if (big.fileError || big.messages !== gen.messages)
    throw new Error(`ChatGPT import lost rows: ${JSON.stringify(big)}`);

  const n = SESSIONS * PER_SESSION;
  const fileMB = `${(exp.bytes / 1e6).toFixed(1)} MB`;
  rows.push([
    `Raw IndexedDB bulk write, ${n.toLocaleString('en')} messages (${fileMB} as a file), one transaction`,
    `${raw.ms.toFixed(0)} ms`,
    `${mbps(exp.bytes, raw.ms)}, ${perS(n, raw.ms)}`,
    'baseline',
  ]);
  rows.push([
    `Export everything as Tern’s file (${SESSIONS} sessions)`,
    `${exp.ms.toFixed(0)} ms`,
    `${mbps(exp.bytes, exp.ms)}, ${perS(n, exp.ms)}`,
    `${(exp.ms / raw.ms).toFixed(2)}× raw (target ≤ 2×)`,
  ]);
  rows.push([
    `Import that file into an empty database (worker, 1 transaction per session)`,
    `${imp.ms.toFixed(0)} ms`,
    `${mbps(exp.bytes, imp.ms)}, ${perS(n, imp.ms)}`,
    `${(imp.ms / raw.ms).toFixed(2)}× raw (target ≤ 2×)`,
  ]);
  rows.push([
    `ChatGPT export, ${(gen.bytes / 1e6).toFixed(0)} MB, ${gen.conversations.toLocaleString('en')} conversations, ${gen.messages.toLocaleString('en')} messages`,
    `${(big.ms / 1000).toFixed(1)} s`,
    `${mbps(gen.bytes, big.ms)}, ${perS(gen.messages, big.ms)}`,
    '',
  ]);
  rows.push([
    '  peak JS heap, page + import worker (measureUserAgentSpecificMemory)',
    big.peakHeap === null ? 'n/a' : mb(big.peakHeap),
    `${big.heapSamples} samples`,
    '',
  ]);
  rows.push([
    '  peak resident memory of the renderer process (/proc, every 250 ms)',
    mb(big.peakRss),
    '',
    '',
  ]);
  rows.push([
    '  longest gap between 10 ms timer ticks on the page (responsiveness)',
    `${big.longestTickGap.toFixed(0)} ms`,
    `Tern file import: ${imp.longestTickGap.toFixed(0)} ms`,
    '',
  ]);
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
console.log(
  `\nTern import/export benchmarks — Chromium, ${new Date().toISOString().slice(0, 10)}\n`,
);
for (const r of rows)
  console.log(`${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`);
