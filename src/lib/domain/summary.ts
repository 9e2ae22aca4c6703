// Whether a message is a compaction's summary, apart from the compaction code itself: the
// conversation needs to know it on every render, the rest of compaction only when it runs.
import type { MessageRow } from '../db/rows';

/** The summary message a compaction put in place of the messages it set aside. */
export function isSummary(row: MessageRow): boolean {
  return row.role === 'system' && row.metadata.compactionEventId !== undefined;
}
