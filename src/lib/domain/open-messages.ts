// The counts the first screen reads before any conversation is open: the outbox badge, the
// reminder to keep data once there is some, and the outbox's sessions. Apart from the messages
// repository (domain/messages.ts, which re-exports them) so that it loads with the first
// conversation, not with the welcome screen.
import type { MessageRow } from '../db/rows';
import type { OpenStatus } from '../db/vocab';
import type { TernDB } from '../db/database';
import { mapErrors } from '../db/errors';
import { openMessagesWith } from '../db/reads';

/** How many messages are stored, counting no further than `limit` (reads keys, not rows). */
export function countMessagesUpTo(db: TernDB, limit: number): Promise<number> {
  return mapErrors(async () => (await db.messages.limit(limit).primaryKeys()).length);
}

/** Messages still pending or streaming, across sessions, oldest first. */
export function openMessages(db: TernDB, status: OpenStatus): Promise<MessageRow[]> {
  return mapErrors(() => openMessagesWith(db, status).toArray());
}

/** Sessions with messages in the outbox, the oldest waiting first. */
export async function pendingSessions(db: TernDB): Promise<string[]> {
  const pending = await openMessages(db, 'pending');
  return [...new Set(pending.sort((a, b) => a.createdAt - b.createdAt).map((m) => m.sessionId))];
}
