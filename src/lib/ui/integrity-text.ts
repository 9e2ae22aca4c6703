// Integrity issues in words. The check (db/integrity.ts) reports these shapes; only the facts the
// words need are named here, so the text depends on plain data and the compiler still refuses an
// issue kind this file has no words for.
type Issue =
  | { kind: 'orphan-message' | 'missing-seq'; messageId: string }
  | { kind: 'duplicate-seq'; sessionId: string; seq: number; messageIds: readonly string[] }
  | { kind: 'counter-mismatch'; sessionId: string; counter: string; stored: number; actual: number }
  | { kind: 'session-without-workspace' | 'orphan-settings'; sessionId: string }
  | { kind: 'orphan-image'; imageId: string; missing: string }
  | { kind: 'orphan-compaction-event'; sessionId: string }
  | { kind: 'orphan-archive'; missing: string }
  | { kind: 'legacy-chat-count'; workspaceId: string; count: number }
  | { kind: 'orphan-branch-message'; messageId: string; missing: 'session' | 'parent' }
  | { kind: 'branch-cycle'; sessionId: string; messageIds: readonly string[] }
  | { kind: 'branch-duplicate'; messageId: string };

export function describeIssue(i: Issue): string {
  switch (i.kind) {
    case 'orphan-message':
      return `A message (${i.messageId}) belongs to a session that does not exist.`;
    case 'missing-seq':
      return `A message (${i.messageId}) has no place in its session's order.`;
    case 'duplicate-seq':
      return `${i.messageIds.length} messages share position ${i.seq} in session ${i.sessionId}.`;
    case 'counter-mismatch':
      return `Session ${i.sessionId} says ${i.stored} for ${i.counter} but has ${i.actual}.`;
    case 'session-without-workspace':
      return `Session ${i.sessionId} is in a workspace that does not exist.`;
    case 'orphan-image':
      return `An image (${i.imageId}) points at a ${i.missing} that does not exist.`;
    case 'orphan-settings':
      return `Settings are kept for a session that does not exist (${i.sessionId}).`;
    case 'orphan-compaction-event':
      return `A compaction record points at a missing session (${i.sessionId}).`;
    case 'orphan-archive':
      return `An archived message points at a missing ${i.missing}.`;
    case 'legacy-chat-count':
      return `Workspace ${i.workspaceId} has ${i.count} Legacy Chat sessions instead of one.`;
    case 'orphan-branch-message':
      return i.missing === 'session'
        ? `A message of another version (${i.messageId}) belongs to a session that does not exist.`
        : `A message of another version (${i.messageId}) follows a message that does not exist.`;
    case 'branch-cycle':
      return `${i.messageIds.length} messages of other versions in session ${i.sessionId} follow each other in a loop.`;
    case 'branch-duplicate':
      return `A message (${i.messageId}) is both on screen and in another version.`;
  }
}
