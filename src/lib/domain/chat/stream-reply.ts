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
  const { db, reply } = input;
  const interval = input.writeIntervalMs ?? DEFAULT_WRITE_INTERVAL_MS;
  let text = input.prefix ?? '';
  const thoughts = new Thoughts();
  const calls = new Map<string, ToolCall>();
  const usage: { inputTokens?: number; outputTokens?: number } = {};
  let received = false;
  let lastWrite = Date.now();

  const parts = (): MessagePart[] => [
    ...thoughts.parts(),
    ...(text ? [{ type: 'text' as const, text }] : []),
    ...[...calls.values()].map((c) => ({
      type: 'tool-call' as const,
      toolCallId: c.id,
      name: c.name,
      arguments: c.arguments,
      ...(c.signature ? { signature: c.signature } : {}),
    })),
  ];
  const write = async (patch: Parameters<typeof editMessage>[2]) => {
    const row = await editMessage(db, reply.id, { parts: parts(), ...patch });
    input.onWrite?.();
    lastWrite = Date.now();
    return row;
  };
  const finalMetadata = (extra: JsonObject): JsonObject => {
    const estimated = usage.outputTokens === undefined;
    return {
      ...reply.metadata,
      ...extra,
      usage: {
        ...(usage.inputTokens !== undefined ? { inputTokens: usage.inputTokens } : {}),
        ...(usage.outputTokens !== undefined ? { outputTokens: usage.outputTokens } : {}),
      },
      tokensEstimated: estimated,
    };
  };
  const tokens = async () =>
    usage.outputTokens ??
    (await countTokens(
      text + thoughts.all() + [...calls.values()].map((c) => c.name + c.arguments).join(''),
    ));

  const stream = input.provider.stream(input.config, input.request, {
    signal: input.signal,
    ...(input.stallMs !== undefined ? { stallMs: input.stallMs } : {}),
    ...(input.fetch ? { fetch: input.fetch } : {}),
  });
  for await (const event of stream) {
    switch (event.type) {
      case 'text':
        text += event.text;
        received = true;
        break;
      case 'thinking':
        thoughts.text(event.text);
        received = true;
        break;
      case 'thinking-signature':
        thoughts.sign(event.signature);
        break;
      case 'thinking-redacted':
        thoughts.redacted(event.data);
        received = true;
        break;
      case 'tool-call-start':
        calls.set(event.id, {
          id: event.id,
          name: event.name,
          arguments: '',
          ...(event.signature ? { signature: event.signature } : {}),
        });
        received = true;
        break;
      case 'tool-call-delta': {
        const call = calls.get(event.id);
        if (call) call.arguments += event.argumentsDelta;
        break;
      }
      case 'tool-call-end':
        break;
      case 'usage':
        if (event.inputTokens !== undefined) usage.inputTokens = event.inputTokens;
        if (event.outputTokens !== undefined) usage.outputTokens = event.outputTokens;
        break;
      case 'finish': {
        const row = await write({
          status: 'complete',
          error: null,
          tokens: await tokens(),
          metadata: finalMetadata({ finishReason: event.reason }),
        });
        return {
          kind: 'complete',
          finishReason: event.reason,
          toolCalls: [...calls.values()],
          row,
        };
      }
      case 'error': {
        if (event.error.code === 'aborted') {
          // The user chose to stop: what arrived is the reply, complete as far as they wanted it.
          const row = await write({
            status: 'complete',
            error: null,
            tokens: await tokens(),
            metadata: finalMetadata({ finishReason: 'stopped' }),
          });
          return { kind: 'stopped', row };
        }
        const row = await write({
          status: 'error',
          error: toMessageError(event.error),
          tokens: await tokens(),
          metadata: finalMetadata({ finishReason: 'error' }),
        });
        return { kind: 'error', error: event.error, receivedAnything: received, row };
      }
    }
    if (Date.now() - lastWrite >= interval) await write({ status: 'streaming' });
  }
  // Unreachable by the provider contract (a stream always ends with finish or error).
  throw new Error('The stream ended without an outcome.');
}
