// Moving messages between the active path (`messages`) and the versions set aside
// (`branchMessages`): a flip, a regenerate, a version deleted and its sibling brought back. A move
// keeps the id and the text, and the search index is keyed by id and looks a message up in both
// stores, so a moved message needs no new index entry. The transaction says it moves rows, and the
// search-queue middleware then checks each row against the other store before leaving it out of
// the queue: a put whose text differs from the row it replaces is queued like any other write.
import Dexie from 'dexie';
import type { TernDB } from './database';
import type { BranchMessageRow, MessageRow } from './rows';

/** Per read-write transaction that moves rows: which ids went where as moves (id → store). */
export interface MoveLog {
  placed: Map<string, string>;
  /** Whether the index's first pass is over (read once, on the first move). */
  indexed?: Promise<boolean>;
}

const logs = new WeakMap<object, MoveLog>();

/** The move log of a transaction (as the middleware sees it), if it moves rows. */
export function moveLogOf(trans: object): MoveLog | undefined {
  return logs.get(trans);
}

function markMoving(): void {
  const idb = Dexie.currentTransaction?.idbtrans as object | undefined;
  if (idb && !logs.has(idb)) logs.set(idb, { placed: new Map() });
}

/**
 * `aside` (rows of the active path, shaped as branch rows) go to branchMessages, then `back`
 * (branch rows, shaped for the active path) to messages, in the caller's read-write transaction
 * (or one of their own). Each row is added to its new store before it leaves the old one, which is
 * how the middleware tells a move from a delete; the rows set aside leave `messages` before the
 * others take their seqs.
 */
export function moveMessages(
  db: TernDB,
  aside: readonly BranchMessageRow[],
  back: readonly MessageRow[],
): Promise<void> {
  return db.transaction('rw', db.messages, db.branchMessages, async () => {
    markMoving();
    if (aside.length > 0) {
      await db.branchMessages.bulkAdd([...aside]);
      await db.messages.bulkDelete(aside.map((m) => m.id));
    }
    if (back.length > 0) {
      await db.messages.bulkAdd([...back]);
      await db.branchMessages.bulkDelete(back.map((m) => m.id));
    }
  });
}
