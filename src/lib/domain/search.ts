// Search inside messages. Every live session is read, the most recently active first and each from
// its newest message back, a few hundred rows per read transaction; between two reads the page gets
// a turn, so typing and scrolling stay smooth however large the library. Hits are handed over as
// they are found, the search stops at a limit, and an AbortSignal stops it at the next read with a
// TernError 'aborted'. Nothing is written.
import type { MessageRow, Role, SessionRow } from '../db/rows';
import type { TernDB } from '../db/database';
import { TernError } from '../errors';
import { searchableText } from './search-index/texts';
import { matcher, queryTerms, snippet, type Snippet } from './text-match';
import { messagesBelow } from '../db/reads';
import { sessionsActiveBy } from '../db/search-reads';
import { ro } from './tx';

export const SEARCH_LIMIT = 50;
/** Message rows per read transaction. */
export const SEARCH_CHUNK = 500;
/** Session rows fetched at a time while walking the sessions. */
const SESSION_BATCH = 100;

export interface MessageHit {
  sessionId: string;
  sessionTitle: string;
  messageId: string;
  seq: number;
  role: Role;
  snippet: Snippet;
}

export interface SearchOptions {
  /** Stop after this many hits (50). */
  limit?: number;
  /** Message rows per read (500). */
  chunkSize?: number;
  signal?: AbortSignal;
  /** Called with each read's new hits, in order, as soon as they are known. */
  onHits?: (hits: MessageHit[]) => void;
  /** Awaited between two reads; by default gives the page a turn. */
  pause?: () => Promise<void>;
}

export interface SearchResult {
  hits: MessageHit[];
  /** True when the search stopped at the limit, with messages left unread. */
  limited: boolean;
  /** Messages read. */
  scanned: number;
}

/** Where the walk is: a session being read from `below` (exclusive) downwards. */
interface Reading {
  session: SessionRow;
  below: number | null;
}

/**
 * The sessions still to read, walked down the lastActivityAt index a batch at a time (ties, as an
 * import can leave them, are told apart by id). A session that becomes active meanwhile moves above
 * the walk: it is not read twice.
 */
class SessionWalk {
  #done = false;
  /** lastActivityAt of the last session fetched, and every id fetched at exactly that time. */
  #at: number | null = null;
  #seenAt = new Set<string>();
  #queue: Reading[] = [];

  constructor(private readonly db: TernDB) {}

  /** The next session to read, if one is fetched already. */
  take(): Reading | undefined {
    return this.#queue.shift();
  }

  get fetchedAll(): boolean {
    return this.#done;
  }

  /** Fetches the next batch of session rows (inside a read transaction); trashed ones are left out. */
  async fetch(): Promise<void> {
    const at = this.#at;
    const seen = this.#seenAt;
    const limit = SESSION_BATCH + seen.size;
    const rows = await sessionsActiveBy(this.db, at).reverse().limit(limit).toArray();
    if (rows.length < limit) this.#done = true;
    for (const s of rows) {
      if (s.lastActivityAt === at && seen.has(s.id)) continue;
      if (s.lastActivityAt !== this.#at) {
        this.#at = s.lastActivityAt;
        this.#seenAt = new Set();
      }
      this.#seenAt.add(s.id);
      if (s.deletedAt === null) this.#queue.push({ session: s, below: null });
    }
  }

  /** Puts readings back at the front, to be taken again in the same order. */
  putBack(readings: Reading[]): void {
    this.#queue.unshift(...readings);
  }
}

interface Slice {
  session: SessionRow;
  rows: MessageRow[];
}

// One read: as many sessions as fit in `size` rows, queried together. The session counters say how
// many rows to ask for (one more, to notice a counter that is short); a session with more than that
// stays current and everything planned after it is put back, so the order holds. Only Dexie's own
// promises are awaited in here: a chain of other awaits would lose the transaction.
async function readChunk(db: TernDB, walk: SessionWalk, size: number): Promise<Slice[]> {
  const plan: { reading: Reading; limit: number }[] = [];
  let budget = size;
  while (budget > 0) {
    const reading = walk.take();
    if (!reading) {
      if (walk.fetchedAll) break;
      await walk.fetch();
      continue;
    }
    const wanted = reading.below === null ? reading.session.messageCount + 1 : budget;
    const limit = Math.max(1, Math.min(budget, wanted));
    plan.push({ reading, limit });
    budget -= limit;
  }
  const results = await Promise.all(
    plan.map(({ reading, limit }) =>
      messagesBelow(db, reading.session.id, reading.below).reverse().limit(limit).toArray(),
    ),
  );
  const out: Slice[] = [];
  for (let i = 0; i < plan.length; i++) {
    const step = plan[i];
    const rows = results[i] ?? [];
    if (!step) break;
    out.push({ session: step.reading.session, rows });
    const last = rows[rows.length - 1];
    if (rows.length === step.limit && last) {
      walk.putBack([
        { session: step.reading.session, below: last.seq },
        ...plan.slice(i + 1).map((p) => p.reading),
      ]);
      break;
    }
  }
  return out;
}

export { searchableText };

function defaultPause(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TernError('aborted', 'The search was stopped.');
}

/**
 * Messages of live sessions holding every word of `query` (case and accents ignored), the most
 * recently active sessions first and, within one, the newest messages first.
 */
export async function searchMessages(
  db: TernDB,
  query: string,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const { signal, onHits } = options;
  const limit = options.limit ?? SEARCH_LIMIT;
  const size = options.chunkSize ?? SEARCH_CHUNK;
  const pause = options.pause ?? defaultPause;
  const terms = queryTerms(query);
  const matches = matcher(terms);
  const result: SearchResult = { hits: [], limited: false, scanned: 0 };
  checkAborted(signal);
  if (terms.length === 0 || limit <= 0) return result;

  const walk = new SessionWalk(db);
  const read = () => ro(db, [db.sessions, db.messages], () => readChunk(db, walk, size));
  let next = read();
  try {
    for (;;) {
      const slices = await next;
      checkAborted(signal);
      if (slices.length === 0) return result;
      // The next read goes on in the database while this one is matched here.
      next = read();
      const found: MessageHit[] = [];
      for (const { session, rows } of slices) {
        for (const m of rows) {
          result.scanned++;
          const text = searchableText(m);
          if (!matches(text)) continue;
          found.push({
            sessionId: session.id,
            sessionTitle: session.title,
            messageId: m.id,
            seq: m.seq,
            role: m.role,
            snippet: snippet(text, terms),
          });
          if (result.hits.length + found.length >= limit) {
            result.limited = true;
            break;
          }
        }
        if (result.limited) break;
      }
      if (found.length > 0) {
        result.hits.push(...found);
        onHits?.(found);
      }
      if (result.limited) return result;
      await pause();
      checkAborted(signal);
    }
  } finally {
    // A read started ahead and not needed after all: nothing waits for it.
    next.catch(() => undefined);
  }
}
