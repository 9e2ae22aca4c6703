// Everything that can go wrong between the browser and a model, as one typed error with a `code`.
// Messages say what happened and what to do, in words a user can act on. They never contain the
// API key: anything a server sends back is passed through `redact` before it is kept.

export type ProviderErrorCode =
  | 'unauthorized'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'cors'
  | 'stream-broken'
  | 'stream-stalled'
  | 'malformed-stream'
  | 'bad-request'
  | 'not-found'
  | 'context-too-long'
  | 'aborted'
  /** A model on this device: missing, unreadable, or failed in the engine. */
  | 'model-unavailable'
  /** A model on this device larger than the memory the page may use. */
  | 'out-of-memory';

export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  /** The HTTP status, where there was one. */
  readonly status: number | null;
  /** Epoch ms after which trying again makes sense (429 with Retry-After). */
  readonly retryAt: number | null;

  constructor(
    code: ProviderErrorCode,
    message: string,
    extra: { status?: number | null; retryAt?: number | null } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
    this.code = code;
    this.status = extra.status ?? null;
    this.retryAt = extra.retryAt ?? null;
  }
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}

/** Removes the key (and any bearer token) from text a server or a library produced. */
export function redact(text: string, apiKey: string): string {
  let out = text;
  if (apiKey.length >= 4) out = out.split(apiKey).join('[key hidden]');
  return out.replace(/(Bearer\s+)[^\s"']+/gi, '$1[key hidden]');
}

/** Retry-After is either seconds or an HTTP date. Null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return now + seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(date, now);
}

/** When a 429 carries no readable Retry-After (browsers hide headers a server does not expose). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 10_000;

/** What the user reads when the conversation no longer fits the model's context window. */
export const CONTEXT_TOO_LONG_MESSAGE =
  'This conversation is longer than the model can read at once. Compact older messages (/compact), or start a new session.';

// How the APIs Tern talks to say that the prompt is longer than the model's context window:
// OpenAI and its copies (vLLM, Groq, OpenRouter, DeepSeek): code context_length_exceeded, "This
// model's maximum context length is N tokens" or "Your input exceeds the context window of this
// model"; Anthropic: "prompt is too long: N tokens > M maximum"; Gemini: "The input token count
// (N) exceeds the maximum number of tokens allowed (M)"; llama.cpp server: type
// exceed_context_size_error, "the request exceeds the available context size" (and "Context size
// has been exceeded" from older builds, with a 500); Ollama: "the input length exceeds the context
// length"; LM Studio: "the model is loaded with context length of only N tokens" and "Cannot
// truncate prompt with n_keep (N) >= n_ctx (M)".
const CONTEXT_TOO_LONG_PATTERNS: readonly RegExp[] = [
  /context_length_exceeded/i,
  /exceed_context_size_error/i,
  /maximum context length/i,
  /prompt is too long/i,
  /input token count[^]*exceeds the maximum number of tokens/i,
  /exceeds? (?:the )?(?:available |model'?s? )?context (?:size|length|window)/i,
  /context size has been exceeded/i,
  /context length of only/i,
  /n_keep[^]*n_ctx/i,
];

/** True when a server's words say the request is longer than the model's context window. */
export function saysContextTooLong(text: string): boolean {
  return CONTEXT_TOO_LONG_PATTERNS.some((p) => p.test(text));
}

export function contextTooLong(detail = '', status: number | null = null): ProviderError {
  return new ProviderError('context-too-long', `${CONTEXT_TOO_LONG_MESSAGE}${detail}`, { status });
}

/**
 * An error a server sent inside an open stream (some local servers answer 200 and then report the
 * failure as an event): a context overflow is named as such, anything else is `fallback`.
 */
export function streamError(
  label: string,
  message: string | undefined,
  apiKey: string,
  fallback: { code: ProviderErrorCode; what: string },
): ProviderError {
  const said = redact(message ?? 'unknown', apiKey).slice(0, 300);
  if (saysContextTooLong(said)) return contextTooLong(` The server said: “${said}”`);
  return new ProviderError(
    fallback.code,
    `${label} reported ${fallback.what} in the middle of the reply: ${said}. What arrived is kept.`,
  );
}

function serverDetail(body: string, apiKey: string): string {
  let detail = body.trim();
  try {
    const json = JSON.parse(detail) as unknown;
    const found = findMessage(json);
    if (found) detail = found;
  } catch {
    // Not JSON: keep the text as it came.
  }
  detail = redact(detail, apiKey).slice(0, 300);
  return detail ? ` The server said: “${detail}”` : '';
}

function findMessage(json: unknown): string | null {
  if (typeof json !== 'object' || json === null) return null;
  const record = json as Record<string, unknown>;
  if (typeof record.message === 'string') return record.message;
  if (typeof record.error === 'string') return record.error;
  if (Array.isArray(json)) return findMessage(json[0]);
  return findMessage(record.error);
}

/** Turns a non-2xx response into the error a user can act on. */
export async function errorFromResponse(
  res: Response,
  label: string,
  apiKey: string,
): Promise<ProviderError> {
  let body = '';
  try {
    body = await res.text();
  } catch {
    // The body is a courtesy; the status alone decides the code.
  }
  const detail = serverDetail(body, apiKey);
  const status = res.status;
  // 413 is a request too large to take (often many images); the rest say so in their body, with
  // 400 from the hosted APIs and sometimes 500 from local servers.
  if (
    status === 413 ||
    (status !== 401 && status !== 403 && status !== 429 && saysContextTooLong(body))
  )
    return contextTooLong(detail, status);
  if (status === 401 || status === 403)
    return new ProviderError(
      'unauthorized',
      `${label} refused the API key (${status}). Check the key in Settings → Providers, and that it may use this model.${detail}`,
      { status },
    );
  if (status === 429) {
    const retryAt =
      parseRetryAfter(res.headers.get('retry-after')) ?? Date.now() + DEFAULT_RATE_LIMIT_WAIT_MS;
    const secs = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
    return new ProviderError(
      'rate-limited',
      `${label} is limiting requests (429). Try again in ${secs} s.${detail}`,
      { status, retryAt },
    );
  }
  if (status === 404)
    return new ProviderError(
      'not-found',
      `${label} has no such endpoint or model (404). Check the base URL and the model name.${detail}`,
      { status },
    );
  if (status >= 500)
    return new ProviderError(
      'server',
      `${label} had a server error (${status}). This is on their side; try again in a moment.${detail}`,
      { status },
    );
  return new ProviderError(
    'bad-request',
    `${label} did not accept the request (${status}). Check the model and its parameters.${detail}`,
    { status },
  );
}
