// What goes to the model for one reply: the session's settings and history before the reply, its
// images, the system prompt, the tools the permission mode offers, and for a continuation the
// words already written.
import type { TernDB } from '../../db/database';
import type { MessageError, MessageRow } from '../../db/rows';
import type { ChatRequest, ProviderConfig } from '../../providers/types';
import { allMessages } from '../messages';
import { getSettings } from '../settings';
import { toChatMessages } from './history';
import { loadRequestImages } from './request-images';
import { offeredTools } from './tools';

export const CONTINUE_PROMPT = 'Continue exactly where you stopped, without repeating anything.';

export type Mode = { kind: 'new'; round: number } | { kind: 'continue'; prefix: string };

export type BuiltRequest =
  { ok: true; config: ProviderConfig; request: ChatRequest } | { ok: false; error: MessageError };

export async function buildRequest(
  db: TernDB,
  providerConfig: (id: string | null) => ProviderConfig | null | Promise<ProviderConfig | null>,
  sessionId: string,
  reply: MessageRow,
  mode: Mode,
): Promise<BuiltRequest> {
  const settings = await getSettings(db, sessionId);
  const config = await providerConfig(settings.provider);
  const model = settings.model ?? config?.defaultModel ?? config?.models[0] ?? null;
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
  const rows = (await allMessages(db, sessionId)).filter((r) => r.seq < reply.seq);
  const messages = toChatMessages(rows, await loadRequestImages(db, rows));
  if (mode.kind === 'continue' && mode.prefix) {
    messages.push({ role: 'assistant', content: mode.prefix });
    // Anthropic continues a trailing assistant turn natively; others need to be asked.
    if (config.kind !== 'anthropic') messages.push({ role: 'user', content: CONTINUE_PROMPT });
  }
  const system = [
    settings.systemPrompt,
    ...rows.filter((r) => r.role === 'system').map((r) => r.content),
  ]
    .filter(Boolean)
    .join('\n\n');
  const tools = offeredTools(settings.permissionMode, settings.allowedTools);
  const { temperature, topP, maxTokens, presencePenalty, frequencyPenalty, stop } = settings.params;
  return {
    ok: true,
    config,
    request: {
      model,
      messages,
      ...(system ? { system } : {}),
      ...(tools.length ? { tools: tools.map((t) => t.spec) } : {}),
      params: { temperature, topP, maxTokens, presencePenalty, frequencyPenalty, stop },
    },
  };
}
