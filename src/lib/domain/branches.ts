// Versions of a conversation: the tree of every reply and every edit. The version on screen (the
// active path) is the session's `messages`, ordered by seq, so everything that reads a
// conversation reads it as before; the other versions' messages wait in `branchMessages`, each
// hanging off the message it follows. Setting the active path's tail aside (a regenerate, an edit)
// and flipping to another version move rows between the two stores in one transaction; ids, text
// and the session's counters (which count every stored message) do not change.
import { TernError } from '../errors';
import type { TernDB } from '../db/database';
import { branchChildren, sessionBranchMessages, sessionMessages } from '../db/reads';
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
function bringBack(row: BranchMessageRow, seq: number): MessageRow {
  const back: MessageRow & { parentId?: string; setAsideAt?: number } = { ...row, seq };
  delete back.parentId;
  delete back.setAsideAt;
  // A message that waited to be sent waits again (the outbox finds it by this sparse index).
  if (isOneOf(OPEN_STATUSES, back.status)) back.openStatus = back.status;
  return back;
}

async function activePath(db: TernDB, sessionId: string): Promise<MessageRow[]> {
  return sessionMessages(db, sessionId).toArray();
}

/** The active message before `seq` (its parent), or BRANCH_ROOT. */
function parentOf(path: readonly MessageRow[], index: number): string {
  return index > 0 ? (path[index - 1] as MessageRow).id : BRANCH_ROOT;
}

/**
 * Sets the active path from `seq` on aside as a version (inside the caller's transaction, or its
 * own): the messages keep their ids, text and counters, and the place is free for a new version.
 * Returns the messages set aside.
 */
export function setAsideFrom(db: TernDB, sessionId: string, seq: number): Promise<MessageRow[]> {
  return rw(db, [db.messages, db.branchMessages], async () => {
    const path = await activePath(db, sessionId);
    const from = path.findIndex((m) => m.seq >= seq);
    if (from < 0) return [];
    const tail = path.slice(from);
    const at = now();
    await db.branchMessages.bulkAdd(tail.map((m, i) => setAside(m, parentOf(path, from + i), at)));
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

/** Follows a branch down from `first`: at each fork, the continuation set aside last. */
async function continuation(
  db: TernDB,
  sessionId: string,
  first: BranchMessageRow,
): Promise<BranchMessageRow[]> {
  const chain = [first];
  const seen = new Set([first.id]);
  for (;;) {
    const last = chain[chain.length - 1] as BranchMessageRow;
    const next = (await branchChildren(db, sessionId, [last.id]).toArray())
      .filter((c) => !seen.has(c.id))
      .sort((a, b) => b.setAsideAt - a.setAsideAt || byAge(b, a))[0];
    if (!next) return chain;
    seen.add(next.id);
    chain.push(next);
  }
}

/**
 * Puts version `toId` on screen in place of the active message `fromId`: the active path from
 * `fromId` on is set aside, and `toId` with its own continuation takes its place. One transaction.
 */
export function switchVersion(db: TernDB, fromId: string, toId: string): Promise<MessageRow[]> {
  return rw(db, [db.sessions, db.messages, db.branchMessages], async () => {
    const from = await db.messages.get(fromId);
    const to = await db.branchMessages.get(toId);
    if (!from || !to || to.sessionId !== from.sessionId)
      throw new TernError('not-found', 'That version no longer exists.');
    const path = await activePath(db, from.sessionId);
    const index = path.findIndex((m) => m.id === fromId);
    if (to.parentId !== parentOf(path, index))
      throw new TernError('conflict', 'That version belongs elsewhere in the conversation.');
    if (path.slice(index).some((m) => m.status === 'streaming' || m.status === 'pending'))
      throw new TernError(
        'conflict',
        'A reply is still being written or a message waits to be sent in this version.',
      );
    const chain = await continuation(db, from.sessionId, to);
    await setAsideFrom(db, from.sessionId, from.seq);
    await db.branchMessages.bulkDelete(chain.map((m) => m.id));
    const rows = chain.map((m, i) => bringBack(m, from.seq + i));
    await db.messages.bulkAdd(rows);
    await db.sessions.update(from.sessionId, { updatedAt: now() });
    return rows;
  });
}

/** Every message that hangs below `ids` in the session's branches (not `ids` themselves). */
async function branchDescendants(
  db: TernDB,
  sessionId: string,
  ids: readonly string[],
): Promise<BranchMessageRow[]> {
  const out: BranchMessageRow[] = [];
  const seen = new Set(ids);
  let frontier = [...ids];
  while (frontier.length > 0) {
    const children = (await branchChildren(db, sessionId, frontier).toArray()).filter(
      (c) => !seen.has(c.id),
    );
    for (const c of children) seen.add(c.id);
    out.push(...children);
    frontier = children.map((c) => c.id);
  }
  return out;
}

/** What deleting the version that starts at active message `id` takes: it and all below it. */
async function versionSubtree(db: TernDB, id: string) {
  const msg = await db.messages.get(id);
  if (!msg) throw new TernError('not-found', 'That message no longer exists.');
  const path = await activePath(db, msg.sessionId);
  const index = path.findIndex((m) => m.id === id);
  const tail = path.slice(index);
  const below = await branchDescendants(
    db,
    msg.sessionId,
    tail.map((m) => m.id),
  );
  return { msg, path, index, tail, below };
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
    const { msg, path, index, tail, below } = await versionSubtree(db, id);
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
    const siblings = await branchChildren(db, msg.sessionId, [parentOf(path, index)]).toArray();
    const next = siblings.sort((a, b) => b.setAsideAt - a.setAsideAt || byAge(b, a))[0];
    if (next) {
      const chain = await continuation(db, msg.sessionId, next);
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

/**
 * Before one active message is deleted on its own: the versions that followed it follow its
 * parent instead, so that no branch is left hanging off a message that is gone.
 */
export async function reparentChildren(db: TernDB, message: MessageRow): Promise<void> {
  const path = await activePath(db, message.sessionId);
  const index = path.findIndex((m) => m.id === message.id);
  if (index < 0) return;
  await branchChildren(db, message.sessionId, [message.id]).modify({
    parentId: parentOf(path, index),
  });
}

/** Every message of the session's other versions (exports, whole-tree checks). */
export function allBranchMessages(db: TernDB, sessionId: string): Promise<BranchMessageRow[]> {
  return ro(db, [db.branchMessages], () => sessionBranchMessages(db, sessionId).toArray());
}
