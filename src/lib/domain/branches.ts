// Versions of a conversation: the tree of every reply and every edit. The version on screen (the
// active path) is the session's `messages`, ordered by seq, so everything that reads a
// conversation reads it as before; the other versions' messages wait in `branchMessages`, each
// hanging off the message it follows. Setting the active path's tail aside (a regenerate, an edit)
// and flipping to another version move rows between the two stores in one transaction; ids, text
// and the session's counters (which count every stored message) do not change.
import { TernError } from '../errors';
import type { TernDB } from '../db/database';
import { messagesFrom } from '../db/later-reads';
import { moveMessages } from '../db/moves';
import {
  branchChildren,
  imagesOfMessages,
  messagesBelow,
  openMessagesWith,
  sessionBranchMessages,
} from '../db/reads';
import { BRANCH_ROOT, type BranchMessageRow, type MessageRow } from '../db/rows';
import { OPEN_STATUSES } from '../db/vocab';
import { withOpenStatus } from './messages';
import { now, outsideTx, ro, rw } from './tx';

/** The versions at one place of the conversation: the message on screen and its siblings. */
export interface Versions {
  /** Ids of every version, oldest first (the one on screen among them). */
  ids: string[];
  /** Where the one on screen is in `ids`. */
  index: number;
}

type Aged = { createdAt: number; id: string };
const byAge = (a: Aged, b: Aged) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The versions at `active`'s place, given the other messages that follow the same one. */
export function versionsAt(active: Aged, others: readonly Aged[]): Versions | undefined {
  const rest = others.filter((o) => o.id !== active.id);
  if (rest.length === 0) return undefined;
  const all = [active, ...rest].sort(byAge);
  return { ids: all.map((r) => r.id), index: all.indexOf(active) };
}

/** Of several continuations, the one set aside last (the newest on a tie). */
export function lastSetAside(rows: readonly BranchMessageRow[]): BranchMessageRow | undefined {
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

const unsettled = () =>
  new TernError(
    'conflict',
    'A reply is still being written or a message waits to be sent in this version.',
  );

/** A version can be set aside only once nothing in it is being written or waits to be sent. */
export function assertSettled(tail: readonly MessageRow[]): void {
  if (tail.some((m) => m.status === 'streaming' || m.status === 'pending')) throw unsettled();
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
    await moveMessages(db, asideRows(parent, tail, now()), []);
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
      const versions = others && versionsAt(m, others);
      if (versions) out.set(m.id, versions);
    });
    return out;
  });
}

/** What a flip puts on screen, known once the versions are read and before anything is written. */
export interface FlipPlan {
  sessionId: string;
  /** Where the version comes on the active path. */
  seq: number;
  /** The active path from `seq` on, as it stands once the flip commits. */
  rows: MessageRow[];
  /** The versions at those of `rows` that have others, as they stand then. */
  versions: Map<string, Versions>;
}

/** Whether a message of the session from `seq` on is being written or waits to be sent. */
export async function openFrom(db: TernDB, sessionId: string, seq: number): Promise<boolean> {
  const open = await Promise.all(OPEN_STATUSES.map((s) => openMessagesWith(db, s).toArray()));
  return open.flat().some((m) => m.sessionId === sessionId && m.seq >= seq);
}

/** What a flip from active message `from` reads first: where it hangs, and the session's versions. */
async function flipReads(db: TernDB, from: MessageRow) {
  const [before, busy, tree] = await Promise.all([
    messagesBelow(db, from.sessionId, from.seq).last(),
    // Checked on the sparse index, so that a flip that cannot happen is never drawn.
    openFrom(db, from.sessionId, from.seq),
    branchTree(db, from.sessionId),
  ]);
  return { parent: before?.id ?? BRANCH_ROOT, busy, tree };
}

/** What flipping from `from` (hanging off `parent`) to `to` puts on screen; throws if it cannot. */
function planFlip(
  from: MessageRow,
  to: BranchMessageRow,
  { parent, busy, tree }: Awaited<ReturnType<typeof flipReads>>,
): FlipPlan {
  if (to.sessionId !== from.sessionId || to.parentId !== parent)
    throw new TernError('conflict', 'That version belongs elsewhere in the conversation.');
  if (busy) throw unsettled();
  const rows = continuationIn(tree, to).map((m, i) => bringBack(m, from.seq + i));
  const versions = new Map<string, Versions>();
  rows.forEach((m, i) => {
    const others = i === 0 ? [...(tree.get(parent) ?? []), from] : tree.get(rows[i - 1]?.id ?? '');
    const v = others && versionsAt(m, others);
    if (v) versions.set(m.id, v);
  });
  return { sessionId: from.sessionId, seq: from.seq, rows, versions };
}

/**
 * What flipping from active message `fromId` to each of `toIds` would put on screen, read ahead
 * (the pointer is on the arrows) so that a flip can be drawn the moment it is asked for. Only the
 * flips that can happen now; switchVersion reads again, and what it finds is what is written.
 */
export function planFlips(
  db: TernDB,
  fromId: string,
  toIds: readonly string[],
): Promise<FlipPlan[]> {
  return ro(db, [db.messages, db.branchMessages], async () => {
    const [from, tos] = await Promise.all([
      db.messages.get(fromId),
      db.branchMessages.bulkGet([...toIds]),
    ]);
    if (!from) return [];
    const reads = await flipReads(db, from);
    return tos.flatMap((to) => {
      try {
        return to ? [planFlip(from, to, reads)] : [];
      } catch {
        return [];
      }
    });
  });
}

/**
 * Puts version `toId` on screen in place of the active message `fromId`: the active path from
 * `fromId` on is set aside, and `toId` with its own continuation takes its place. One transaction.
 * `onPlan` hears what will be on screen as soon as it is known, before the writes (a flip of a
 * thousand messages writes for a good while): the caller can draw it at once, and draws the old
 * path again if the flip then fails.
 */
export function switchVersion(
  db: TernDB,
  fromId: string,
  toId: string,
  onPlan?: (plan: FlipPlan) => void,
): Promise<MessageRow[]> {
  return rw(db, [db.sessions, db.messages, db.branchMessages], async () => {
    const [from, to] = await Promise.all([db.messages.get(fromId), db.branchMessages.get(toId)]);
    if (!from || !to || to.sessionId !== from.sessionId)
      throw new TernError('not-found', 'That version no longer exists.');
    // Asked after the first reads, so that the plan is known while the tail is still being read.
    const reading = flipReads(db, from);
    const tailRead = messagesFrom(db, from.sessionId, from.seq).toArray();
    // Awaited below unless a refusal comes first and ends the transaction.
    tailRead.catch(() => undefined);
    const reads = await reading;
    const plan = planFlip(from, to, reads);
    // Whatever the caller does with it, none of it belongs to this transaction.
    if (onPlan) outsideTx(() => onPlan(plan));
    const tail = await tailRead;
    assertSettled(tail);
    const at = now();
    await moveMessages(db, asideRows(reads.parent, tail, at), plan.rows);
    await db.sessions.update(from.sessionId, { updatedAt: at });
    return plan.rows;
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
      await moveMessages(
        db,
        [],
        chain.map((m, i) => bringBack(m, msg.seq + i)),
      );
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
