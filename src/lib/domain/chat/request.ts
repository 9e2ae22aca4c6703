// What goes to the model for one reply: the session's settings and history before the reply, its
// images, the system prompt, the tools the engine offers, and for a continuation the
// words already written. A compaction's summary is a system row: it joins the system prompt,
// introduced as what it is, so it works with every provider (no turn of a role they refuse, no two
// user turns in a row) and the remaining messages follow it unchanged.
import type { TernDB } from '../../db/database';
import type { MessageError, MessageRow, SessionSettingsRow } from '../../db/rows';
import { PROVIDERS } from '../../providers/registry';
import type { ChatRequest, ProviderConfig, ToolSpec } from '../../providers/types';
import { isSummary } from '../compaction';
import { allMessages } from '../messages';
import { getSettings } from '../settings';
import { toChatMessages } from './history';
import { loadRequestImages } from './request-images';

export const CONTINUE_PROMPT = 'Continue exactly where you stopped, without repeating anything.';

export type Mode = { kind: 'new'; round: number } | { kind: 'continue'; prefix: string };

export type BuiltRequest =
  { ok: true; config: ProviderConfig; request: ChatRequest } | { ok: false; error: MessageError };

export type ProviderLookup = (
  id: string | null,
) => ProviderConfig | null | Promise<ProviderConfig | null>;

/** The provider and model a session talks to, or why there is none. */
export async function sessionModel(
  db: TernDB,
  providerConfig: ProviderLookup,
  sessionId: string,
  known?: SessionSettingsRow,
): Promise<
  { ok: true; config: ProviderConfig; model: string } | { ok: false; error: MessageError }
> {
  const settings = known ?? (await getSettings(db, sessionId));
  const config = await providerConfig(settings.provider);
  const model = settings.model ?? config?.defaultModel ?? config?.models[0] ?? null;
  if (config?.keyLocked)
    return {
      ok: false,
      error: {
        code: 'keys-locked',
        message: 'Your API keys are locked. Unlock them in Settings → App, then retry.',
      },
    };
  if (!config || !model)
    return {
      ok: false,
      error: {
        code: 'no-provider',
        message: !config
          ? 'No provider is set up for this session. Add one in Settings → Providers, then retry.'
          : 'No model is chosen for this session. Pick one in the session settings, then retry.',
      },
    };
  return { ok: true, config, model };
}

/** How a system row reads in the system prompt; a summary says what it stands for. */
function systemText(row: MessageRow): string {
  if (!isSummary(row)) return row.content;
  const n = row.metadata.archivedCount;
  const count = n === undefined ? '' : `${n} `;
  return `Summary of ${count}earlier messages of this conversation, set aside to fit the context window:\n\n${row.content}`;
}

export async function buildRequest(
  db: TernDB,
  providerConfig: ProviderLookup,
  sessionId: string,
  reply: MessageRow,
  mode: Mode,
  /** The tools the session offers (see ChatEngine.sessionTools); none for a plain request. */
  tools: readonly ToolSpec[] = [],
): Promise<BuiltRequest> {
  const settings = await getSettings(db, sessionId);
  const target = await sessionModel(db, providerConfig, sessionId, settings);
  if (!target.ok) return target;
  const { config, model } = target;
  const rows = (await allMessages(db, sessionId)).filter((r) => r.seq < reply.seq);
  const messages = toChatMessages(rows, await loadRequestImages(db, rows));
  const { temperature, topP, maxTokens, presencePenalty, frequencyPenalty, stop, thinkingBudget } =
    settings.params;
  if (mode.kind === 'continue' && mode.prefix) {
    messages.push({ role: 'assistant', content: mode.prefix });
    // Some providers go on from a trailing assistant turn by themselves, but not while thinking
    // (they refuse a prefilled reply then); the others need to be asked.
    if (!PROVIDERS[config.kind].continuesPrefill || thinkingBudget)
      messages.push({ role: 'user', content: CONTINUE_PROMPT });
  }
  const system = [settings.systemPrompt, ...rows.filter((r) => r.role === 'system').map(systemText)]
    .filter(Boolean)
    .join('\n\n');
  return {
    ok: true,
    config,
    request: {
      model,
      messages,
      ...(system ? { system } : {}),
      ...(tools.length ? { tools: [...tools] } : {}),
      params: {
        temperature,
        topP,
        maxTokens,
        presencePenalty,
        frequencyPenalty,
        stop,
        ...(thinkingBudget ? { thinkingBudget } : {}),
      },
    },
  };
}
