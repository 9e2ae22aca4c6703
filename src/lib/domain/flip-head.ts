// The first screenful of a flip, read on its own: a click on an arrow with nothing planned ahead
// draws the new path from this, before the flip's own reads (the session's whole tree of versions,
// a thousand messages and more) have come back. The walk follows the new path one fork at a time
// through the [sessionId+parentId] index, so it costs a few small reads whatever the tree's size.
// What it draws is confirmed, or redrawn whole, by the plan switchVersion then makes.
import type { TernDB } from '../db/database';
import { branchChildren, messagesBelow } from '../db/reads';
import { BRANCH_ROOT, type BranchMessageRow } from '../db/rows';
import {
  bringBack,
  lastSetAside,
  openFrom,
  versionsAt,
  type FlipPlan,
  type Versions,
} from './branches';
import { ro } from './tx';

/**
 * What a tall screen shows below the message flipped; each is one read in turn (a millisecond or
 * so), so this is kept to a screenful. A taller screen sees the rest a moment later.
 */
export const HEAD_ROWS = 20;

/**
 * The first `limit` messages of the path flipping from active message `fromId` to version `toId`
 * would put on screen, with their versions; undefined when that flip cannot happen now.
 */
export function planFlipHead(
  db: TernDB,
  fromId: string,
  toId: string,
  limit = HEAD_ROWS,
): Promise<FlipPlan | undefined> {
  return ro(db, [db.messages, db.branchMessages], async () => {
    const [from, to] = await Promise.all([db.messages.get(fromId), db.branchMessages.get(toId)]);
    if (!from || !to || to.sessionId !== from.sessionId) return undefined;
    const sessionId = from.sessionId;
    const [before, busy, siblings] = await Promise.all([
      messagesBelow(db, sessionId, from.seq).last(),
      openFrom(db, sessionId, from.seq),
      branchChildren(db, sessionId, [to.parentId]).toArray(),
    ]);
    if (busy || to.parentId !== (before?.id ?? BRANCH_ROOT)) return undefined;
    const rows = [bringBack(to, from.seq)];
    const versions = new Map<string, Versions>();
    const first = versionsAt(to, [...siblings, from]);
    if (first) versions.set(to.id, first);
    const seen = new Set([to.id]);
    for (let last: BranchMessageRow = to; rows.length < limit;) {
      const children = await branchChildren(db, sessionId, [last.id]).toArray();
      const next = lastSetAside(children.filter((c) => !seen.has(c.id)));
      if (!next) break;
      seen.add(next.id);
      const v = versionsAt(next, children);
      if (v) versions.set(next.id, v);
      rows.push(bringBack(next, from.seq + rows.length));
      last = next;
    }
    return { sessionId, seq: from.seq, rows, versions };
  });
}
