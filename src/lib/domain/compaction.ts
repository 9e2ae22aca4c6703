// Compaction: older messages of a session are replaced by one summary message, and the complete
// rows taken out are kept in messageArchive under the event, so that a revert puts back exactly
// what was there. Preserved messages are never taken out. The summary takes the seq of the first
// message it replaces, so order is kept without renumbering anything.
import { TernError } from '../errors';
import type {
  CompactionEventRow,
  MessageArchiveRow,
  MessageMetadata,
  MessageRow,
} from '../db/rows';
import type { TernDB } from '../db/database';
import { checkMetadata } from './messages';
import { eventArchive } from '../db/later-reads';
import { sessionCompactions, sessionMessages } from '../db/reads';
import { newId, now, rw } from './tx';

export interface CompactionPlan {
  archiveIds: string[];
  summary: { content: string; tokens: number | null };
  strategy: string;
  /** Kept on the summary message beside `compactionEventId` and `archivedCount`. */
  metadata?: MessageMetadata;
}

export { isSummary } from './summary';

function tables(db: TernDB) {
  return [db.sessions, db.messages, db.compactionEvents, db.messageArchive];
}

export async function compactSession(
  db: TernDB,
  sessionId: string,
  plan: CompactionPlan,
): Promise<CompactionEventRow> {
  if (plan.archiveIds.length === 0)
    throw new TernError('invalid-input', 'There is nothing to compact.');
  checkMetadata(plan.metadata);
  return rw(db, tables(db), async () => {
    const session = await db.sessions.get(sessionId);
    if (!session) throw new TernError('not-found', 'That session no longer exists.');
    const found = await db.messages.bulkGet(plan.archiveIds);
    const rows: MessageRow[] = [];
    for (const m of found) {
      if (!m || m.sessionId !== sessionId)
        throw new TernError('not-found', 'A message to compact no longer exists.');
      if (m.preserved) throw new TernError('invalid-input', 'Preserved messages stay as they are.');
      rows.push(m);
    }
    rows.sort((a, b) => a.seq - b.seq);
    const preserved = await sessionMessages(db, sessionId)
      .filter((m) => m.preserved)
      .primaryKeys();
    const t = now();
    const eventId = newId();
    const archived = rows.reduce((n, m) => n + (m.tokens ?? 0), 0);
    const summary: MessageRow = {
      id: newId(),
      sessionId,
      seq: rows[0]?.seq ?? 1,
      role: 'system',
      content: plan.summary.content,
      parts: [{ type: 'text', text: plan.summary.content }],
      name: null,
      toolCallId: null,
      tokens: plan.summary.tokens,
      status: 'complete',
      error: null,
      preserved: false,
      metadata: { ...plan.metadata, compactionEventId: eventId, archivedCount: rows.length },
      createdAt: rows[0]?.createdAt ?? t,
      updatedAt: t,
    };
    const tokensAfter = session.totalTokens - archived + (plan.summary.tokens ?? 0);
    const event: CompactionEventRow = {
      id: eventId,
      sessionId,
      createdAt: t,
      strategy: plan.strategy,
      tokensBefore: session.totalTokens,
      tokensAfter,
      archivedMessageIds: rows.map((m) => m.id),
      preservedMessageIds: preserved,
      summaryMessageId: summary.id,
      revertedAt: null,
    };
    const archive: MessageArchiveRow[] = rows.map((row) => ({
      eventId,
      messageId: row.id,
      sessionId,
      row,
      archivedAt: t,
    }));
    await db.messageArchive.bulkAdd(archive);
    await db.messages.bulkDelete(rows.map((m) => m.id));
    await db.messages.add(summary);
    await db.compactionEvents.add(event);
    await db.sessions.update(sessionId, {
      messageCount: session.messageCount - rows.length + 1,
      totalTokens: tokensAfter,
      compactionCount: session.compactionCount + 1,
      updatedAt: t,
      lastActivityAt: t,
    });
    return event;
  });
}

/** Undoes a compaction exactly: the summary goes, the archived rows come back as they were. */
export async function revertCompaction(db: TernDB, eventId: string): Promise<void> {
  await rw(db, tables(db), async () => {
    const event = await db.compactionEvents.get(eventId);
    if (!event) throw new TernError('not-found', 'That compaction no longer exists.');
    if (event.revertedAt !== null) throw new TernError('invalid-input', 'Already undone.');
    const session = await db.sessions.get(event.sessionId);
    if (!session) throw new TernError('not-found', 'That session no longer exists.');
    const summary = event.summaryMessageId
      ? await db.messages.get(event.summaryMessageId)
      : undefined;
    if (event.summaryMessageId && !summary)
      throw new TernError('invalid-input', 'Undo the later compaction first.');
    const archive = await eventArchive(db, eventId).toArray();
    if (summary) await db.messages.delete(summary.id);
    await db.messages.bulkAdd(archive.map((a) => a.row));
    await db.messageArchive.bulkDelete(archive.map((a) => [a.eventId, a.messageId]));
    const t = now();
    await db.compactionEvents.update(eventId, { revertedAt: t });
    const restored = archive.reduce((n, a) => n + (a.row.tokens ?? 0), 0);
    await db.sessions.update(event.sessionId, {
      messageCount: session.messageCount + archive.length - (summary ? 1 : 0),
      totalTokens: session.totalTokens + restored - (summary?.tokens ?? 0),
      compactionCount: session.compactionCount - 1,
      updatedAt: t,
    });
  });
}

export function listCompactions(db: TernDB, sessionId: string): Promise<CompactionEventRow[]> {
  return sessionCompactions(db, sessionId).toArray();
}
