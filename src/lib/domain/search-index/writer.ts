// Writing the index: emptying the queue of texts written since they were indexed. One read-write
// transaction per batch reads the queued texts, drops their old documents, gives each a new (higher)
// document number, adds that number to the postings of each of its words, and clears the batch
// from the queue; a crash leaves the queue as it was. Postings of a dropped document stay until
// the block is rewritten: a search checks every hit against the text itself, so they find nothing.
// A message is looked up in both message stores: flipping versions moves it without changing it.
import type { TernDB } from '../../db/database';
import type { SearchDocRow, SearchPostingRow, SessionRow } from '../../db/rows';
import { searchDocsOf } from '../../db/search-reads';
import { rw } from '../tx';
import { storedMessages, type StoredMessage } from './stored';
import {
  asJson,
  blockOf,
  LIVE_BASE,
  LIVE_KEY,
  positions,
  sorted,
  union,
  type LiveState,
  type Placed,
} from './postings';
import { indexable, isTitleKey, searchableText, sessionOfTitleKey, titleKey } from './texts';
import { tokenize } from './tokens';

/** Texts per flush transaction: keeps each one short, so the page and other writes wait little. */
export const FLUSH_BATCH = 100;

export const indexTables = (db: TernDB) => [db.searchDocs, db.searchPostings, db.searchQueue];

/** Documents gathered for a word, with where it stands in each (two numbers each, see Placed). */
export interface TermList {
  docs: number[];
  at: number[];
}
export type TermDocs = Map<string, TermList>;

/** One word's documents of one block, ascending (they are gathered counting up or down). */
function inOrder(docs: readonly number[], at: readonly number[]): Placed {
  const n = docs.length;
  const down = n > 1 && (docs[0] ?? 0) > (docs[n - 1] ?? 0);
  const out = { docs: new Uint32Array(n), at: new Uint32Array(2 * n) };
  for (let i = 0; i < n; i++) {
    const j = down ? n - 1 - i : i;
    out.docs[i] = docs[j] ?? 0;
    out.at[2 * i] = at[2 * j] ?? 0;
    out.at[2 * i + 1] = at[2 * j + 1] ?? 0;
  }
  return sorted(out);
}

const EMPTY: Placed = { docs: new Uint32Array(0), at: new Uint32Array(0) };

/** Adds documents to the postings: one get and one put per word and block. */
export async function addPostings(db: TernDB, byTerm: TermDocs, merge: boolean): Promise<void> {
  const keys: [string, number][] = [];
  const lists: Placed[] = [];
  for (const [term, { docs, at }] of byTerm) {
    const perBlock = new Map<number, { docs: number[]; at: number[] }>();
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i] ?? 0;
      const b = blockOf(d);
      let l = perBlock.get(b);
      if (!l) perBlock.set(b, (l = { docs: [], at: [] }));
      l.docs.push(d);
      l.at.push(at[2 * i] ?? 0, at[2 * i + 1] ?? 0);
    }
    for (const [block, l] of perBlock) {
      keys.push([term, block]);
      lists.push(inOrder(l.docs, l.at));
    }
  }
  const old = merge ? await db.searchPostings.bulkGet(keys) : [];
  const rows: SearchPostingRow[] = keys.map(([term, block], i) => {
    const prev = old[i];
    const add = lists[i] ?? EMPTY;
    const { docs, at } = prev ? union([prev, add]) : add;
    return { term, block, docs, at };
  });
  await db.searchPostings.bulkPut(rows);
}

/** A document for a text: its row, and its words (with where they stand) added to `byTerm`. */
export function document(
  doc: number,
  key: string,
  sessionId: string,
  text: string,
  byTerm: TermDocs,
  title?: string,
): SearchDocRow {
  for (const [t, [lo, hi]] of positions(tokenize(text))) {
    let l = byTerm.get(t);
    if (!l) byTerm.set(t, (l = { docs: [], at: [] }));
    l.docs.push(doc);
    l.at.push(lo, hi);
  }
  return title === undefined ? { doc, key, sessionId } : { doc, key, sessionId, title };
}

/** Indexes up to `batch` queued texts; returns how many queue entries were settled. */
export async function flushQueue(db: TernDB, batch = FLUSH_BATCH): Promise<number> {
  return rw(
    db,
    [db.messages, db.branchMessages, db.sessions, db.meta, ...indexTables(db)],
    async () => {
      const queued = await db.searchQueue.limit(batch).primaryKeys();
      if (queued.length === 0) return 0;
      const messageIds = queued.filter((k) => !isTitleKey(k));
      const sessionIds = queued.filter(isTitleKey).map(sessionOfTitleKey);
      const [messages, sessions, olds, live] = await Promise.all([
        storedMessages(db, messageIds),
        db.sessions.bulkGet(sessionIds),
        searchDocsOf(db, queued).toArray(),
        db.meta.get(LIVE_KEY),
      ]);
      const state: LiveState = (live?.value as LiveState | undefined) ?? { next: LIVE_BASE };
      const oldByKey = new Map<string, SearchDocRow[]>();
      for (const o of olds) oldByKey.set(o.key, [...(oldByKey.get(o.key) ?? []), o]);
      const drop: number[] = [];
      const settled: string[] = [];
      const docs: SearchDocRow[] = [];
      const byTerm: TermDocs = new Map();
      const replace = (key: string, add: (doc: number) => SearchDocRow) => {
        for (const o of oldByKey.get(key) ?? []) drop.push(o.doc);
        docs.push(add(state.next++));
      };
      messages.forEach((m: StoredMessage | undefined, i) => {
        const id = messageIds[i] ?? '';
        settled.push(id);
        if (!m) for (const o of oldByKey.get(id) ?? []) drop.push(o.doc);
        // Still streaming: queued again by the write that ends it.
        else if (indexable(m))
          replace(id, (doc) => document(doc, id, m.sessionId, searchableText(m), byTerm));
      });
      sessions.forEach((s: SessionRow | undefined, i) => {
        const key = titleKey(sessionIds[i] ?? '');
        settled.push(key);
        const old = oldByKey.get(key) ?? [];
        if (!s) for (const o of old) drop.push(o.doc);
        else if (old.length !== 1 || old[0]?.title !== s.title)
          replace(key, (doc) => document(doc, key, s.id, s.title, byTerm, s.title));
      });
      if (byTerm.size > 0) await addPostings(db, byTerm, true);
      if (drop.length > 0) await db.searchDocs.bulkDelete(drop);
      if (docs.length > 0) await db.searchDocs.bulkAdd(docs);
      await db.searchQueue.bulkDelete(settled);
      await db.meta.put({ key: LIVE_KEY, value: asJson(state) });
      return settled.length;
    },
  );
}
