// Opening a message found in a version not on screen (a search hit in an inactive branch): its
// whole path comes on screen, as if the user had flipped to each of its versions in turn, in one
// transaction. The active path's tail from the fork point is set aside by the same rule as a flip
// (setAsideFrom), and the chosen message's own continuation follows it, the one set aside last at
// each fork.
import { TernError } from '../errors';
import type { TernDB } from '../db/database';
import { moveMessages } from '../db/moves';
import { sessionMessages } from '../db/reads';
import { BRANCH_ROOT, type BranchMessageRow } from '../db/rows';
import {
  activeTail,
  assertSettled,
  branchTree,
  bringBack,
  continuationIn,
  setAsideFrom,
  type BranchTree,
} from './branches';
import { now, rw } from './tx';

/** From `row` up to the fork: the branch rows above it, top first, and the active parent's id. */
function ancestry(
  byId: ReadonlyMap<string, BranchMessageRow>,
  row: BranchMessageRow,
): { chain: BranchMessageRow[]; fork: string } {
  const chain = [row];
  const seen = new Set([row.id]);
  let parent = row.parentId;
  while (parent !== BRANCH_ROOT) {
    const up = byId.get(parent);
    if (!up) return { chain: chain.reverse(), fork: parent };
    // A cycle (damaged data) has no way back to the active path.
    if (seen.has(up.id))
      throw new TernError('conflict', 'That version is not linked to the conversation.');
    seen.add(up.id);
    chain.push(up);
    parent = up.parentId;
  }
  return { chain: chain.reverse(), fork: BRANCH_ROOT };
}

function rowsById(tree: BranchTree): Map<string, BranchMessageRow> {
  const byId = new Map<string, BranchMessageRow>();
  for (const rows of tree.values()) for (const r of rows) byId.set(r.id, r);
  return byId;
}

/**
 * Puts message `messageId` on screen with its whole path, if it waits in an inactive branch;
 * nothing changes for a message already on screen. Returns its session's id.
 */
export function activateMessage(db: TernDB, messageId: string): Promise<string> {
  return rw(db, [db.sessions, db.messages, db.branchMessages], async () => {
    const active = await db.messages.get(messageId);
    if (active) return active.sessionId;
    const row = await db.branchMessages.get(messageId);
    if (!row) throw new TernError('not-found', 'That message no longer exists.');
    const tree = await branchTree(db, row.sessionId);
    const { chain, fork } = ancestry(rowsById(tree), row);
    let start: number;
    if (fork !== BRANCH_ROOT) {
      const at = await db.messages.get(fork);
      if (!at || at.sessionId !== row.sessionId)
        throw new TernError('conflict', 'That version is not linked to the conversation.');
      start = at.seq + 1;
    } else {
      start = (await sessionMessages(db, row.sessionId).first())?.seq ?? 1;
    }
    const { tail } = await activeTail(db, row.sessionId, start);
    assertSettled(tail);
    const rows = [...chain.slice(0, -1), ...continuationIn(tree, row)];
    await setAsideFrom(db, row.sessionId, start);
    await moveMessages(
      db,
      [],
      rows.map((m, i) => bringBack(m, start + i)),
    );
    await db.sessions.update(row.sessionId, { updatedAt: now() });
    return row.sessionId;
  });
}
