// What the UI's live queries read after one write, in a library of 10,000 sessions: a Dexie
// middleware counts every row handed to them (values from gets, queries and cursors). Each screen
// must read about what it shows (a page), not the library, whatever the write: an imported
// conversation (one that sorts below the sidebar's page, and one above it), a message appended to
// the open session, a session moved to the trash. The same writes in a 100-session library give
// the flat baseline. The search inside messages is no live query: a write makes it read nothing.
import { liveQuery, type DBCore, type DBCoreCursor, type Middleware } from 'dexie';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDatabase, DEFAULT_WORKSPACE_ID, type TernDB } from '../../src/lib/db/database';
import type { MessageRow, SessionRow } from '../../src/lib/db/rows';
import { importChunk, type Conversation } from '../../src/lib/domain/import';
import { appendMessage, countMessagesUpTo, openMessages } from '../../src/lib/domain/messages';
import { listImages } from '../../src/lib/domain/images';
import { latestMessages } from '../../src/lib/domain/messages';
import { trashSession } from '../../src/lib/domain/sessions';
import { app } from '../../src/lib/state/app.svelte';
import {
  readLibrary,
  readTrash,
  readTrashSummary,
  SIDEBAR_PAGE,
  TRASH_PAGE,
} from '../../src/lib/state/library.svelte';
import { MessageSearch } from '../../src/lib/state/search.svelte';
import { freshDeps } from '../helpers/db';
import { flushQueue } from '../../src/lib/domain/search-index/writer';
import { sleep } from '../helpers/sleep';

/** Rows handed to readers since the last reset. */
const tally = { rows: 0, requests: 0, steps: 0 };

/** Reads by writers (inside their read-write transactions) are theirs, not the screens'. */
const byReader = (trans: unknown) => (trans as IDBTransaction).mode !== 'readwrite';

function cursorCounting(cursor: DBCoreCursor): DBCoreCursor {
  let last: unknown = undefined;
  let first = true;
  return Object.create(cursor, {
    value: {
      get() {
        tally.steps++;
        // Read once per step, however often the caller looks at it.
        if (first || cursor.primaryKey !== last) tally.rows++;
        first = false;
        last = cursor.primaryKey;
        return cursor.value as unknown;
      },
    },
  }) as DBCoreCursor;
}

const countReads: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'count-reads',
  create: (down) => ({
    ...down,
    table: (name) => {
      const t = down.table(name);
      return {
        ...t,
        get: async (req) => {
          tally.requests++;
          const v: unknown = await t.get(req);
          if (v !== undefined && byReader(req.trans)) tally.rows++;
          return v;
        },
        getMany: async (req) => {
          tally.requests++;
          const v: unknown[] = await t.getMany(req);
          if (byReader(req.trans)) tally.rows += v.filter((x) => x !== undefined).length;
          return v;
        },
        query: async (req) => {
          tally.requests++;
          const res = await t.query(req);
          if (byReader(req.trans)) tally.rows += res.result.length;
          return res;
        },
        openCursor: async (req) => {
          tally.requests++;
          const c = await t.openCursor(req);
          return c && byReader(req.trans) ? cursorCounting(c) : c;
        },
      };
    },
  }),
};

const T0 = 1_700_000_000_000;
const PER_SESSION = 4;

function session(i: number, deleted = false): SessionRow {
  const at = T0 + i * 60_000;
  return {
    id: `s${i}`,
    workspaceId: DEFAULT_WORKSPACE_ID,
    title: `Session ${i}`,
    model: null,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    deletedAt: deleted ? at + 1 : null,
    messageCount: PER_SESSION,
    imageCount: 0,
    totalTokens: 0,
    compactionCount: 0,
    metadata: {},
  };
}

function message(sessionId: string, seq: number, at: number): MessageRow {
  return {
    id: `${sessionId}-m${seq}`,
    sessionId,
    seq,
    role: seq % 2 ? 'user' : 'assistant',
    content: `Message ${seq} of ${sessionId}`,
    parts: [{ type: 'text', text: `Message ${seq} of ${sessionId}` }],
    name: null,
    toolCallId: null,
    tokens: null,
    status: 'complete',
    error: null,
    preserved: false,
    metadata: {},
    createdAt: at,
    updatedAt: at,
  };
}

/** A library of `n` sessions (the last 20 in the trash), `PER_SESSION` messages each. */
async function library(n: number): Promise<TernDB> {
  const deps = await freshDeps('tern-reads');
  const db = createDatabase(deps);
  db.use(countReads);
  await db.open();
  for (let b = 0; b < n; b += 1000) {
    const sessions: SessionRow[] = [];
    const messages: MessageRow[] = [];
    for (let i = b; i < Math.min(n, b + 1000); i++) {
      const s = session(i, i < 20);
      sessions.push(s);
      for (let m = 1; m <= PER_SESSION; m++) messages.push(message(s.id, m, s.createdAt + m));
    }
    await db.transaction('rw', db.sessions, db.messages, async () => {
      await db.sessions.bulkPut(sessions);
      await db.messages.bulkPut(messages);
    });
  }
  return db;
}

function conversation(id: string, at: number): Conversation {
  const s = { ...session(0), id, title: `Imported ${id}`, createdAt: at, updatedAt: at };
  s.lastActivityAt = at;
  return {
    session: s,
    settings: null,
    messages: Array.from({ length: 20 }, (_, i) => message(id, i + 1, at + i)),
    images: [],
    compactionEvents: [],
    archive: [],
  };
}

const quiet = () => sleep(150);

/** Waits until nothing has been read for a while (the live queries have run again and settled). */
async function settle(): Promise<void> {
  let seen = -1;
  while (seen !== tally.requests + tally.steps) {
    seen = tally.requests + tally.steps;
    await quiet();
  }
}

type Query = () => Promise<unknown>;

/** Rows the live query reads after `write`, with it subscribed as the UI subscribes it. */
async function readsAfter(query: Query, write: () => Promise<unknown>): Promise<number> {
  let runs = 0;
  const sub = liveQuery(query).subscribe({ next: () => runs++ });
  await vi.waitFor(() => expect(runs).toBeGreaterThan(0), { timeout: 30_000 });
  await settle();
  tally.rows = 0;
  await write();
  await settle();
  const rows = tally.rows;
  sub.unsubscribe();
  return rows;
}

interface Screens {
  sidebar: Query;
  trash: Query;
  badges: Query;
  conversation: Query;
}

function screens(db: TernDB, openId: string): Screens {
  return {
    sidebar: () => readLibrary(db, { pages: {}, filter: '', openId }),
    trash: async () => [await readTrashSummary(db), await readTrash(db, TRASH_PAGE)],
    badges: async () => [await openMessages(db, 'pending'), await countMessagesUpTo(db, 10)],
    conversation: async () => [await latestMessages(db, openId), await listImages(db, openId)],
  };
}

/** Each screen's reads after each kind of write. */
async function measure(db: TernDB, n: number): Promise<Record<string, Record<string, number>>> {
  const openId = `s${n - 1}`;
  const q = screens(db, openId);
  let k = 0;
  const writes: Record<string, () => Promise<unknown>> = {
    'import (old)': () => importChunk(db, [conversation(`old${++k}`, T0 - 1e6 - k)], 'keep-local'),
    'import (new)': () =>
      importChunk(db, [conversation(`new${++k}`, T0 + (n + k) * 60_000)], 'keep-local'),
    append: () => appendMessage(db, openId, { role: 'user', content: 'hello' }),
    trash: () => trashSession(db, `s${n - 50 - ++k}`),
  };
  const out: Record<string, Record<string, number>> = {};
  for (const [screen, query] of Object.entries(q) as [string, Query][]) {
    out[screen] = {};
    for (const [what, write] of Object.entries(writes))
      out[screen][what] = await readsAfter(query, write);
  }
  return out;
}

describe('rows read by the live queries after one write', () => {
  let big: TernDB;
  let small: TernDB;
  beforeAll(async () => {
    big = await library(10_000);
    small = await library(100);
  }, 120_000);
  afterAll(() => {
    big.close();
    small.close();
  });

  it('stay within a small multiple of the visible page at 10,000 sessions, as at 100', async () => {
    const atBig = await measure(big, 10_000);
    const atSmall = await measure(small, 100);
    console.info('rows read at 10,000 sessions', atBig, 'at 100', atSmall);
    // What each screen shows: the sidebar's page (and the open session), the trash dialog's page,
    // the outbox (empty here) and a few message keys, the open conversation's newest page.
    const page = { sidebar: SIDEBAR_PAGE + 1, trash: TRASH_PAGE, badges: 10, conversation: 50 };
    for (const [screen, byWrite] of Object.entries(atBig)) {
      for (const [what, rows] of Object.entries(byWrite)) {
        expect(rows, `${screen} after ${what}`).toBeLessThanOrEqual(
          3 * page[screen as keyof typeof page],
        );
        // Flat: the big library costs no more than the small one plus a page.
        expect(rows, `${screen} after ${what}, against 100 sessions`).toBeLessThanOrEqual(
          (atSmall[screen]?.[what] ?? 0) + 2 * page[screen as keyof typeof page],
        );
      }
    }
  }, 120_000);

  it('the search inside messages reads nothing after a write, and its hits stay', async () => {
    app.use(big);
    // The library was written in bulk, as rows no indexer has seen yet; index the one session
    // searched for here (the rest of the index plays no part in what this test counts).
    await big.searchQueue.clear();
    const searched = await big.messages
      .where('[sessionId+seq]')
      .between(['s9999', 0], ['s9999', Infinity])
      .toArray();
    await big.messages.bulkPut(searched);
    while ((await flushQueue(big)) > 0);
    const search = new MessageSearch(0);
    search.set('Message 3 of s9999');
    await vi.waitFor(() => expect(search.status).toBe('done'), { timeout: 50_000, interval: 100 });
    const hits = search.hits;
    expect(hits.map((h) => h.sessionId)).toContain('s9999');
    tally.rows = 0;
    await importChunk(big, [conversation('late', T0 + 20_000 * 60_000)], 'keep-local');
    await settle();
    expect(tally.rows).toBe(0);
    expect(search.hits).toBe(hits);
    app.use(null);
  }, 60_000);
});
