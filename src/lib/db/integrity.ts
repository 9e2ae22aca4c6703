// The verification queries of the original migration guide, as code: a report of every way the
// stored data can disagree with itself, and a repair that recomputes the session counters and
// mends the trees of versions (integrity-tree.ts).
import type { TernDB } from './database';
import { mapErrors } from './errors';
import { repairTree, treeIssues, type TreeIssue } from './integrity-tree';
import type { SessionRow } from './rows';

export type Counter = 'messageCount' | 'imageCount' | 'totalTokens' | 'compactionCount';

export type IntegrityIssue =
  | { kind: 'orphan-message'; messageId: string; sessionId: string }
  | { kind: 'missing-seq'; messageId: string; sessionId: string }
  | { kind: 'duplicate-seq'; sessionId: string; seq: number; messageIds: string[] }
  | {
      kind: 'counter-mismatch';
      sessionId: string;
      counter: Counter;
      stored: number;
      actual: number;
    }
  | { kind: 'session-without-workspace'; sessionId: string; workspaceId: string }
  | {
      kind: 'orphan-image';
      imageId: string;
      missing: 'session' | 'message' | 'parent';
      ref: string;
    }
  | { kind: 'orphan-settings'; sessionId: string }
  | { kind: 'orphan-compaction-event'; eventId: string; sessionId: string }
  | { kind: 'orphan-archive'; eventId: string; messageId: string; missing: 'event' | 'session' }
  | { kind: 'legacy-chat-count'; workspaceId: string; count: number }
  | TreeIssue;

export interface IntegrityReport {
  ok: boolean;
  checkedAt: number;
  totals: { workspaces: number; sessions: number; messages: number; images: number };
  issues: IntegrityIssue[];
}

interface Actual {
  messageCount: number;
  imageCount: number;
  totalTokens: number;
  compactionCount: number;
}

async function actualCounters(db: TernDB): Promise<Map<string, Actual>> {
  const out = new Map<string, Actual>();
  const get = (id: string): Actual => {
    let a = out.get(id);
    if (!a)
      out.set(id, (a = { messageCount: 0, imageCount: 0, totalTokens: 0, compactionCount: 0 }));
    return a;
  };
  // A session counts every stored message: its active path and its other versions.
  const count = (m: { sessionId: string; tokens?: number | null }) => {
    const a = get(m.sessionId);
    a.messageCount++;
    a.totalTokens += typeof m.tokens === 'number' ? m.tokens : 0;
  };
  await db.messages.each(count);
  await db.branchMessages.each(count);
  await db.images.each((i) => void get(i.sessionId).imageCount++);
  await db.compactionEvents.each((e) => {
    if (e.revertedAt === null) get(e.sessionId).compactionCount++;
  });
  return out;
}

const COUNTERS: readonly Counter[] = [
  'messageCount',
  'imageCount',
  'totalTokens',
  'compactionCount',
];

export function checkIntegrity(db: TernDB): Promise<IntegrityReport> {
  return mapErrors(() =>
    db.transaction('r', db.tables, async () => {
      const workspaces = new Set(await db.workspaces.toCollection().primaryKeys());
      const sessions = await db.sessions.toArray();
      const sessionIds = new Set(sessions.map((s) => s.id));
      const issues = sessionIssues(sessions, workspaces, await actualCounters(db));
      const messages = await messageIssues(db, sessionIds);
      issues.push(...messages.issues);
      const tree = await treeIssues(db, sessionIds, messages.sessionOf);
      issues.push(...tree.issues);
      for (const id of tree.ids) messages.ids.add(id);
      // An image may belong to a message that a compaction archived: it comes back on revert.
      await db.messageArchive.each((a) => void messages.ids.add(a.messageId));
      const images = await imageIssues(db, sessionIds, messages.ids);
      issues.push(...images.issues);
      issues.push(...(await settingsIssues(db, sessionIds)));
      issues.push(...(await compactionIssues(db, sessionIds)));
      issues.push(...legacyIssues(sessions, messages.legacyBySession));
      return {
        ok: issues.length === 0,
        checkedAt: Date.now(),
        totals: {
          workspaces: workspaces.size,
          sessions: sessions.length,
          messages: messages.count,
          images: images.count,
        },
        issues,
      };
    }),
  );
}

/** A session's workspace exists and its stored counters match its rows. */
function sessionIssues(
  sessions: SessionRow[],
  workspaces: Set<string>,
  actual: Map<string, Actual>,
): IntegrityIssue[] {
  const issues: IntegrityIssue[] = [];
  for (const s of sessions) {
    if (!workspaces.has(s.workspaceId))
      issues.push({
        kind: 'session-without-workspace',
        sessionId: s.id,
        workspaceId: s.workspaceId,
      });
    const a = actual.get(s.id);
    for (const counter of COUNTERS) {
      const real = a?.[counter] ?? 0;
      if (s[counter] !== real)
        issues.push({
          kind: 'counter-mismatch',
          sessionId: s.id,
          counter,
          stored: s[counter],
          actual: real,
        });
    }
  }
  return issues;
}

interface MessageCheck {
  issues: IntegrityIssue[];
  count: number;
  /** Every message id, for the images' references. */
  ids: Set<string>;
  /** Messages that came from v1 chats, per session. */
  legacyBySession: Map<string, number>;
  /** The session of every active message, for the tree's checks. */
  sessionOf: Map<string, string>;
}

/** Every message belongs to a live session and holds a seq no other message of it holds. */
async function messageIssues(db: TernDB, sessionIds: Set<string>): Promise<MessageCheck> {
  const issues: IntegrityIssue[] = [];
  const seqs = new Map<string, string[]>();
  const ids = new Set<string>();
  const sessionOf = new Map<string, string>();
  const legacyBySession = new Map<string, number>();
  let count = 0;
  await db.messages.each((m) => {
    count++;
    ids.add(m.id);
    sessionOf.set(m.id, m.sessionId);
    if (typeof m.sessionId !== 'string' || !sessionIds.has(m.sessionId))
      issues.push({ kind: 'orphan-message', messageId: m.id, sessionId: String(m.sessionId) });
    if (!Number.isInteger(m.seq) || m.seq < 1) {
      issues.push({ kind: 'missing-seq', messageId: m.id, sessionId: String(m.sessionId) });
      return;
    }
    const key = `${m.sessionId}\u0000${m.seq}`;
    const same = seqs.get(key);
    if (same) same.push(m.id);
    else seqs.set(key, [m.id]);
    if (m.metadata?.origin === 'v1-chat')
      legacyBySession.set(m.sessionId, (legacyBySession.get(m.sessionId) ?? 0) + 1);
  });
  for (const [key, messageIds] of seqs) {
    if (messageIds.length < 2) continue;
    const [sessionId = '', seq = '0'] = key.split('\u0000');
    issues.push({ kind: 'duplicate-seq', sessionId, seq: Number(seq), messageIds });
  }
  return { issues, count, ids, legacyBySession, sessionOf };
}

/** Every image's session, message and parent exist. */
async function imageIssues(
  db: TernDB,
  sessionIds: Set<string>,
  messageIds: Set<string>,
): Promise<{ issues: IntegrityIssue[]; count: number }> {
  const issues: IntegrityIssue[] = [];
  const imageIds = new Set(await db.images.toCollection().primaryKeys());
  await db.images.each((i) => {
    if (!sessionIds.has(i.sessionId))
      issues.push({ kind: 'orphan-image', imageId: i.id, missing: 'session', ref: i.sessionId });
    if (i.messageId !== null && !messageIds.has(i.messageId))
      issues.push({ kind: 'orphan-image', imageId: i.id, missing: 'message', ref: i.messageId });
    if (i.parentId !== null && !imageIds.has(i.parentId))
      issues.push({ kind: 'orphan-image', imageId: i.id, missing: 'parent', ref: i.parentId });
  });
  return { issues, count: imageIds.size };
}

/** Every session's settings row belongs to a session. */
async function settingsIssues(db: TernDB, sessionIds: Set<string>): Promise<IntegrityIssue[]> {
  const issues: IntegrityIssue[] = [];
  for (const id of await db.sessionSettings.toCollection().primaryKeys())
    if (!sessionIds.has(id)) issues.push({ kind: 'orphan-settings', sessionId: id });
  return issues;
}

/** Every compaction event belongs to a session, and every archived message to an event of one. */
async function compactionIssues(db: TernDB, sessionIds: Set<string>): Promise<IntegrityIssue[]> {
  const issues: IntegrityIssue[] = [];
  const events = new Set<string>();
  await db.compactionEvents.each((e) => {
    events.add(e.id);
    if (!sessionIds.has(e.sessionId))
      issues.push({ kind: 'orphan-compaction-event', eventId: e.id, sessionId: e.sessionId });
  });
  await db.messageArchive.each((a) => {
    const missing = !events.has(a.eventId)
      ? 'event'
      : !sessionIds.has(a.sessionId)
        ? 'session'
        : null;
    if (missing)
      issues.push({ kind: 'orphan-archive', eventId: a.eventId, messageId: a.messageId, missing });
  });
  return issues;
}

/** Every v1 workspace that had chats has exactly one Legacy Chat holding them. */
function legacyIssues(
  sessions: SessionRow[],
  legacyMessages: Map<string, number>,
): IntegrityIssue[] {
  const byOrigin = new Map<string, { sessions: number; messages: number }>();
  const entry = (ws: string) => {
    let e = byOrigin.get(ws);
    if (!e) byOrigin.set(ws, (e = { sessions: 0, messages: 0 }));
    return e;
  };
  const originOf = new Map<string, string>();
  for (const s of sessions) {
    const origin = s.metadata?.legacyWorkspaceId;
    if (s.metadata?.legacy === true && typeof origin === 'string') {
      entry(origin).sessions++;
      originOf.set(s.id, origin);
    }
  }
  for (const [sessionId, n] of legacyMessages) {
    const origin = originOf.get(sessionId);
    if (origin) entry(origin).messages += n;
    else entry(`(session ${sessionId})`).messages += n;
  }
  const out: IntegrityIssue[] = [];
  for (const [workspaceId, e] of byOrigin)
    if (e.messages > 0 && e.sessions !== 1)
      out.push({ kind: 'legacy-chat-count', workspaceId, count: e.sessions });
  return out;
}

/**
 * Mends what can be mended without deleting anything: branches that lost their parent or loop are
 * hung off their session's last active message, and every session's counters are recomputed from
 * the rows. Returns how many sessions changed.
 */
export function repairCounters(db: TernDB): Promise<number> {
  const tables = [
    db.sessions,
    db.messages,
    db.branchMessages,
    db.messageArchive,
    db.images,
    db.compactionEvents,
  ];
  return mapErrors(() =>
    db.transaction('rw', tables, async () => {
      const reparented = await repairTree(db);
      const actual = await actualCounters(db);
      let fixed = 0;
      for (const s of await db.sessions.toArray()) {
        const a = actual.get(s.id) ?? {
          messageCount: 0,
          imageCount: 0,
          totalTokens: 0,
          compactionCount: 0,
        };
        if (COUNTERS.some((c) => s[c] !== a[c])) {
          await db.sessions.update(s.id, { ...a });
          fixed++;
        } else if (reparented.has(s.id)) fixed++;
      }
      return fixed;
    }),
  );
}
