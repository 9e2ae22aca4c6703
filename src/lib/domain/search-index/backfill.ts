// The first pass over the history that existed before the index (after the upgrade, after a
// repair). It walks the sessions from the most recently active down, each from its newest message
// back, and fills one block of document numbers at a time: the block's postings are gathered in
// memory, a few hundred messages per read with the page given a turn in between, then written in
// short transactions, the last of which moves the watermark (`search:backfill`) past the block. A
// closed tab or a crash loses at most the block under way, which the next run writes again over
// the same keys. Texts written while the pass runs go through the queue instead.
import type { TernDB } from '../../db/database';
import type { SearchDocRow, SessionRow } from '../../db/rows';
import { messagesBelow, sessionMessages } from '../../db/reads';
import {
  branchMessagesAfter,
  searchDocsOf,
  sessionsActiveAfter,
  sessionsActiveBy,
} from '../../db/search-reads';
import { ro, rw } from '../tx';
import { addPostings, document, indexTables, type TermDocs, type TermList } from './writer';
import { asJson, BACKFILL_KEY, blockOf, BLOCK, LIVE_BASE, type BackfillState } from './postings';
import { indexable, searchableText, titleKey } from './texts';

/** Messages per read; small enough that reading and tokenising them stays well under 50 ms. */
export const READ_BATCH = 200;
/** Rows per write transaction of the block. */
const WRITE_BATCH = 1500;
/**
 * Rows, and postings entries (a document number and its positions each), put at once: the values
 * are copied into IndexedDB in the task that puts them, so these bound the longest task of the
 * writes (1,500 rows at once took 140 ms). The next put waits for the last, and the page gets its
 * turns in between, inside the same transaction.
 */
const PUT_ROWS = 100;
const PUT_ENTRIES = 16_000;
/** Tokenising the texts read gives the page a turn once it has run this long. */
const SLICE_MS = 8;
const SESSION_BATCH = 20;

export type Pause = () => Promise<void>;

export function defaultPause(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A turn for the page once the work since the last has run SLICE_MS: call it between two texts. */
function slicer(pause: Pause): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < SLICE_MS) return;
    await pause();
    since = performance.now();
  };
}

export async function readBackfill(db: TernDB): Promise<BackfillState | null> {
  const row = await db.meta.get(BACKFILL_KEY);
  return (row?.value as BackfillState | undefined) ?? null;
}

/** Starts (or restarts, for a repair) the first pass. */
export async function beginBackfill(db: TernDB): Promise<BackfillState> {
  return rw(db, [db.meta, db.messages, db.branchMessages, db.sessions], async () => {
    const existing = await db.meta.get(BACKFILL_KEY);
    if (existing) return existing.value as unknown as BackfillState;
    const [active, aside, sessions] = await Promise.all([
      db.messages.count(),
      db.branchMessages.count(),
      db.sessions.count(),
    ]);
    const messages = active + aside;
    const state: BackfillState = {
      startedAt: Date.now(),
      down: LIVE_BASE - 1,
      cursor: null,
      indexed: 0,
      total: messages + sessions,
      done: false,
    };
    await db.meta.put({ key: BACKFILL_KEY, value: asJson(state) });
    return state;
  });
}

// The sessions after the cursor, most recently active first (ties by id, descending, as a reversed
// index walk gives them). Only those active before the pass began: later ones are swept at the end.
async function nextSessions(db: TernDB, state: BackfillState): Promise<SessionRow[]> {
  const c = state.cursor;
  const top = c ? c.at : state.startedAt;
  const rows = await sessionsActiveBy(db, top)
    .reverse()
    .filter((s) => !c || s.lastActivityAt < c.at || s.id <= c.id)
    .limit(SESSION_BATCH)
    .toArray();
  // The cursor's own session comes first while it has messages left, then never again.
  return rows.filter((s) => !c || s.id !== c.id || c.below !== null);
}

interface Block {
  low: number;
  down: number;
  byTerm: TermDocs;
  docs: SearchDocRow[];
}

/** Whether a text already has a document from outside this block (a write that got there first). */
async function doneElsewhere(db: TernDB, keys: string[], block: Block): Promise<Set<string>> {
  const [docs, queued] = await Promise.all([
    searchDocsOf(db, keys).toArray(),
    db.searchQueue.bulkGet(keys),
  ]);
  const out = new Set<string>();
  for (const d of docs) if (blockOf(d.doc) !== blockOf(block.low)) out.add(d.key);
  queued.forEach((q, i) => q && out.add(keys[i] ?? ''));
  return out;
}

function add(block: Block, key: string, sessionId: string, text: string, title?: string): void {
  block.docs.push(document(block.down--, key, sessionId, text, block.byTerm, title));
}

/**
 * Indexes the next block of the history. Returns false when the pass is over (and marks it so).
 * `signal` stops it between two reads; what was gathered is dropped and done again next time.
 */
export async function backfillBlock(
  db: TernDB,
  options: { pause?: Pause; signal?: AbortSignal } = {},
): Promise<boolean> {
  const pause = options.pause ?? defaultPause;
  const start = (await readBackfill(db)) ?? (await beginBackfill(db));
  if (start.done) return false;
  const state: BackfillState = { ...start, cursor: start.cursor && { ...start.cursor } };
  const block: Block = {
    low: blockOf(state.down) * BLOCK,
    down: state.down,
    byTerm: new Map(),
    docs: [],
  };
  let finished = false;
  const turn = slicer(pause);
  // Gather until the block is full or the history ends: each read takes several sessions at once
  // (as many messages as fit in READ_BATCH, by their counters), and what is already indexed.
  gather: while (block.down >= block.low) {
    const sessions = await ro(db, [db.sessions], () => nextSessions(db, state));
    if (sessions.length === 0) {
      finished = true;
      break;
    }
    let at = 0;
    while (at < sessions.length) {
      if (block.down < block.low) break gather;
      const plan: { s: SessionRow; below: number | null; fresh: boolean; limit: number }[] = [];
      let budget = Math.min(READ_BATCH, block.down - block.low + 1);
      while (at < sessions.length && budget > 0) {
        const s = sessions[at] as SessionRow;
        const resume = state.cursor?.id === s.id ? state.cursor.below : null;
        const fresh = resume === null;
        // The title takes a document number too.
        const limit = Math.max(1, Math.min(budget - (fresh ? 1 : 0), s.messageCount + 1));
        plan.push({ s, below: resume, fresh, limit });
        budget -= limit + (fresh ? 1 : 0);
        if (limit >= s.messageCount + 1 || budget <= 0) at++;
        if (limit < s.messageCount + 1) break;
      }
      const reads = await ro(db, [db.messages, db.searchDocs, db.searchQueue], async () => {
        const rows = await Promise.all(
          plan.map((p) => messagesBelow(db, p.s.id, p.below).reverse().limit(p.limit).toArray()),
        );
        const keys = plan.flatMap((p, i) => [
          ...(p.fresh ? [titleKey(p.s.id)] : []),
          ...(rows[i] ?? []).map((m) => m.id),
        ]);
        const skip = keys.length ? await doneElsewhere(db, keys, block) : new Set<string>();
        return { rows, skip };
      });
      for (const [i, p] of plan.entries()) {
        const rows = reads.rows[i] ?? [];
        if (p.fresh && !reads.skip.has(titleKey(p.s.id)))
          add(block, titleKey(p.s.id), p.s.id, p.s.title, p.s.title);
        for (const m of rows) {
          if (!reads.skip.has(m.id) && indexable(m))
            add(block, m.id, m.sessionId, searchableText(m));
          await turn();
        }
        const last = rows[rows.length - 1];
        const more = rows.length === p.limit && last !== undefined;
        state.cursor = { at: p.s.lastActivityAt, id: p.s.id, below: more ? last.seq : null };
        // A session cut short is taken up again at the next read (or the next block).
        if (more && at > 0 && sessions[at - 1]?.id === p.s.id) at--;
      }
      await pause();
      if (options.signal?.aborted) return true;
    }
  }
  await writeBlock(db, block, pause);
  state.indexed += block.docs.length;
  state.down = block.down;
  if (finished) {
    await sweep(db, state.startedAt);
    state.indexed += await queueBranches(db, pause);
    state.done = true;
  }
  // Only if the pass was not restarted meanwhile (a rebuild): its watermark is not ours to move.
  await rw(db, [db.meta], async () => {
    const now = (await db.meta.get(BACKFILL_KEY))?.value as BackfillState | undefined;
    if (now?.startedAt === start.startedAt)
      await db.meta.put({ key: BACKFILL_KEY, value: asJson(state) });
  });
  return !finished;
}

// The messages of inactive branches are few beside the active paths (versions set aside, imported
// trees), so they go through the queue rather than the numbered walk: a page of ids at a time, those
// without a document yet. Returns how many were queued.
async function queueBranches(db: TernDB, pause: Pause): Promise<number> {
  let after: string | null = null;
  let queued = 0;
  for (;;) {
    const from: string | null = after;
    const ids: string[] = await rw(db, [db.branchMessages, ...indexTables(db)], async () => {
      const keys = await branchMessagesAfter(db, from).limit(READ_BATCH).primaryKeys();
      const have = new Set(await searchDocsOf(db, keys).keys());
      const missing = keys.filter((k) => !have.has(k));
      if (missing.length > 0) await db.searchQueue.bulkPut(missing.map((key) => ({ key })));
      queued += missing.length;
      return keys;
    });
    if (ids.length < READ_BATCH) return queued;
    after = ids[ids.length - 1] ?? null;
    await pause();
  }
}

async function writeBlock(db: TernDB, block: Block, pause: Pause): Promise<void> {
  // Written over, not merged: the block is the pass's alone, and a rerun writes the same keys.
  const terms = [...block.byTerm];
  for (let i = 0; i < terms.length;) {
    await rw(db, indexTables(db), async () => {
      for (const end = Math.min(terms.length, i + WRITE_BATCH); i < end;) {
        const part: TermDocs = new Map();
        let entries = 0;
        for (; i < end && part.size < PUT_ROWS; i++) {
          const [term, list] = terms[i] as [string, TermList];
          if (part.size > 0 && entries + list.docs.length > PUT_ENTRIES) break;
          part.set(term, list);
          entries += list.docs.length;
        }
        await addPostings(db, part, false);
      }
    });
    await pause();
  }
  for (let i = 0; i < block.docs.length;) {
    await rw(db, indexTables(db), async () => {
      for (const end = Math.min(block.docs.length, i + WRITE_BATCH); i < end; i += PUT_ROWS)
        await db.searchDocs.bulkPut(block.docs.slice(i, Math.min(end, i + PUT_ROWS)));
    });
    await pause();
  }
}

// Sessions that became active after the pass began moved above its walk; their new messages went
// through the queue, and whatever they held before is queued here.
async function sweep(db: TernDB, startedAt: number): Promise<void> {
  const sessions = await ro(db, [db.sessions], () =>
    sessionsActiveAfter(db, startedAt).primaryKeys(),
  );
  for (const id of sessions) {
    await rw(db, [db.messages, ...indexTables(db)], async () => {
      const ids = await sessionMessages(db, id).primaryKeys();
      const keys = [titleKey(id), ...ids];
      const have = new Set(await searchDocsOf(db, keys).keys());
      const missing = keys.filter((k) => !have.has(k));
      if (missing.length > 0) await db.searchQueue.bulkPut(missing.map((key) => ({ key })));
    });
  }
}
