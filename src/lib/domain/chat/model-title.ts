// A session title written by the session's own model after the first exchange: one short request
// through the same streaming adapter a reply uses (so each provider's wire format stays in its
// adapter), its text cleaned and capped. Nothing here touches the database; it never throws.
import type { ChatRequest, Provider, ProviderConfig } from '../../providers/types';

/** Enough for a short title, little enough that the request is cheap and quick. */
export const TITLE_MAX_TOKENS = 24;
const MAX_CHARS = 60;
/** How much of each message the model reads to name the session. */
const INPUT_CHARS = 2_000;

export const TITLE_SYSTEM =
  'You name conversations. Answer with a title of at most six words, in the language of the ' +
  'conversation, with no quotes and no final full stop.';

export function titleRequest(model: string, userText: string, replyText: string): ChatRequest {
  return {
    model,
    system: TITLE_SYSTEM,
    messages: [
      {
        role: 'user',
        content:
          'Write a short title for this conversation.\n\n' +
          `<user>\n${userText.slice(0, INPUT_CHARS)}\n</user>\n` +
          `<assistant>\n${replyText.slice(0, INPUT_CHARS)}\n</assistant>`,
      },
    ],
    params: { maxTokens: TITLE_MAX_TOKENS },
  };
}

/** The model's answer as a title: first line, no quotes or markup, capped; null when nothing is left. */
export function cleanTitle(text: string): string | null {
  const line =
    text
      .replace(/^\s*(title\s*:)/i, '')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? '';
  const bare = line
    .replace(/["'“”‘’«»`*#_]+/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[.,;:!]+$/, '')
    .trim();
  if (bare === '') return null;
  return bare.length > MAX_CHARS ? `${bare.slice(0, MAX_CHARS - 1).trimEnd()}…` : bare;
}

export interface TitleInput {
  provider: Provider;
  config: ProviderConfig;
  model: string;
  userText: string;
  replyText: string;
  stallMs?: number;
  fetch?: typeof fetch;
}

/** Asks the model for a title; null on any error or an empty answer. */
export async function askForTitle(input: TitleInput): Promise<string | null> {
  let text = '';
  try {
    const stream = input.provider.stream(
      input.config,
      titleRequest(input.model, input.userText, input.replyText),
      {
        ...(input.stallMs !== undefined ? { stallMs: input.stallMs } : {}),
        ...(input.fetch ? { fetch: input.fetch } : {}),
      },
    );
    for await (const event of stream) {
      if (event.type === 'text') text += event.text;
      else if (event.type === 'error') return null;
    }
  } catch {
    return null;
  }
  return cleanTitle(text);
}
