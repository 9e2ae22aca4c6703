// The search's key ranges and index reads: the walk over sessions by activity, and the index's own
// stores (schema/v3.ts). Apart from reads.ts so that only the search code, loaded when there is
// work, carries them.
import Dexie from 'dexie';
import type { TernDB } from './database';
import type { Rows } from './reads';

/** Posting rows of every word from `word` to `upper` (inclusive), in word and block order. */
export function postingsBetween(db: TernDB, word: string, upper: string): Rows<'searchPostings'> {
  return db.searchPostings
    .where('[term+block]')
    .between([word, Dexie.minKey], [upper, Dexie.maxKey], true, true);
}

/** The documents of these keys (message ids or title keys). */
export function searchDocsOf(db: TernDB, keys: string[]): Rows<'searchDocs'> {
  return db.searchDocs.where('key').anyOf(keys);
}

/** Every document in key order. */
export function searchDocsByKey(db: TernDB): Rows<'searchDocs'> {
  return db.searchDocs.orderBy('key');
}

/** Documents numbered below `below`, oldest first. */
export function searchDocsBelow(db: TernDB, below: number): Rows<'searchDocs'> {
  return db.searchDocs.where('doc').below(below);
}

/** Every document by number, oldest first. */
export function searchDocsByNumber(db: TernDB): Rows<'searchDocs'> {
  return db.searchDocs.orderBy('doc');
}

/** Queued keys that begin with `prefix`. */
export function queuedWithPrefix(db: TernDB, prefix: string): Rows<'searchQueue'> {
  return db.searchQueue.where('key').startsWith(prefix);
}

/** Every session active at or before `at` (every session when null), least recent first. */
export function sessionsActiveBy(db: TernDB, at: number | null): Rows<'sessions'> {
  return at === null
    ? db.sessions.orderBy('lastActivityAt')
    : db.sessions.where('lastActivityAt').belowOrEqual(at);
}

/** Sessions active after `at`, least recent first. */
export function sessionsActiveAfter(db: TernDB, at: number): Rows<'sessions'> {
  return db.sessions.where('lastActivityAt').above(at);
}

/** Messages of inactive branches with ids after `after` (every one for null), in id order. */
export function branchMessagesAfter(db: TernDB, after: string | null): Rows<'branchMessages'> {
  return after === null
    ? db.branchMessages.toCollection()
    : db.branchMessages.where(':id').above(after);
}
