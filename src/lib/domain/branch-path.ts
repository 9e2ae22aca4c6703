// Opening a message found in a version not on screen (a search hit in an inactive branch): its
// whole path comes on screen, as if the user had flipped to each of its versions in turn, in one
// transaction. The active path's tail from the fork point is set aside by the same rule as a flip
// (setAsideFrom), and the chosen message's own continuation follows it, the one set aside last at
// each fork.
import { TernError } from '../errors';
import type { TernDB } from '../db/database';
import { branchChildren, sessionMessages } from '../db/reads';
import { BRANCH_ROOT, type BranchMessageRow, type MessageRow } from '../db/rows';
import { isOneOf, OPEN_STATUSES } from '../db/vocab';
import { setAsideFrom } from './branches';
import { now, rw } from './tx';

const byAge = (a: BranchMessageRow, b: BranchMessageRow) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The row as it stands on the active path at `seq`. */
function onScreen(row: BranchMessageRow, seq: number): MessageRow {
  const back: MessageRow & { parentId?: string; setAsideAt?: number } = { ...row, seq };
  delete back.parentId;
  delete back.setAsideAt;
  // A message that waited to be sent waits again (the outbox finds it by this sparse index).
  if (isOneOf(OPEN_STATUSES, back.status)) back.openStatus = back.status;
  return back;
}

/** From `row` up to the fork: the branch rows above it, top first, and the active parent's id. */
async function ancestry(
  db: TernDB,
  row: BranchMessageRow,
): Promise<{ chain: BranchMessageRow[]; fork: string }> {
  const chain = [row];
  const seen = new Set([row.id]);
  let parent = row.parentId;
  while (parent !== BRANCH_ROOT) {
    const up = await db.branchMessages.get(parent);
    if (!up) return { chain: chain.reverse(), fork: parent };
    // A cycle (damaged data) has no way back to the active path.
    if (seen.has(up.id) || up.sessionId !== row.sessionId)
      throw new TernError('conflict', 'That version is not linked to the conversation.');
    seen.add(up.id);
    chain.push(up);
    parent = up.parentId;
  }
  return { chain: chain.reverse(), fork: BRANCH_ROOT };
}

/** Below `row`: at each fork, the continuation set aside last. */
async function below(db: TernDB, row: BranchMessageRow, seen: Set<string>) {
  const out: BranchMessageRow[] = [];
  let last = row;
  for (;;) {
    const next = (await branchChildren(db, row.sessionId, [last.id]).toArray())
      .filter((c) => !seen.has(c.id))
      .sort((a, b) => b.setAsideAt - a.setAsideAt || byAge(b, a))[0];
    if (!next) return out;
    seen.add(next.id);
    out.push(next);
    last = next;
  }
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
    const { chain, fork } = await ancestry(db, row);
    const path = await sessionMessages(db, row.sessionId).toArray();
    let start: number;
    if (fork === BRANCH_ROOT) start = path[0]?.seq ?? 1;
    else {
      const at = path.find((m) => m.id === fork);
      if (!at) throw new TernError('conflict', 'That version is not linked to the conversation.');
      start = at.seq + 1;
    }
    const tail = path.filter((m) => m.seq >= start);
    if (tail.some((m) => m.status === 'streaming' || m.status === 'pending'))
      throw new TernError(
        'conflict',
        'A reply is still being written or a message waits to be sent in this version.',
      );
    const rows = [...chain, ...(await below(db, row, new Set(chain.map((m) => m.id))))];
    await setAsideFrom(db, row.sessionId, start);
    await db.branchMessages.bulkDelete(rows.map((m) => m.id));
    await db.messages.bulkAdd(rows.map((m, i) => onScreen(m, start + i)));
    await db.sessions.update(row.sessionId, { updatedAt: now() });
    return row.sessionId;
  });
}
