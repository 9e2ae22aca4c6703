// Branch benchmarks, run in real Chromium by bench/run.mjs (through storage.ts): the v3 → v4
// upgrade against a raw pass over the same rows, reading pages with and without branches beside
// them, and flipping a version with a large subtree (as flips were, and as they are). Plain
// numbers out.
import { createDatabase, type TernDB } from '../src/lib/db/database';
import { SCHEMA_HISTORY } from '../src/lib/db/schema';
import type { BranchMessageRow, MessageRow } from '../src/lib/db/rows';
import { switchVersion } from '../src/lib/domain/branches';
import { latestMessages, messagesBefore } from '../src/lib/domain/messages';
import { flushQueue } from '../src/lib/domain/search-index/writer';
import { asJson, BACKFILL_KEY, type BackfillState } from '../src/lib/db/search-layout';
import { messageRow, rawRewrite, rng, sessionRow, stats, text } from './page-rows';

const T0 = 1_700_000_000_000;
const session = sessionRow;
const message = (sessionId: string, seq: number, content: string): MessageRow =>
  messageRow(sessionId, seq, T0 + seq, content);

/** A chain of `n` branch messages hanging off `parentId`, from seq `from` on. */
function chain(sessionId: string, parentId: string, from: number, n: number, rand: () => number) {
  const out: BranchMessageRow[] = [];
  let parent = parentId;
  for (let i = 0; i < n; i++) {
    const m = message(sessionId, from + i, text(rand));
    out.push({ ...m, parentId: parent, setAsideAt: T0 + i });
    parent = m.id;
  }
  return out;
}

/** `sessions` × `perSession` active messages, written 500 sessions per transaction. */
async function seedActive(db: TernDB, sessions: number, perSession: number, rand: () => number) {
  const paths = new Map<string, MessageRow[]>();
  for (let b = 0; b < sessions; b += 500) {
    const ss = Array.from({ length: Math.min(500, sessions - b) }, (_, i) =>
      session(`s${b + i}`, T0 + b + i, perSession),
    );
    const rows = ss.flatMap((s) => {
      const path = Array.from({ length: perSession }, (_, j) => message(s.id, j + 1, text(rand)));
      paths.set(s.id, path);
      return path;
    });
    await db.transaction('rw', db.sessions, db.messages, async () => {
      await db.sessions.bulkAdd(ss);
      await db.messages.bulkAdd(rows);
    });
  }
  return paths;
}

/**
 * The v3 → v4 upgrade over `sessions` × 20 messages, then, on the same data in the same page, the
 * floor: raw IndexedDB reading every message and writing it back once, in one transaction.
 */
async function upgradeV4Run(sessions: number) {
  const v3 = createDatabase({ name: 'tern', history: SCHEMA_HISTORY.slice(0, 3) });
  await v3.open();
  await seedActive(v3, sessions, 20, rng(3));
  v3.close();
  const db = createDatabase({ history: SCHEMA_HISTORY });
  const t = performance.now();
  await db.open();
  const upgradeMs = performance.now() - t;
  db.close();
  const raw = await rawRewrite('messages');
  return { upgradeMs, rawMs: raw.ms, messages: raw.rows };
}

/**
 * Latest 50 of random sessions and every older page of a 10,000-message session, in a database of
 * `sessions` × 20 messages: with no branches, and with a tenth of the sessions (the long one too)
 * carrying three set-aside versions of their second half. Same reads, same sessions, same run.
 */
async function branchPagingBench(sessions: number) {
  const run = async (name: string, withBranches: boolean) => {
    const db = createDatabase({ name });
    await db.open();
    const rand = rng(11);
    const paths = await seedActive(db, sessions, 20, rand);
    const long = Array.from({ length: 10_000 }, (_, j) => message('long', j + 1, text(rand)));
    await db.sessions.add(session('long', T0, long.length));
    for (let i = 0; i < long.length; i += 5000) await db.messages.bulkAdd(long.slice(i, i + 5000));
    let branchRows = 0;
    if (withBranches) {
      const ids = [...paths.keys()].filter((_, i) => i % 10 === 0);
      for (let b = 0; b < ids.length; b += 200) {
        const rows = ids.slice(b, b + 200).flatMap((sid) => {
          const fork = paths.get(sid)?.[9]?.id ?? '';
          return [0, 1, 2].flatMap(() => chain(sid, fork, 11, 10, rand));
        });
        branchRows += rows.length;
        await db.branchMessages.bulkAdd(rows);
      }
      for (let k = 1; k <= 10; k++) {
        const rows = chain('long', long[k * 900]?.id ?? '', k * 900 + 1, 100, rand);
        branchRows += rows.length;
        await db.branchMessages.bulkAdd(rows);
      }
    }
    const picked = [...paths.keys()].filter((_, i) => i % 10 === 0);
    for (let i = 0; i < 20; i++) await latestMessages(db, picked[i] ?? 's0', 50);
    const pick = rng(5);
    const latest: number[] = [];
    for (let i = 0; i < 300; i++) {
      const sid = picked[Math.floor(pick() * picked.length)] ?? 's0';
      const t = performance.now();
      await latestMessages(db, sid, 50);
      latest.push(performance.now() - t);
    }
    const older: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      let page = await latestMessages(db, 'long', 50);
      while (page.length > 0) {
        const t = performance.now();
        page = await messagesBefore(db, 'long', page[0]?.seq ?? 0, 50);
        older.push(performance.now() - t);
      }
    }
    const messages = (await db.messages.count()) + (await db.branchMessages.count());
    db.close();
    return { latest: stats(latest), older: stats(older), messages, branchRows };
  };
  const flat = await run('tern-bench-flat', false);
  const tree = await run('tern-bench-tree', true);
  return { flat, tree };
}

/**
 * Flipping between two versions whose subtrees hold `size` messages each (a chain under the same
 * message): each flip sets one aside and brings the other back, in one transaction. Timed from the
 * call: until the new path's last page is in hand to draw (switchVersion's plan, before the
 * writes), until the write commits, and until the last page is read back from the stores (what
 * another tab or a reload sees, and all the screen had before plans). Two databases of the same
 * rows, everything indexed first, flipped in turn so that both see the same machine: one as flips
 * were before (every moved row queued for the index, as still happens while the index's first
 * pass is under way), one as they are now (a move queues nothing). The queue is emptied after each
 * flip, timed, and the page left idle a moment before the next.
 */
async function flipBench(size: number, reps: number) {
  const open = async (name: string, queueMoves: boolean) => {
    const db = createDatabase({ name });
    await db.open();
    const rand = rng(13);
    const head = Array.from({ length: 10 }, (_, j) => message('f', j + 1, text(rand)));
    const tail = Array.from({ length: size }, (_, j) => message('f', 11 + j, text(rand)));
    const other = chain('f', head[9]?.id ?? '', 11, size, rand);
    await db.sessions.add(session('f', T0, 10 + 2 * size));
    await db.messages.bulkAdd([...head, ...tail]);
    await db.branchMessages.bulkAdd(other);
    while ((await flushQueue(db, 500)) > 0);
    if (queueMoves) {
      const state = (await db.meta.get(BACKFILL_KEY))?.value as unknown as BackfillState;
      await db.meta.put({ key: BACKFILL_KEY, value: asJson({ ...state, done: false }) });
    }
    const ends = [tail[0]?.id ?? '', other[0]?.id ?? ''];
    const lasts = [tail[size - 1]?.id, other[size - 1]?.id];
    const times = { drawn: [] as number[], written: [] as number[], readable: [] as number[] };
    const indexed: number[] = [];
    let queued = 0;
    const flip = async (i: number) => {
      const [from, to] = i % 2 ? [ends[1], ends[0]] : [ends[0], ends[1]];
      const t = performance.now();
      let planned = NaN;
      await switchVersion(db, from ?? '', to ?? '', (plan) => {
        if (plan.rows.slice(-50).at(-1)?.id === lasts[(i + 1) % 2]) planned = performance.now() - t;
      });
      times.written.push(performance.now() - t);
      const page = await latestMessages(db, 'f');
      if (page.at(-1)?.id !== lasts[(i + 1) % 2]) throw new Error('the flip did not land');
      times.readable.push(performance.now() - t);
      times.drawn.push(planned);
      queued = await db.searchQueue.count();
      const t2 = performance.now();
      while ((await flushQueue(db)) > 0);
      indexed.push(performance.now() - t2);
    };
    const result = () => ({
      drawn: stats(times.drawn),
      written: stats(times.written),
      readable: stats(times.readable),
      indexed: stats(indexed),
      queued,
    });
    return { db, flip, result };
  };
  const before = await open('tern-bench-flip-queued', true);
  const after = await open('tern-bench-flip', false);
  for (let i = 0; i < reps; i++)
    for (const run of i % 2 ? [after, before] : [before, after]) {
      await new Promise((r) => setTimeout(r, 500));
      await run.flip(i);
    }
  before.db.close();
  after.db.close();
  return { before: before.result(), after: after.result(), size };
}

export const branchBench = { upgradeV4Run, branchPagingBench, flipBench };
