// `node bench/branches-import.mjs [runs]`: a ChatGPT export of 20,000 messages in 2,000 branches
// imported side by side with the same 20,000 messages in single-branch conversations, through the
// import worker in real Chromium, a fresh profile each time. Prints the median of each and the
// ratio (target ≤ 1.3×).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromiumProfile } from '../scripts/chromium.mjs';
import { startIoHarness } from './io-harness.mjs';

const RUNS = Number(process.argv[2] ?? 3);
const CONVERSATIONS = 200;
const PER_CONVERSATION = 100;
/** Branches per conversation: the main path and nine side branches of ten messages each. */
const BRANCHES = 10;

const log = (...a) => console.error('[bench:branches-import]', ...a);
const work = mkdtempSync(join(tmpdir(), 'tern-bench-branches-'));

let seed = 7;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const words = 'the a to of and in that is for it you with on as this be are can have'.split(' ');
const text = () =>
  Array.from({ length: 60 }, () => words[Math.floor(rand() * words.length)]).join(' ');

function node(mapping, id, parent, m, t) {
  mapping[id] = {
    id,
    parent,
    children: [],
    message: {
      id,
      author: { role: m % 2 ? 'assistant' : 'user', name: null, metadata: {} },
      create_time: t,
      content: { content_type: 'text', parts: [text()] },
      status: 'finished_successfully',
      metadata: {},
    },
  };
  mapping[parent]?.children.push(id);
}

/** One conversation: one chain of 100, or a chain of 10 with nine chains of 10 forking off it. */
function conversation(c, branched) {
  const id = `c${c}`;
  const mapping = { root: { id: 'root', parent: null, children: [], message: null } };
  const per = branched ? PER_CONVERSATION / BRANCHES : PER_CONVERSATION;
  let t = 1_700_000_000;
  const main = [];
  let parent = 'root';
  for (let m = 0; m < per; m++) {
    const mid = `${id}-0-${m}`;
    node(mapping, mid, parent, m, t++);
    main.push(mid);
    parent = mid;
  }
  const current = parent;
  if (branched)
    for (let b = 1; b < BRANCHES; b++) {
      // Each side branch replaces a reply (an odd place on the main path) with its own chain.
      const at = 1 + 2 * Math.floor(rand() * (per / 2));
      let p = at === 0 ? 'root' : main[at - 1];
      for (let m = 0; m < per; m++) {
        const mid = `${id}-${b}-${m}`;
        node(mapping, mid, p, at + m, t++);
        p = mid;
      }
    }
  return {
    title: `Conversation ${c}`,
    create_time: 1_700_000_000,
    update_time: t,
    conversation_id: id,
    current_node: current,
    mapping,
  };
}

function file(branched) {
  const path = join(work, `${branched ? 'branched' : 'flat'}.json`);
  const list = Array.from({ length: CONVERSATIONS }, (_, c) => conversation(c, branched));
  writeFileSync(path, JSON.stringify(list));
  return path;
}

const server = await startIoHarness();
async function importOnce(path) {
  const dir = mkdtempSync(join(tmpdir(), 'tern-bench-'));
  const context = await launchChromiumProfile(dir);
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'ready');
    await page.setInputFiles('#file', path);
    return await page.evaluate(() => window.bench.importRun(false));
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const flat = file(false);
  const branched = file(true);
  const times = { flat: [], branched: [] };
  let counts;
  for (let r = 0; r < RUNS; r++) {
    for (const [name, path] of [
      ['flat', flat],
      ['branched', branched],
    ]) {
      const out = await importOnce(path);
      const total = out.messages + out.branchMessages;
      if (out.fileError || total !== CONVERSATIONS * PER_CONVERSATION)
        throw new Error(`${name} import lost rows: ${JSON.stringify(out)}`);
      if (name === 'branched') counts = out;
      times[name].push(out.ms);
      log(`run ${r + 1} ${name}: ${out.ms.toFixed(0)} ms`);
    }
  }
  const f = median(times.flat);
  const b = median(times.branched);
  console.log(
    `ChatGPT import, ${(CONVERSATIONS * PER_CONVERSATION).toLocaleString('en')} messages, median of ${RUNS}:`,
  );
  console.log(`  one branch per conversation          ${f.toFixed(0)} ms`);
  console.log(
    `  ${(CONVERSATIONS * BRANCHES).toLocaleString('en')} branches (${counts.messages.toLocaleString('en')} on screen, ${counts.branchMessages.toLocaleString('en')} in other versions)  ${b.toFixed(0)} ms  ${(b / f).toFixed(2)}× (target ≤ 1.3×)`,
  );
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
