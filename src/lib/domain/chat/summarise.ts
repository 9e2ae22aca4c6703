// A summary written by the session's own model: one request through the same streaming adapter a
// reply uses, its text collected instead of stored. Nothing here touches the database.
import type { MessageRow } from '../../db/rows';
import type { ProviderError } from '../../providers/errors';
import type { ChatRequest, Provider, ProviderConfig } from '../../providers/types';
import { transcript } from '../compaction-plan';

/** Characters of conversation sent to be summarised; the smaller one when the first is refused. */
const BUDGETS = [48_000, 12_000] as const;

export const SUMMARY_SYSTEM =
  'You write concise, faithful summaries of conversations, in the language of the conversation.';

export function summaryRequest(rows: readonly MessageRow[], model: string, budget: number) {
  const request: ChatRequest = {
    model,
    system: SUMMARY_SYSTEM,
    messages: [
      {
        role: 'user',
        content:
          'The messages below are the start of a conversation between a user and an AI assistant. ' +
          'They are being set aside because the conversation no longer fits the context window, ' +
          'and your summary will take their place. Summarise them: what the user wants, what was ' +
          'answered or decided, the facts, names, numbers and code identifiers that matter, and ' +
          'anything still open. Write only the summary, in at most about 300 words.\n\n' +
          `<conversation>\n${transcript(rows, budget)}\n</conversation>`,
      },
    ],
  };
  return request;
}

export interface SummariseInput {
  provider: Provider;
  config: ProviderConfig;
  model: string;
  rows: readonly MessageRow[];
  signal?: AbortSignal;
  stallMs?: number;
  fetch?: typeof fetch;
}

export type SummaryOutcome = { ok: true; text: string } | { ok: false; reason: string };

async function once(input: SummariseInput, budget: number) {
  let text = '';
  const stream = input.provider.stream(
    input.config,
    summaryRequest(input.rows, input.model, budget),
    {
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.stallMs !== undefined ? { stallMs: input.stallMs } : {}),
      ...(input.fetch ? { fetch: input.fetch } : {}),
    },
  );
  for await (const event of stream) {
    if (event.type === 'text') text += event.text;
    else if (event.type === 'error') return { text, error: event.error };
  }
  return { text, error: null as ProviderError | null };
}

/** Asks the model for a summary of `rows`. Never throws: a failure comes back with its reason. */
export async function summarise(input: SummariseInput): Promise<SummaryOutcome> {
  for (const budget of BUDGETS) {
    const { text, error } = await once(input, budget);
    if (error?.code === 'context-too-long' && budget !== BUDGETS[BUDGETS.length - 1]) continue;
    if (error) return { ok: false, reason: error.message };
    if (text.trim() === '') return { ok: false, reason: 'The model sent an empty summary.' };
    return { ok: true, text: text.trim() };
  }
  return { ok: false, reason: 'The model could not read the messages to summarise.' };
}
