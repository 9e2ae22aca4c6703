// OpenAI chat completions, as spoken by OpenAI and by every server that copies it (Ollama,
// LM Studio, llama.cpp, vLLM, OpenRouter, Groq). Tool-call arguments arrive as fragments keyed by
// `index`; usage arrives in a last chunk with no choices when stream_options.include_usage is set.
import { ThinkTags } from './think-tags';
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
  Provider,
  ProviderConfig,
  StreamEvent,
  StreamOptions,
} from '../types';

interface WireToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface WireChunk {
  choices?: {
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: WireToolCallDelta[];
    };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string; code?: string | number };
}

function headers(config: ProviderConfig): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  // Local servers need no key; sending an empty bearer makes some of them refuse the request.
  if (config.apiKey) h.authorization = `Bearer ${config.apiKey}`;
  return h;
}

// A plain string stays a plain string: many local servers copy only that much of the API.
function userContent(content: string | ContentPart[]): string | Record<string, unknown>[] {
  if (typeof content === 'string') return content;
  return content.map((p) =>
    p.type === 'text'
      ? { type: 'text', text: p.text }
      : { type: 'image_url', image_url: { url: `data:${p.mimeType};base64,${p.data}` } },
  );
}

/**
 * OpenAI's reasoning models (o1, o3, o4-mini, the gpt-5 family), also behind a router's prefix
 * ("openai/o3-mini"). They take `reasoning_effort` and `max_completion_tokens`, and refuse the
 * sampling parameters (temperature, top_p, the penalties).
 */
export function isReasoningModel(model: string): boolean {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return /^o\d+(-|$)/.test(name) || /^gpt-5(\.\d+)?(-|$)/.test(name);
}

/**
 * A thinking budget in tokens as an effort level. Only low, medium and high: every reasoning model
 * takes those (o-series take nothing else; "minimal", "none" and "xhigh" depend on the model).
 */
export function reasoningEffort(budget: number): 'low' | 'medium' | 'high' {
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

export function toWireBody(request: ChatRequest): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  for (const m of request.messages) {
    if (m.role === 'user') messages.push({ role: 'user', content: userContent(m.content) });
    else if (m.role === 'assistant')
      messages.push({
        role: 'assistant',
        content: m.content === '' && m.toolCalls?.length ? null : m.content,
        ...(m.toolCalls?.length
          ? {
              tool_calls: m.toolCalls.map((c) => ({
                id: c.id,
                type: 'function',
                function: { name: c.name, arguments: c.arguments },
              })),
            }
          : {}),
      });
    else messages.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
  }
  const p = request.params ?? {};
  const reasoning = isReasoningModel(request.model);
  const sampling = !reasoning;
  return {
    model: request.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(request.tools?.length
      ? {
          tools: request.tools.map((t) => ({
            type: 'function',
            function: { name: t.name, description: t.description, parameters: t.parameters },
          })),
        }
      : {}),
    ...(sampling && p.temperature !== undefined ? { temperature: p.temperature } : {}),
    ...(sampling && p.topP !== undefined ? { top_p: p.topP } : {}),
    ...(p.maxTokens !== undefined
      ? { [reasoning ? 'max_completion_tokens' : 'max_tokens']: p.maxTokens }
      : {}),
    ...(sampling && p.presencePenalty !== undefined ? { presence_penalty: p.presencePenalty } : {}),
    ...(sampling && p.frequencyPenalty !== undefined
      ? { frequency_penalty: p.frequencyPenalty }
      : {}),
    ...(reasoning && p.thinkingBudget
      ? { reasoning_effort: reasoningEffort(p.thinkingBudget) }
      : {}),
    ...(p.stop?.length ? { stop: p.stop } : {}),
  };
}

function finishReason(r: string): FinishReason {
  if (r === 'stop') return 'stop';
  if (r === 'length') return 'length';
  if (r === 'tool_calls' || r === 'function_call') return 'tool-calls';
  if (r === 'content_filter') return 'content-filter';
  return 'other';
}

async function* run(
  config: ProviderConfig,
  request: ChatRequest,
  ctx: CallContext,
): AsyncGenerator<StreamEvent> {
  const url = `${trimSlash(config.baseUrl)}/chat/completions`;
  const init = {
    method: 'POST',
    headers: headers(config),
    body: JSON.stringify(toWireBody(request)),
  };
  // index → id; the id comes only with a call's first fragment.
  const calls = new Map<number, string>();
  let finish: FinishReason | null = null;
  let done = false;
  const tags = new ThinkTags();
  const endCalls = function* (): Generator<StreamEvent> {
    for (const id of calls.values()) yield { type: 'tool-call-end', id };
    calls.clear();
  };

  for await (const message of sseRequest(url, init, ctx)) {
    if (message.data === '[DONE]') {
      done = true;
      break;
    }
    const chunk = parseData(message.data, ctx) as WireChunk;
    if (chunk.error)
      throw streamError(ctx.label, chunk.error.message, ctx.apiKey, {
        code: 'server',
        what: 'an error',
      });
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta ?? {};
      const thinking = delta.reasoning_content ?? delta.reasoning;
      if (thinking) yield { type: 'thinking', text: thinking };
      if (delta.content) yield* tags.push(delta.content);
      for (const tc of delta.tool_calls ?? []) {
        const index = tc.index ?? 0;
        let id = calls.get(index);
        if (id === undefined) {
          id = tc.id ?? `call_${index}_${crypto.randomUUID().slice(0, 8)}`;
          calls.set(index, id);
          yield { type: 'tool-call-start', id, name: tc.function?.name ?? '' };
        }
        if (tc.function?.arguments)
          yield { type: 'tool-call-delta', id, argumentsDelta: tc.function.arguments };
      }
      if (choice.finish_reason) {
        finish = finishReason(choice.finish_reason);
        yield* endCalls();
      }
    }
    if (chunk.usage)
      yield {
        type: 'usage',
        ...(chunk.usage.prompt_tokens !== undefined
          ? { inputTokens: chunk.usage.prompt_tokens }
          : {}),
        ...(chunk.usage.completion_tokens !== undefined
          ? { outputTokens: chunk.usage.completion_tokens }
          : {}),
      };
  }
  // Some servers omit [DONE]; a finish_reason is proof enough that the reply is whole.
  if (!done && finish === null) throw brokenStream(ctx);
  yield* tags.flush();
  yield* endCalls();
  yield { type: 'finish', reason: finish ?? 'stop' };
}

export const openAICompatible: Provider = {
  kind: 'openai-compatible',
  stream(config: ProviderConfig, request: ChatRequest, options: StreamOptions = {}) {
    const ctx: CallContext = { label: config.label, apiKey: config.apiKey, options };
    return guarded(() => run(config, request, ctx), ctx);
  },
  async listModels(config: ProviderConfig, options: StreamOptions = {}) {
    const ctx: CallContext = { label: config.label, apiKey: config.apiKey, options };
    const body = (await jsonRequest(
      `${trimSlash(config.baseUrl)}/models`,
      { headers: headers(config) },
      ctx,
    )) as {
      data?: { id?: unknown }[];
    };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  },
};
