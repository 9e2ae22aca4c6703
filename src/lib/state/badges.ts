// The message counts behind the status badges (messages waiting to be sent, and whether enough are
// stored to ask for persistent storage), as one live query reads them. Each reads a bounded number
// of rows: the outbox's messages, and message keys up to a small limit, never the whole store.
import type { TernDB } from '../db/database';
import { countMessagesUpTo, openMessages } from '../domain/messages';

export interface MessageBadges {
  pending: number;
  /** Messages stored, counted no further than the limit asked for. */
  stored: number;
}

export async function readMessageBadges(db: TernDB, upTo: number): Promise<MessageBadges> {
  const [pending, stored] = await Promise.all([
    openMessages(db, 'pending'),
    countMessagesUpTo(db, upTo),
  ]);
  return { pending: pending.length, stored };
}
