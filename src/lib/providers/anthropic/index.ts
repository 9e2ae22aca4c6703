// Anthropic Messages API. A browser may call it only with the direct-access header; tool results
// go back as `tool_result` blocks in a user turn, and consecutive turns of one role are merged
// because the API expects them to alternate. With extended thinking on, each assistant turn's
// signed thinking blocks go back first, as the API requires of a turn that called tools.
import { streamError } from '../errors';
import {
  brokenStream,
  guarded,
  jsonRequest,
  parseData,
  sseRequest,
  trimSlash,
  type CallContext,
} from '../http';
import type {
  ChatRequest,
  ContentPart,
  FinishReason,
  GenerationParams,
  Provider,
  ProviderConfig,
  StreamEvent,
  StreamOptions,
  ThinkingBlock,
} from '../types';

export const ANTHROPIC_VERSION = '2023-06-01';
/** The API requires max_tokens; this is used when the session sets none. */
export const DEFAULT_MAX_TOKENS = 4096;
/** The smallest thinking budget the API takes. */
export const MIN_THINKING_BUDGET = 1024;

type Block = Record<string, unknown>;

function headers(config: ProviderConfig): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-api-key': config.apiKey,
    'anthropic-version': ANTHROPIC_VERSION,
    'anthropic-dangerous-direct-browser-access': 'true',
  };
}

function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text || '{}') as unknown;
  } catch {
    // The model wrote arguments that are not JSON; send them back as they were so it can see.
    return { _raw: text };
  }
}

function userBlocks(content: string | ContentPart[]): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((p) =>
    p.type === 'text'
      ? { type: 'text', text: p.text }
      : { type: 'image', source: { type: 'base64', media_type: p.mimeType, data: p.data } },
  );
}

function thinkingBlocks(blocks: ThinkingBlock[] | undefined): Block[] {
  return (blocks ?? []).map((b) =>
    b.type === 'thinking'
      ? { type: 'thinking', thinking: b.text, signature: b.signature }
      : { type: 'redacted_thinking', data: b.data },
  );
}

/**
 * The request's sampling fields. Extended thinking needs max_tokens above the budget (raised to
 * budget + the default when it is not) and refuses temperature and top_k; top_p only from 0.95.
 */
function sampling(p: GenerationParams): Record<string, unknown> {
  const budget = p.thinkingBudget ? Math.max(MIN_THINKING_BUDGET, p.thinkingBudget) : 0;
  if (!budget)
    return {
      max_tokens: p.maxTokens ?? DEFAULT_MAX_TOKENS,
      ...(p.temperature !== undefined ? { temperature: Math.min(1, p.temperature) } : {}),
      ...(p.topP !== undefined ? { top_p: p.topP } : {}),
    };
  const max =
    p.maxTokens !== undefined && p.maxTokens > budget ? p.maxTokens : budget + DEFAULT_MAX_TOKENS;
  return {
    max_tokens: max,
    thinking: { type: 'enabled', budget_tokens: budget },
    ...(p.topP !== undefined && p.topP >= 0.95 ? { top_p: p.topP } : {}),
  };
}

export function toWireBody(request: ChatRequest): Record<string, unknown> {
  const p = request.params ?? {};
  const thinking = Boolean(p.thinkingBudget);
  const turns: { role: 'user' | 'assistant'; content: Block[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const m of request.messages) {
    if (m.role === 'user') push('user', userBlocks(m.content));
    else if (m.role === 'assistant') {
      const blocks: Block[] = [
        // Sent only while thinking is on: without it they would change nothing the model does.
        ...(thinking ? thinkingBlocks(m.thinking) : []),
        ...(m.content ? [{ type: 'text', text: m.content }] : []),
      ];
      for (const c of m.toolCalls ?? [])
        blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseArgs(c.arguments) });
      push('assistant', blocks);
    } else
      push('user', [
        {
          type: 'tool_result',
          tool_use_id: m.toolCallId,
          content: m.content,
          ...(m.isError ? { is_error: true } : {}),
        },
      ]);
  }
  const { max_tokens, ...rest } = sampling(p);
  return {
    model: request.model,
    max_tokens,
    stream: true,
    messages: turns,
    ...(request.system ? { system: request.system } : {}),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((t) => ({
            name: t.name,
            description: t.description,
            input_schema: t.parameters,
          })),
        }
      : {}),
    ...rest,
    ...(p.stop?.length ? { stop_sequences: p.stop } : {}),
  };
}

function finishReason(r: string | null | undefined): FinishReason {
  if (r === 'end_turn' || r === 'stop_sequence') return 'stop';
  if (r === 'max_tokens') return 'length';
  if (r === 'tool_use') return 'tool-calls';
  if (r === 'refusal') return 'content-filter';
  return 'other';
}

interface WireEvent {
  type?: string;
  index?: number;
  message?: { usage?: { input_tokens?: number; output_tokens?: number } };
  content_block?: { type?: string; id?: string; name?: string; data?: string };
  delta?: {
    type?: string;
    text?: string;
    thinking?: string;
    signature?: string;
    partial_json?: string;
    stop_reason?: string | null;
  };
  usage?: { input_tokens?: number; output_tokens?: number };
  error?: { type?: string; message?: string };
}

async function* run(
  config: ProviderConfig,
  request: ChatRequest,
  ctx: CallContext,
): AsyncGenerator<StreamEvent> {
  const url = `${trimSlash(config.baseUrl)}/v1/messages`;
  const init = {
    method: 'POST',
    headers: headers(config),
    body: JSON.stringify(toWireBody(request)),
  };
  const toolBlocks = new Map<number, string>();
  let finish: FinishReason = 'stop';
  let inputTokens: number | undefined;

  for await (const message of sseRequest(url, init, ctx)) {
    const event = parseData(message.data, ctx) as WireEvent;
    switch (event.type) {
      case 'message_start':
        inputTokens = event.message?.usage?.input_tokens;
        break;
      case 'content_block_start':
        if (event.content_block?.type === 'tool_use') {
          const id = event.content_block.id ?? crypto.randomUUID();
          toolBlocks.set(event.index ?? 0, id);
          yield { type: 'tool-call-start', id, name: event.content_block.name ?? '' };
        } else if (event.content_block?.type === 'redacted_thinking' && event.content_block.data)
          yield { type: 'thinking-redacted', data: event.content_block.data };
        break;
      case 'content_block_delta': {
        const d = event.delta ?? {};
        if (d.type === 'text_delta' && d.text) yield { type: 'text', text: d.text };
        else if (d.type === 'thinking_delta' && d.thinking)
          yield { type: 'thinking', text: d.thinking };
        else if (d.type === 'signature_delta' && d.signature)
          yield { type: 'thinking-signature', signature: d.signature };
        else if (d.type === 'input_json_delta' && d.partial_json) {
          const id = toolBlocks.get(event.index ?? 0);
          if (id) yield { type: 'tool-call-delta', id, argumentsDelta: d.partial_json };
        }
        break;
      }
      case 'content_block_stop': {
        const id = toolBlocks.get(event.index ?? 0);
        if (id) yield { type: 'tool-call-end', id };
        break;
      }
      case 'message_delta':
        finish = finishReason(event.delta?.stop_reason);
        yield {
          type: 'usage',
          ...(inputTokens !== undefined ? { inputTokens } : {}),
          ...(event.usage?.output_tokens !== undefined
            ? { outputTokens: event.usage.output_tokens }
            : {}),
        };
        break;
      case 'message_stop':
        yield { type: 'finish', reason: finish };
        return;
      case 'error': {
        const overloaded = event.error?.type === 'overloaded_error';
        throw streamError(ctx.label, event.error?.message, ctx.apiKey, {
          code: overloaded ? 'server' : 'stream-broken',
          what: overloaded ? 'that it is overloaded' : 'an error',
        });
      }
      default:
        // ping and event types added later: ignored, they must not kill the stream.
        break;
    }
  }
  throw brokenStream(ctx);
}

export const anthropic: Provider = {
  kind: 'anthropic',
  stream(config: ProviderConfig, request: ChatRequest, options: StreamOptions = {}) {
    const ctx: CallContext = { label: config.label, apiKey: config.apiKey, options };
    return guarded(() => run(config, request, ctx), ctx);
  },
  async listModels(config: ProviderConfig, options: StreamOptions = {}) {
    const ctx: CallContext = { label: config.label, apiKey: config.apiKey, options };
    const body = (await jsonRequest(
      `${trimSlash(config.baseUrl)}/v1/models?limit=1000`,
      { headers: headers(config) },
      ctx,
    )) as {
      data?: { id?: unknown }[];
    };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  },
};
