// Versions of a conversation: the tree of every reply and every edit. The version on screen (the
// active path) is the session's `messages`, ordered by seq, so everything that reads a
// conversation reads it as before; the other versions' messages wait in `branchMessages`, each
// hanging off the message it follows. Setting the active path's tail aside (a regenerate, an edit)
// and flipping to another version move rows between the two stores in one transaction; ids, text
// and the session's counters (which count every stored message) do not change.
import { TernError } from '../errors';
import type { TernDB } from '../db/database';
import { messagesFrom } from '../db/later-reads';
import {
  branchChildren,
  imagesOfMessages,
  messagesBelow,
  sessionBranchMessages,
} from '../db/reads';
import { BRANCH_ROOT, type BranchMessageRow, type MessageRow } from '../db/rows';
import { withOpenStatus } from './messages';
import { now, ro, rw } from './tx';

/** The versions at one place of the conversation: the message on screen and its siblings. */
export interface Versions {
  /** Ids of every version, oldest first (the one on screen among them). */
  ids: string[];
  /** Where the one on screen is in `ids`. */
  index: number;
}

const byAge = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Of several continuations, the one set aside last (the newest on a tie). */
function lastSetAside(rows: readonly BranchMessageRow[]): BranchMessageRow | undefined {
  return [...rows].sort((a, b) => b.setAsideAt - a.setAsideAt || byAge(b, a))[0];
}

/** An active tail as branch rows, each following the one before it and the first `parent`. */
function asideRows(parent: string, tail: readonly MessageRow[], at: number): BranchMessageRow[] {
  return tail.map((row, i) => {
    const aside: BranchMessageRow & { openStatus?: unknown } = {
      ...row,
      parentId: i === 0 ? parent : (tail[i - 1] as MessageRow).id,
      setAsideAt: at,
    };
    delete aside.openStatus;
    return aside;
  });
}

/** The row as it stands on the active path at `seq`; what waited to be sent waits again. */
export function bringBack(row: BranchMessageRow, seq: number): MessageRow {
  const back: MessageRow & { parentId?: string; setAsideAt?: number } = { ...row, seq };
  delete back.parentId;
  delete back.setAsideAt;
  return withOpenStatus(back);
}

/** A version can be set aside only once nothing in it is being written or waits to be sent. */
export function assertSettled(tail: readonly MessageRow[]): void {
  if (tail.some((m) => m.status === 'streaming' || m.status === 'pending'))
    throw new TernError(
      'conflict',
      'A reply is still being written or a message waits to be sent in this version.',
    );
}

/**
 * The active path from `seq` on, and the id of the message before it (BRANCH_ROOT at the start):
 * two reads on [sessionId+seq], never the whole conversation.
 */
export async function activeTail(
  db: TernDB,
  sessionId: string,
  seq: number,
): Promise<{ parent: string; tail: MessageRow[] }> {
  const [before, tail] = await Promise.all([
    messagesBelow(db, sessionId, seq).last(),
    messagesFrom(db, sessionId, seq).toArray(),
  ]);
  return { parent: before?.id ?? BRANCH_ROOT, tail };
}

function byParent(rows: readonly BranchMessageRow[]): Map<string, BranchMessageRow[]> {
  const children = new Map<string, BranchMessageRow[]>();
  for (const row of rows) {
    const list = children.get(row.parentId);
    if (list) list.push(row);
    else children.set(row.parentId, [row]);
  }
  return children;
}

/** A session's branch rows by the message they follow, read once and walked in memory. */
export async function branchTree(db: TernDB, sessionId: string) {
  return byParent(await sessionBranchMessages(db, sessionId).toArray());
}
export type BranchTree = Awaited<ReturnType<typeof branchTree>>;

/** Below `first`: at each fork, the continuation set aside last (newest first on a tie). */
export function continuationIn(tree: BranchTree, first: BranchMessageRow): BranchMessageRow[] {
  const chain = [first];
  const seen = new Set([first.id]);
  for (;;) {
    const last = chain[chain.length - 1] as BranchMessageRow;
    const next = lastSetAside((tree.get(last.id) ?? []).filter((c) => !seen.has(c.id)));
    if (!next) return chain;
    seen.add(next.id);
    chain.push(next);
  }
}

/**
 * Sets the active path from `seq` on aside as a version (inside the caller's transaction, or its
 * own): the messages keep their ids, text and counters, and the place is free for a new version.
 * Returns the messages set aside.
 */
export function setAsideFrom(db: TernDB, sessionId: string, seq: number): Promise<MessageRow[]> {
  return rw(db, [db.messages, db.branchMessages], async () => {
    const { parent, tail } = await activeTail(db, sessionId, seq);
    if (tail.length === 0) return [];
    await db.branchMessages.bulkAdd(asideRows(parent, tail, now()));
    await db.messages.bulkDelete(tail.map((m) => m.id));
    return tail;
  });
}

/**
 * For each of `messages` (a run of the active path, oldest first, starting at the session's first
 * message when `fromStart`), its versions when it has more than one.
 */
export function versionsOf(
  db: TernDB,
  sessionId: string,
  messages: readonly MessageRow[],
  fromStart: boolean,
): Promise<Map<string, Versions>> {
  return ro(db, [db.branchMessages], async () => {
    const parents = messages.map((_, i) =>
      i === 0 ? (fromStart ? BRANCH_ROOT : null) : (messages[i - 1] as MessageRow).id,
    );
    const asked = [...new Set(parents.filter((p): p is string => p !== null))];
    const siblings = byParent(
      asked.length > 0 ? await branchChildren(db, sessionId, asked).toArray() : [],
    );
    const out = new Map<string, Versions>();
    messages.forEach((m, i) => {
      const parent = parents[i];
      const others = parent === null || parent === undefined ? undefined : siblings.get(parent);
      if (!others?.length) return;
      const all = [m, ...others].sort(byAge);
      out.set(m.id, { ids: all.map((r) => r.id), index: all.indexOf(m) });
    });
    return out;
  });
}

/**
 * Puts version `toId` on screen in place of the active message `fromId`: the active path from
 * `fromId` on is set aside, and `toId` with its own continuation takes its place. One transaction.
 */
export function switchVersion(db: TernDB, fromId: string, toId: string): Promise<MessageRow[]> {
  return rw(db, [db.sessions, db.messages, db.branchMessages], async () => {
    const [from, to] = await Promise.all([db.messages.get(fromId), db.branchMessages.get(toId)]);
    if (!from || !to || to.sessionId !== from.sessionId)
      throw new TernError('not-found', 'That version no longer exists.');
    const [{ parent, tail }, tree] = await Promise.all([
      activeTail(db, from.sessionId, from.seq),
      branchTree(db, from.sessionId),
    ]);
    if (to.parentId !== parent)
      throw new TernError('conflict', 'That version belongs elsewhere in the conversation.');
    assertSettled(tail);
    const chain = continuationIn(tree, to);
    const at = now();
    await db.branchMessages.bulkAdd(asideRows(parent, tail, at));
    await db.messages.bulkDelete(tail.map((m) => m.id));
    await db.branchMessages.bulkDelete(chain.map((m) => m.id));
    const rows = chain.map((m, i) => bringBack(m, from.seq + i));
    await db.messages.bulkAdd(rows);
    await db.sessions.update(from.sessionId, { updatedAt: at });
    return rows;
  });
}

/** Every message that hangs below `ids` in the session's branches (not `ids` themselves). */
function branchDescendants(tree: BranchTree, ids: readonly string[]): BranchMessageRow[] {
  const out: BranchMessageRow[] = [];
  const seen = new Set(ids);
  const stack = [...ids];
  for (let id = stack.pop(); id !== undefined; id = stack.pop())
    for (const c of tree.get(id) ?? [])
      if (!seen.has(c.id)) {
        seen.add(c.id);
        out.push(c);
        stack.push(c.id);
      }
  return out;
}

/** What deleting the version that starts at active message `id` takes: it and all below it. */
async function versionSubtree(db: TernDB, id: string) {
  const msg = await db.messages.get(id);
  if (!msg) throw new TernError('not-found', 'That message no longer exists.');
  const [{ parent, tail }, tree] = await Promise.all([
    activeTail(db, msg.sessionId, msg.seq),
    branchTree(db, msg.sessionId),
  ]);
  const below = branchDescendants(
    tree,
    tail.map((m) => m.id),
  );
  return { msg, parent, tail, below, tree };
}

/** How many messages deleting the version at `id` removes (it, what follows, their versions). */
export function countVersion(db: TernDB, id: string): Promise<number> {
  return ro(db, [db.messages, db.branchMessages], async () => {
    const { tail, below } = await versionSubtree(db, id);
    return tail.length + below.length;
  });
}

/**
 * Deletes the version that starts at active message `id`, everything after it and their own
 * versions, never its siblings: the newest sibling (with its continuation) takes its place.
 * Returns how many messages went.
 */
export function deleteVersion(db: TernDB, id: string): Promise<number> {
  return rw(db, [db.sessions, db.messages, db.branchMessages, db.images], async () => {
    const { msg, parent, tail, below, tree } = await versionSubtree(db, id);
    if (tail.some((m) => m.status === 'streaming'))
      throw new TernError('conflict', 'A reply is still being written in this version.');
    const session = await db.sessions.get(msg.sessionId);
    if (!session) throw new TernError('not-found', 'That session no longer exists.');
    const gone = [...tail, ...below];
    const ids = gone.map((m) => m.id);
    const images = await imagesOfMessages(db, ids).primaryKeys();
    await db.images.bulkDelete(images);
    await db.messages.bulkDelete(tail.map((m) => m.id));
    await db.branchMessages.bulkDelete(below.map((m) => m.id));
    // The tree as read before the delete: the siblings are not below the deleted version.
    const next = lastSetAside(tree.get(parent) ?? []);
    if (next) {
      const chain = continuationIn(tree, next);
      await db.branchMessages.bulkDelete(chain.map((m) => m.id));
      await db.messages.bulkAdd(chain.map((m, i) => bringBack(m, msg.seq + i)));
    }
    const t = now();
    await db.sessions.update(msg.sessionId, {
      messageCount: session.messageCount - gone.length,
      imageCount: session.imageCount - images.length,
      totalTokens: session.totalTokens - gone.reduce((n, m) => n + (m.tokens ?? 0), 0),
      lastActivityAt: t,
      updatedAt: t,
    });
    return gone.length;
  });
}
