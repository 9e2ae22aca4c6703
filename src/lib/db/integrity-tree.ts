// The checks of a session's tree of versions (schema v4): every message of an inactive branch
// belongs to a live session, follows a message that exists in that session (in either store, or
// in the archive of a compaction that can be undone),
// never leads back to itself, and is not also on the active path. The repair mends what it can
// without deleting anything: a branch that lost its parent, or loops, is hung off the session's
// last active message, where the version switcher shows it.
import type { TernDB } from './database';
import { sessionMessages } from './reads';
import { BRANCH_ROOT, type BranchMessageRow } from './rows';

export type TreeIssue =
  | {
      kind: 'orphan-branch-message';
      messageId: string;
      sessionId: string;
      missing: 'session' | 'parent';
      ref: string;
    }
  | { kind: 'branch-cycle'; sessionId: string; messageIds: string[] }
  | { kind: 'branch-duplicate'; messageId: string; sessionId: string };

interface Found {
  issues: TreeIssue[];
  /** Rows to hang off their session's last active message: lost parents, one per cycle. */
  reparent: BranchMessageRow[];
  /** Every branch message id, for the images' references. */
  ids: Set<string>;
}

/** `active`: the active messages' ids with their sessions. */
async function findTreeIssues(
  db: TernDB,
  sessionIds: ReadonlySet<string>,
  active: ReadonlyMap<string, string>,
): Promise<Found> {
  const rows = await db.branchMessages.toArray();
  const byId = new Map(rows.map((r) => [r.id, r]));
  // A version may hang off a message a compaction set aside: it is in place again on undo.
  const archived = new Map<string, string>();
  await db.messageArchive.each((a) => void archived.set(a.messageId, a.sessionId));
  const issues: TreeIssue[] = [];
  const reparent: BranchMessageRow[] = [];
  const parentOk = (r: BranchMessageRow) =>
    r.parentId === BRANCH_ROOT ||
    active.get(r.parentId) === r.sessionId ||
    archived.get(r.parentId) === r.sessionId ||
    byId.get(r.parentId)?.sessionId === r.sessionId;
  for (const r of rows) {
    if (active.has(r.id))
      issues.push({ kind: 'branch-duplicate', messageId: r.id, sessionId: r.sessionId });
    if (!sessionIds.has(r.sessionId))
      issues.push({
        kind: 'orphan-branch-message',
        messageId: r.id,
        sessionId: r.sessionId,
        missing: 'session',
        ref: r.sessionId,
      });
    else if (!parentOk(r)) {
      issues.push({
        kind: 'orphan-branch-message',
        messageId: r.id,
        sessionId: r.sessionId,
        missing: 'parent',
        ref: r.parentId,
      });
      reparent.push(r);
    }
  }
  // Walk up from each row through branch rows; a walk that meets itself found a cycle. Rows already
  // settled (reaching the active path, a lost parent, or a known cycle) end later walks early.
  const settled = new Set<string>();
  for (const start of rows) {
    const trail: string[] = [];
    const onTrail = new Set<string>();
    let at: BranchMessageRow | undefined = start;
    while (at && !settled.has(at.id) && !onTrail.has(at.id)) {
      trail.push(at.id);
      onTrail.add(at.id);
      at = parentOk(at) ? byId.get(at.parentId) : undefined;
    }
    if (at && onTrail.has(at.id)) {
      const loop = trail.slice(trail.indexOf(at.id)).sort();
      issues.push({ kind: 'branch-cycle', sessionId: at.sessionId, messageIds: loop });
      const first = byId.get(loop[0] ?? '');
      if (first) reparent.push(first);
    }
    for (const id of trail) settled.add(id);
  }
  return { issues, reparent, ids: new Set(byId.keys()) };
}

/** The tree's issues, and every branch message id. Runs inside the caller's transaction. */
export async function treeIssues(
  db: TernDB,
  sessionIds: ReadonlySet<string>,
  active: ReadonlyMap<string, string>,
): Promise<{ issues: TreeIssue[]; ids: Set<string> }> {
  const { issues, ids } = await findTreeIssues(db, sessionIds, active);
  return { issues, ids };
}

/**
 * Hangs every branch message that lost its parent, and one message of every cycle, off its
 * session's last active message (or makes it a first message when the session has none). Runs
 * inside the caller's read-write transaction; returns the sessions changed.
 */
export async function repairTree(db: TernDB): Promise<Set<string>> {
  const sessionIds = new Set(await db.sessions.toCollection().primaryKeys());
  const active = new Map<string, string>();
  await db.messages.each((m) => void active.set(m.id, m.sessionId));
  const { reparent } = await findTreeIssues(db, sessionIds, active);
  const changed = new Set<string>();
  for (const r of reparent) {
    if (!sessionIds.has(r.sessionId)) continue;
    const last = await sessionMessages(db, r.sessionId).last();
    await db.branchMessages.update(r.id, { parentId: last?.id ?? BRANCH_ROOT });
    changed.add(r.sessionId);
  }
  return changed;
}
