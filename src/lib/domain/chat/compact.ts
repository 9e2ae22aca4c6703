// Compacting a conversation that has outgrown the model's context window: all but the latest
// messages are set aside into the archive (domain/compaction.ts keeps them byte for byte, and a
// revert puts them back), with one summary message in their place. The summary comes from the
// session's own model when one is set up and reachable; otherwise, or when that fails, a plain
// list stands in: how many messages went, and the first words of each thing the user wrote.
import type { TernDB } from '../../db/database';
import type { CompactionEventRow, MessageRow } from '../../db/rows';
import type { Provider, ProviderKind } from '../../providers/types';
import { TernError } from '../../errors';
import { compactSession } from '../compaction';
import { KEEP_MESSAGES, listSummary, planCompaction } from '../compaction-plan';
import { allMessages } from '../messages';
import { sessionModel, type ProviderLookup } from './request';
import { summarise } from './summarise';
import { countTokens } from './tokens';

export interface CompactDeps {
  db: TernDB;
  providerConfig: ProviderLookup;
  loadProvider: (kind: ProviderKind) => Promise<Provider>;
  online: boolean;
  fetch?: typeof fetch | undefined;
  stallMs?: number | undefined;
}

export interface CompactOptions {
  /** Only messages before this seq are considered (the failed reply a retry replaces). */
  beforeSeq?: number | undefined;
  /**
   * When keeping the usual number leaves nothing to set aside, keep only the last exchange. Also
   * done when the latest reply was refused as too long.
   */
  tight?: boolean | undefined;
}

export interface CompactionOutcome {
  event: CompactionEventRow;
  archived: number;
  /** 'model' when the session's model wrote the summary, else 'list'. */
  summarisedBy: 'model' | 'list';
  /** Why the model did not write it, when it was asked and failed. */
  reason: string | null;
}

/** Sets the older messages of a session aside behind one summary. */
export async function compactConversation(
  deps: CompactDeps,
  sessionId: string,
  options: CompactOptions = {},
): Promise<CompactionOutcome> {
  const { db } = deps;
  const before = options.beforeSeq;
  const rows = (await allMessages(db, sessionId)).filter(
    (r) => before === undefined || r.seq < before,
  );
  const tight = options.tight || rows.at(-1)?.error?.code === 'context-too-long';
  let keep = KEEP_MESSAGES;
  let plan = planCompaction(rows, keep);
  if (plan.length === 0 && tight) plan = planCompaction(rows, (keep = 1));
  if (plan.length === 0)
    throw new TernError(
      'invalid-input',
      tight
        ? 'There is nothing left to set aside: the latest message alone is longer than the model can read. Shorten it, or start a new session.'
        : `There is nothing to compact yet: the latest ${KEEP_MESSAGES} messages always stay as they are.`,
    );
  const summary = await writeSummary(deps, sessionId, plan);
  const event = await compactSession(db, sessionId, {
    archiveIds: plan.map((m) => m.id),
    summary: { content: summary.text, tokens: await countTokens(summary.text) },
    strategy: keep === 1 ? 'keep-last-exchange' : `keep-last-${keep}`,
    metadata: {
      summarisedBy: summary.by,
      ...(summary.model ? { model: summary.model } : {}),
    },
  });
  return {
    event,
    archived: plan.length,
    summarisedBy: summary.by,
    reason: summary.reason,
  };
}

async function writeSummary(
  deps: CompactDeps,
  sessionId: string,
  rows: MessageRow[],
): Promise<{ text: string; by: 'model' | 'list'; model: string | null; reason: string | null }> {
  const list = (reason: string | null) => ({
    text: listSummary(rows),
    by: 'list' as const,
    model: null,
    reason,
  });
  if (!deps.online) return list(null);
  const target = await sessionModel(deps.db, deps.providerConfig, sessionId);
  if (!target.ok) return list(null);
  let provider: Provider;
  try {
    provider = await deps.loadProvider(target.config.kind);
  } catch {
    return list('The provider could not be loaded.');
  }
  const outcome = await summarise({
    provider,
    config: target.config,
    model: target.model,
    rows,
    ...(deps.stallMs !== undefined ? { stallMs: deps.stallMs } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  if (!outcome.ok) return list(outcome.reason);
  return { text: outcome.text, by: 'model', model: target.model, reason: null };
}
