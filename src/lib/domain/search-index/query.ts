// Answering a query from the index. The candidates come from the words' postings, newest first
// (candidates.ts); they are then checked against the text itself, a few dozen at a time:
// a hit is only ever a message (or title) whose current words match, so postings left behind by an
// edit or a delete find nothing. Texts still in the queue are checked directly, so a write is
// findable at once, in every tab. A word too common to list (a short prefix) is only checked
// against the text. Nothing is written.
import type { TernDB } from '../../db/database';
import { SEARCH_TITLE_PREFIX, type MessageRow, type Role, type SessionRow } from '../../db/rows';
import { TernError } from '../../errors';
import { snippet, type Snippet } from '../text-match';
import { queuedWithPrefix, searchDocsBelow } from '../../db/search-reads';
import { ro } from '../tx';
import { storedMessages, type StoredMessage } from './stored';
import { NO_FILTERS, type SearchFilters } from './filters';
import { candidates, readWords } from './candidates';
import { searchableText, splitKeys } from './texts';
import {
  matchesWords,
  normalise,
  parseQuery,
  partAt,
  phraseFilter,
  wordsOf,
  type ParsedQuery,
  type QueryPart,
  type QueryProblem,
} from './tokens';

export const RESULT_LIMIT = 50;
/**
 * Candidates checked by the first read (few: the first results on screen), and by each one after at
 * most.
 */
const FIRST_BATCH = 15;
const CHECK_BATCH = 400;
/**
 * Candidates checked at once after the first read, at most: a phrase's are a few hits in many, and
 * a guess sized by its first read checked hundreds past the last hit needed.
 */
const CHECK_STEP = 120;
/**
 * Time spent checking candidates at most: words that are each common but rarely together (or not
 * side by side, for a phrase) are answered from the most recent matches, and said to be so.
 */
const CHECK_MS = 250;
/** Candidates checked per query at most: a query is answered in bounded time, however broad. */
const MAX_CHECKED = 6000;
/** Queued texts looked at directly; beyond this they are found once indexed. */
const QUEUE_LOOK = 2000;
const DAY = 86_400_000;

export type { SearchFilters } from './filters';

export interface SearchHit {
  kind: 'message' | 'title';
  sessionId: string;
  sessionTitle: string;
  /** The message; null for a title hit. */
  messageId: string | null;
  /**
   * True when the message waits in a version not on screen: activateMessage (domain/branch-path)
   * puts it on screen. Absent from the scan's hits, which read the active path only.
   */
  branch?: boolean;
  seq: number | null;
  role: Role | null;
  createdAt: number;
  inTrash: boolean;
  snippet: Snippet;
  score: number;
}

export interface IndexSearchResult {
  hits: SearchHit[];
  problems: QueryProblem[];
  /** True when more may match than were looked at (a broad query): narrow it to see them. */
  limited: boolean;
}

export interface IndexSearchOptions {
  filters?: SearchFilters;
  limit?: number;
  signal?: AbortSignal;
  /** The first checked hits, before ranking: to show something while the rest is read. */
  onFirst?: (hits: SearchHit[]) => void;
  /** Time used for recency (tests). */
  now?: number;
}

const abortIf = (signal: AbortSignal | undefined) => {
  if (signal?.aborted) throw new TernError('aborted', 'The search was stopped.');
};

function score(parts: readonly QueryPart[], words: string[], kind: SearchHit['kind'], age: number) {
  let relevance = kind === 'title' ? 2 : 0;
  for (const p of parts) {
    const at = partAt(words, p);
    const whole = p.words.every((w, k) => words[at + k] === w);
    relevance += (whole ? 1 : 0.6) * p.words.length;
    const count = words.filter((w) => w.startsWith(p.words[0] ?? '')).length;
    relevance += Math.min(count - 1, 4) * 0.1;
  }
  // Recency weighs as much as a whole-word match when new, and fades over months.
  return relevance + 1 / (1 + Math.max(0, age) / (30 * DAY));
}

interface Checked {
  hits: SearchHit[];
  seen: Set<string>;
}

function passes(
  f: SearchFilters,
  s: SessionRow,
  m: Pick<MessageRow, 'createdAt' | 'role'> | null,
): boolean {
  if (!f.includeTrash && s.deletedAt !== null) return false;
  if (f.workspaceId !== null && s.workspaceId !== f.workspaceId) return false;
  const at = m ? m.createdAt : s.createdAt;
  if (f.from !== null && at < f.from) return false;
  if (f.to !== null && at > f.to) return false;
  if (f.role !== null && (!m || m.role !== f.role)) return false;
  return true;
}

/**
 * How many candidates to check next: as many as the hit rate so far says the rest of the page
 * needs (with room to spare), so a common word does not check hundreds for the last few hits.
 */
function nextBatch(checked: number, hits: number, limit: number): number {
  const rate = Math.max(hits / checked, 0.01);
  return Math.min(CHECK_STEP, Math.max(FIRST_BATCH, Math.ceil(((limit - hits) / rate) * 1.5)));
}

/**
 * Checks candidates against their texts, adding the hits to `out`. The words are tested before
 * anything else is read: most candidates of a phrase, or of words common apart but rare together,
 * fail there, and their sessions are never read.
 */
async function check(
  db: TernDB,
  keys: readonly string[],
  q: ParsedQuery,
  filters: SearchFilters,
  now: number,
  out: Checked,
): Promise<void> {
  const fresh = keys.filter((k) => !out.seen.has(k));
  for (const k of fresh) out.seen.add(k);
  if (fresh.length === 0) return;
  const { messageIds, sessionIds } = splitKeys(fresh);
  const rough = phraseFilter(q.parts);
  const test = (text: string) => {
    const norm = normalise(text);
    if (rough && !rough(norm)) return null;
    const words = wordsOf(norm);
    return matchesWords(words, q.parts) ? words : null;
  };
  const matched: { m: StoredMessage; text: string; words: string[] }[] = [];
  if (messageIds.length > 0)
    for (const m of await storedMessages(db, messageIds)) {
      if (!m || (filters.role !== null && m.role !== filters.role)) continue;
      const text = searchableText(m);
      const words = test(text);
      if (words) matched.push({ m, text, words });
    }
  const wanted = new Set(sessionIds);
  for (const { m } of matched) wanted.add(m.sessionId);
  if (wanted.size === 0) return;
  const sessions = new Map<string, SessionRow>();
  (await db.sessions.bulkGet([...wanted])).forEach((s) => s && sessions.set(s.id, s));
  for (const { m, text, words } of matched) {
    const s = sessions.get(m.sessionId);
    if (!s || !passes(filters, s, m)) continue;
    out.hits.push({
      kind: 'message',
      sessionId: s.id,
      sessionTitle: s.title,
      messageId: m.id,
      branch: m.branch,
      seq: m.seq,
      role: m.role,
      createdAt: m.createdAt,
      inTrash: s.deletedAt !== null,
      snippet: snippet(text, q.words),
      score: score(q.parts, words, 'message', now - m.createdAt),
    });
  }
  for (const id of sessionIds) {
    const s = sessions.get(id);
    if (!s || !passes(filters, s, null)) continue;
    const words = test(s.title);
    if (!words) continue;
    out.hits.push({
      kind: 'title',
      sessionId: s.id,
      sessionTitle: s.title,
      messageId: null,
      branch: false,
      seq: null,
      role: null,
      createdAt: s.lastActivityAt,
      inTrash: s.deletedAt !== null,
      snippet: snippet(s.title, q.words),
      score: score(q.parts, words, 'title', now - s.lastActivityAt),
    });
  }
}

const rank = (hits: SearchHit[], limit: number) =>
  [...hits].sort((a, b) => b.score - a.score || b.createdAt - a.createdAt).slice(0, limit);

/** Messages and session titles matching `raw`, best first (relevance with recency). */
export async function searchIndex(
  db: TernDB,
  raw: string,
  options: IndexSearchOptions = {},
): Promise<IndexSearchResult> {
  const { signal } = options;
  const filters = options.filters ?? NO_FILTERS;
  const limit = options.limit ?? RESULT_LIMIT;
  const now = options.now ?? Date.now();
  const q = parseQuery(raw);
  abortIf(signal);
  if (q.words.length === 0) return { hits: [], problems: q.problems, limited: false };
  const out: Checked = { hits: [], seen: new Set() };

  // Texts not indexed yet are looked at first: they are the newest. Titles are few but sort after
  // message ids, so they are looked up on their own: an imported session is found by its title
  // before the indexer reaches it.
  const queued = await ro(db, [db.searchQueue], async () => {
    const [first, titles] = await Promise.all([
      db.searchQueue.limit(QUEUE_LOOK).primaryKeys(),
      queuedWithPrefix(db, SEARCH_TITLE_PREFIX).limit(QUEUE_LOOK).primaryKeys(),
    ]);
    return [...new Set([...first, ...titles])];
  });
  const words = await readWords(db, q);
  abortIf(signal);

  await ro(db, [db.messages, db.branchMessages, db.sessions], () =>
    check(db, queued, q, filters, now, out),
  );
  let limited = false;
  if (words.every((w) => w === null)) {
    // Every word too broad to list: the newest documents are checked one by one.
    limited = true;
    await checkNewest(db, q, filters, now, out, limit, signal);
  } else {
    let checked = 0;
    let first = true;
    let more = true;
    const walk = candidates(db, q, words);
    const started = performance.now();
    while (more && out.hits.length < limit) {
      const batch: number[] = [];
      const size = checked === 0 ? FIRST_BATCH : nextBatch(checked, out.hits.length, limit);
      while (batch.length < size) {
        const next = await walk.next();
        if (next.done) {
          more = false;
          break;
        }
        batch.push(next.value);
      }
      if (batch.length === 0) break;
      await ro(db, [db.searchDocs, db.messages, db.branchMessages, db.sessions], async () => {
        const docs = await db.searchDocs.bulkGet(batch);
        const keys = docs.flatMap((d) => (d ? [d.key] : []));
        await check(db, keys, q, filters, now, out);
      });
      abortIf(signal);
      checked += batch.length;
      if (first && out.hits.length > 0) {
        options.onFirst?.(rank(out.hits, limit));
        first = false;
      }
      if (checked >= MAX_CHECKED || performance.now() - started > CHECK_MS) {
        limited = more;
        break;
      }
    }
    if (out.hits.length >= limit && more) limited = true;
  }
  return { hits: rank(out.hits, limit), problems: q.problems, limited };
}

// For queries whose every word is too common to list: the newest documents, checked in turn.
async function checkNewest(
  db: TernDB,
  q: ParsedQuery,
  filters: SearchFilters,
  now: number,
  out: Checked,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  let below: number = Number.MAX_SAFE_INTEGER;
  let checked = 0;
  while (out.hits.length < limit && checked < MAX_CHECKED) {
    const done = await ro(
      db,
      [db.searchDocs, db.messages, db.branchMessages, db.sessions],
      async () => {
        const docs = await searchDocsBelow(db, below).reverse().limit(CHECK_BATCH).toArray();
        const last = docs[docs.length - 1];
        if (!last) return true;
        below = last.doc;
        await check(
          db,
          docs.map((d) => d.key),
          q,
          filters,
          now,
          out,
        );
        return docs.length < CHECK_BATCH;
      },
    );
    abortIf(signal);
    checked += CHECK_BATCH;
    if (done) return;
  }
}
