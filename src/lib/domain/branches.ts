// Versions of a conversation: the tree of every reply and every edit. The version on screen (the
// active path) is the session's `messages`, ordered by seq, so everything that reads a
// conversation reads it as before; the other versions' messages wait in `branchMessages`, each
// hanging off the message it follows. Setting the active path's tail aside (a regenerate, an edit)
// and flipping to another version move rows between the two stores in one transaction; ids, text
// and the session's counters (which count every stored message) do not change.
import { TernError } from '../errors';
import type { TernDB } from '../db/database';
import { messagesFrom } from '../db/later-reads';
import { branchChildren, messagesBelow, sessionBranchMessages } from '../db/reads';
import { BRANCH_ROOT, type BranchMessageRow, type MessageRow } from '../db/rows';
import { isOneOf, OPEN_STATUSES } from '../db/vocab';
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

/** The row as it waits in a branch, following `parentId`. */
function setAside(row: MessageRow, parentId: string, at: number): BranchMessageRow {
  const aside: BranchMessageRow & { openStatus?: unknown } = { ...row, parentId, setAsideAt: at };
  delete aside.openStatus;
  return aside;
}

/** The row as it stands on the active path at `seq`. */
export function bringBack(row: BranchMessageRow, seq: number): MessageRow {
  const back: MessageRow & { parentId?: string; setAsideAt?: number } = { ...row, seq };
  delete back.parentId;
  delete back.setAsideAt;
  // A message that waited to be sent waits again (the outbox finds it by this sparse index).
  if (isOneOf(OPEN_STATUSES, back.status)) back.openStatus = back.status;
  return back;
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

/** A session's branch rows by the message they follow, read once and walked in memory. */
export async function branchTree(db: TernDB, sessionId: string) {
  const children = new Map<string, BranchMessageRow[]>();
  for (const row of await sessionBranchMessages(db, sessionId).toArray())
    children.set(row.parentId, [...(children.get(row.parentId) ?? []), row]);
  return children;
}
export type BranchTree = Awaited<ReturnType<typeof branchTree>>;

/** Below `first`: at each fork, the continuation set aside last (newest first on a tie). */
export function continuationIn(tree: BranchTree, first: BranchMessageRow): BranchMessageRow[] {
  const chain = [first];
  const seen = new Set([first.id]);
  for (;;) {
    const last = chain[chain.length - 1] as BranchMessageRow;
    const next = (tree.get(last.id) ?? [])
      .filter((c) => !seen.has(c.id))
      .sort((a, b) => b.setAsideAt - a.setAsideAt || byAge(b, a))[0];
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
    const at = now();
    await db.branchMessages.bulkAdd(
      tail.map((m, i) => setAside(m, i === 0 ? parent : (tail[i - 1] as MessageRow).id, at)),
    );
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
    const siblings = asked.length > 0 ? await branchChildren(db, sessionId, asked).toArray() : [];
    const byParent = new Map<string, BranchMessageRow[]>();
    for (const s of siblings) byParent.set(s.parentId, [...(byParent.get(s.parentId) ?? []), s]);
    const out = new Map<string, Versions>();
    messages.forEach((m, i) => {
      const parent = parents[i];
      const others = parent === null || parent === undefined ? undefined : byParent.get(parent);
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
    if (tail.some((m) => m.status === 'streaming' || m.status === 'pending'))
      throw new TernError(
        'conflict',
        'A reply is still being written or a message waits to be sent in this version.',
      );
    const chain = continuationIn(tree, to);
    const at = now();
    await db.branchMessages.bulkPut(
      tail.map((m, i) => setAside(m, i === 0 ? parent : (tail[i - 1] as MessageRow).id, at)),
    );
    await db.messages.bulkDelete(tail.map((m) => m.id));
    await db.branchMessages.bulkDelete(chain.map((m) => m.id));
    const rows = chain.map((m, i) => bringBack(m, from.seq + i));
    await db.messages.bulkAdd(rows);
    await db.sessions.update(from.sessionId, { updatedAt: at });
    return rows;
  });
}

/** Every message that hangs below `ids` in the session's branches (not `ids` themselves). */
async function branchDescendants(
  db: TernDB,
  sessionId: string,
  ids: readonly string[],
): Promise<BranchMessageRow[]> {
  const tree = await branchTree(db, sessionId);
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
  const { parent, tail } = await activeTail(db, msg.sessionId, msg.seq);
  const below = await branchDescendants(
    db,
    msg.sessionId,
    tail.map((m) => m.id),
  );
  return { msg, parent, tail, below };
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
    const { msg, parent, tail, below } = await versionSubtree(db, id);
    if (tail.some((m) => m.status === 'streaming'))
      throw new TernError('conflict', 'A reply is still being written in this version.');
    const session = await db.sessions.get(msg.sessionId);
    if (!session) throw new TernError('not-found', 'That session no longer exists.');
    const gone = [...tail, ...below];
    const ids = gone.map((m) => m.id);
    const images = await db.images.where('messageId').anyOf(ids).primaryKeys();
    await db.images.bulkDelete(images);
    await db.messages.bulkDelete(tail.map((m) => m.id));
    await db.branchMessages.bulkDelete(below.map((m) => m.id));
    const siblings = await branchChildren(db, msg.sessionId, [parent]).toArray();
    const next = siblings.sort((a, b) => b.setAsideAt - a.setAsideAt || byAge(b, a))[0];
    if (next) {
      const chain = continuationIn(await branchTree(db, msg.sessionId), next);
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

/** Every message of the session's other versions (exports, whole-tree checks). */
export function allBranchMessages(db: TernDB, sessionId: string): Promise<BranchMessageRow[]> {
  return ro(db, [db.branchMessages], () => sessionBranchMessages(db, sessionId).toArray());
}
