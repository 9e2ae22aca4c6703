// One provider stream poured into one stored reply. The row is rewritten at most once per
// `writeIntervalMs` while tokens arrive (never per token), so a reload or crash keeps nearly all
// of what arrived, and once more at the end with the outcome.
import type { TernDB } from '../../db/database';
import type { JsonObject, MessageError, MessagePart, MessageRow } from '../../db/rows';
import type { ProviderError } from '../../providers/errors';
import type {
  ChatRequest,
  FinishReason,
  Provider,
  ProviderConfig,
  StreamEvent,
  ToolCall,
} from '../../providers/types';
import { editMessage } from '../messages';
import { Thoughts } from './thoughts';
import { countTokens } from './tokens';

export const DEFAULT_WRITE_INTERVAL_MS = 500;

export type ReplyOutcome =
  | { kind: 'complete'; finishReason: FinishReason; toolCalls: ToolCall[]; row: MessageRow }
  | { kind: 'stopped'; row: MessageRow }
  | { kind: 'error'; error: ProviderError; receivedAnything: boolean; row: MessageRow };

export interface StreamReplyInput {
  db: TernDB;
  reply: MessageRow;
  provider: Provider;
  config: ProviderConfig;
  request: ChatRequest;
  signal: AbortSignal;
  stallMs?: number;
  fetch?: typeof fetch;
  writeIntervalMs?: number;
  /** Text already in the reply that the stream continues. */
  prefix?: string;
  /** Called after each database write (to count them). */
  onWrite?: () => void;
}

export function toMessageError(e: ProviderError): MessageError {
  return {
    code: e.code,
    message: e.message,
    ...(e.retryAt !== null ? { retryAt: e.retryAt } : {}),
  };
}

export async function streamReply(input: StreamReplyInput): Promise<ReplyOutcome> {
  const reply = new ReplyInProgress(input);
  for await (const event of openStream(input)) {
    const outcome = await reply.take(event);
    if (outcome) return outcome;
    await reply.saveIfDue();
  }
  // Unreachable by the provider contract (a stream always ends with finish or error).
  throw new Error('The stream ended without an outcome.');
}

function openStream(input: StreamReplyInput): AsyncIterable<StreamEvent> {
  return input.provider.stream(input.config, input.request, {
    signal: input.signal,
    ...(input.stallMs !== undefined ? { stallMs: input.stallMs } : {}),
    ...(input.fetch ? { fetch: input.fetch } : {}),
  });
}

/** What has arrived of one reply, and its writes to the stored row. */
class ReplyInProgress {
  #text: string;
  readonly #thoughts = new Thoughts();
  readonly #calls = new Map<string, ToolCall>();
  readonly #usage: { inputTokens?: number; outputTokens?: number } = {};
  #received = false;
  #lastWrite = Date.now();
  readonly #interval: number;

  constructor(private readonly input: StreamReplyInput) {
    this.#text = input.prefix ?? '';
    this.#interval = input.writeIntervalMs ?? DEFAULT_WRITE_INTERVAL_MS;
  }

  /** Adds one event; at the stream's end, writes the outcome and returns it. */
  async take(event: StreamEvent): Promise<ReplyOutcome | null> {
    switch (event.type) {
      case 'text':
        this.#text += event.text;
        this.#received = true;
        break;
      case 'thinking':
        this.#thoughts.text(event.text);
        this.#received = true;
        break;
      case 'thinking-signature':
        this.#thoughts.sign(event.signature);
        break;
      case 'thinking-redacted':
        this.#thoughts.redacted(event.data);
        this.#received = true;
        break;
      case 'tool-call-start':
        this.#calls.set(event.id, {
          id: event.id,
          name: event.name,
          arguments: '',
          ...(event.signature ? { signature: event.signature } : {}),
        });
        this.#received = true;
        break;
      case 'tool-call-delta': {
        const call = this.#calls.get(event.id);
        if (call) call.arguments += event.argumentsDelta;
        break;
      }
      case 'tool-call-end':
        break;
      case 'usage':
        if (event.inputTokens !== undefined) this.#usage.inputTokens = event.inputTokens;
        if (event.outputTokens !== undefined) this.#usage.outputTokens = event.outputTokens;
        break;
      case 'finish':
        return this.#finish(event.reason);
      case 'error':
        return this.#fail(event.error);
    }
    return null;
  }

  /** Rewrites the row while tokens arrive, at most once per interval. */
  async saveIfDue(): Promise<void> {
    if (Date.now() - this.#lastWrite >= this.#interval) await this.#write({ status: 'streaming' });
  }

  async #finish(reason: FinishReason): Promise<ReplyOutcome> {
    const row = await this.#write({
      status: 'complete',
      error: null,
      tokens: await this.#tokens(),
      metadata: this.#finalMetadata({ finishReason: reason }),
    });
    return { kind: 'complete', finishReason: reason, toolCalls: [...this.#calls.values()], row };
  }

  async #fail(error: ProviderError): Promise<ReplyOutcome> {
    if (error.code === 'aborted') {
      // The user chose to stop: what arrived is the reply, complete as far as they wanted it.
      const row = await this.#write({
        status: 'complete',
        error: null,
        tokens: await this.#tokens(),
        metadata: this.#finalMetadata({ finishReason: 'stopped' }),
      });
      return { kind: 'stopped', row };
    }
    const row = await this.#write({
      status: 'error',
      error: toMessageError(error),
      tokens: await this.#tokens(),
      metadata: this.#finalMetadata({ finishReason: 'error' }),
    });
    return { kind: 'error', error, receivedAnything: this.#received, row };
  }

  #parts(): MessagePart[] {
    const text = this.#text;
    return [
      ...this.#thoughts.parts(),
      ...(text ? [{ type: 'text' as const, text }] : []),
      ...[...this.#calls.values()].map((c) => ({
        type: 'tool-call' as const,
        toolCallId: c.id,
        name: c.name,
        arguments: c.arguments,
        ...(c.signature ? { signature: c.signature } : {}),
      })),
    ];
  }

  async #write(patch: Parameters<typeof editMessage>[2]): Promise<MessageRow> {
    const row = await editMessage(this.input.db, this.input.reply.id, {
      parts: this.#parts(),
      ...patch,
    });
    this.input.onWrite?.();
    this.#lastWrite = Date.now();
    return row;
  }

  #finalMetadata(extra: JsonObject): JsonObject {
    const usage = this.#usage;
    return {
      ...this.input.reply.metadata,
      ...extra,
      usage: {
        ...(usage.inputTokens !== undefined ? { inputTokens: usage.inputTokens } : {}),
        ...(usage.outputTokens !== undefined ? { outputTokens: usage.outputTokens } : {}),
      },
      tokensEstimated: usage.outputTokens === undefined,
    };
  }

  async #tokens(): Promise<number> {
    const calls = [...this.#calls.values()].map((c) => c.name + c.arguments).join('');
    return (
      this.#usage.outputTokens ?? (await countTokens(this.#text + this.#thoughts.all() + calls))
    );
  }
}
