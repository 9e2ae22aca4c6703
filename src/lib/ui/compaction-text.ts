// A compaction's outcome in words, for the notice after /compact or "Compact and retry".
import type { MessageRow } from '../db/rows';
import type { CompactionOutcome } from '../domain/chat/compact';
import { plural } from './format';

export function compactionText(outcome: CompactionOutcome): string {
  const set = `${plural(outcome.archived, 'earlier message')} set aside`;
  if (outcome.summarisedBy === 'model') return `${set}, summarised by the model.`;
  if (outcome.reason)
    return `${set}. The model could not summarise them (${outcome.reason.replace(/\.$/, '')}), so a list of what you wrote stands in.`;
  return `${set}, with a list of what you wrote in their place (no model was reachable to summarise them).`;
}

/** What a summary message is called: “Summary of 12 earlier messages”. */
export function summaryTitle(row: MessageRow): string {
  const n = row.metadata.archivedCount;
  return `Summary of ${plural(typeof n === 'number' ? n : 0, 'earlier message')}`;
}
