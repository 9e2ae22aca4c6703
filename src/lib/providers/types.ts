// The provider layer's vocabulary: one neutral request shape every adapter translates into its own
// wire format, and one discriminated union of stream events every adapter translates back into.
// Nothing here knows about the database; the chat engine in lib/domain/chat does the storing.
import type { ProviderError } from './errors';

export type ProviderKind = 'openai-compatible' | 'anthropic' | 'gemini' | 'local';

/** An app-wide provider the user set up. The key stays on the device (see docs/providers.md). */
export interface ProviderConfig {
  id: string;
  kind: ProviderKind;
  label: string;
  /** Base URL without a trailing slash, e.g. http://localhost:11434/v1 for Ollama; empty for 'local'. */
  baseUrl: string;
  apiKey: string;
  /** Models fetched from the API or typed by the user. */
  models: string[];
  /** The model sessions use when their settings name none; else the first of `models`. */
  defaultModel?: string;
  /** Its key is locked by the passphrase and not unlocked in this tab (`apiKey` is empty). */
  keyLocked?: boolean;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model sent them: a JSON text, possibly not valid JSON. */
  arguments: string;
  /**
   * Gemini's thoughtSignature for this call, opaque. Gemini 3 refuses a history whose function
   * calls come back without the signature they were sent with.
   */
  signature?: string;
}

/**
 * A piece of a user message. Images travel as base64 without a `data:` prefix; each adapter
 * wraps them in its own wire shape. `mimeType` is one of IMAGE_MIME_TYPES.
 */
export type ContentPart =
  { type: 'text'; text: string } | { type: 'image'; mimeType: string; data: string };

/** Image types sent to providers: what OpenAI and Anthropic take. Gemini takes all but GIF. */
export const IMAGE_MIME_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
];

/**
 * A block of an assistant turn's reasoning that goes back to the provider that signed it:
 * Anthropic's signed thinking, or the encrypted data of a block it redacted. Both are opaque.
 */
export type ThinkingBlock =
  { type: 'thinking'; text: string; signature: string } | { type: 'redacted'; data: string };

export type ChatMessage =
  | { role: 'user'; content: string | ContentPart[] }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[]; thinking?: ThinkingBlock[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

/** A JSON Schema object describing a tool's arguments. */
export type JsonSchema = { [key: string]: unknown };

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface GenerationParams {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  stop?: string[];
  /**
   * Tokens the model may think for before answering (Anthropic, Gemini; OpenAI's reasoning models
   * get it as a `reasoning_effort` level); absent or 0 = off.
   */
  thinkingBudget?: number;
}

export interface ChatRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  params?: GenerationParams;
}

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'other';

/**
 * What a streaming reply is made of. A stream always ends with exactly one `finish` or one `error`
 * event and never throws, so a consumer has one place to handle every outcome.
 */
export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  /** Closes the thinking block streamed so far with the provider's signature of it. */
  | { type: 'thinking-signature'; signature: string }
  /** A whole thinking block the provider redacted: only its encrypted data, to send back. */
  | { type: 'thinking-redacted'; data: string }
  | { type: 'tool-call-start'; id: string; name: string; signature?: string }
  | { type: 'tool-call-delta'; id: string; argumentsDelta: string }
  | { type: 'tool-call-end'; id: string }
  | { type: 'usage'; inputTokens?: number; outputTokens?: number }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'error'; error: ProviderError };

/** How long a stream may send nothing before it is ended as stalled, unless set otherwise. */
export const DEFAULT_STALL_MS = 60_000;

export interface StreamOptions {
  signal?: AbortSignal;
  /** No bytes for this long ends the stream with `stream-stalled`. */
  stallMs?: number;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

export interface Provider {
  readonly kind: ProviderKind;
  stream(
    config: ProviderConfig,
    request: ChatRequest,
    options?: StreamOptions,
  ): AsyncIterable<StreamEvent>;
  /** The model ids the endpoint offers; throws ProviderError. */
  listModels(config: ProviderConfig, options?: StreamOptions): Promise<string[]>;
}
