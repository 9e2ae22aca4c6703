// The "On this device" provider: a GGUF model kept in this browser, run by wllama in a worker. No
// network is involved, so its replies never wait in the outbox. The engine (its JavaScript and
// WebAssembly) is loaded on the first reply or when the user opens this provider's settings.
import { ProviderError } from '../errors';
import type {
  ChatMessage,
  ChatRequest,
  FinishReason,
  Provider,
  ProviderConfig,
  StreamEvent,
  StreamOptions,
} from '../types';
import type { ChatCompletionChunk } from '@wllama/wllama';
import { isLocalModelError } from './errors';
import { listModels } from './storage';

// What wllama's chat completion takes: the OpenAI shape, text only here.
type WireMessage =
  | { role: 'system' | 'user'; content: string }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: {
        id: string;
        type: 'function';
        function: { name: string; arguments: string };
      }[];
    }
  | { role: 'tool'; content: string; tool_call_id: string };

function toWire(request: ChatRequest): WireMessage[] {
  const out: WireMessage[] = [];
  if (request.system) out.push({ role: 'system', content: request.system });
  const text = (m: ChatMessage & { role: 'user' }) =>
    typeof m.content === 'string'
      ? m.content
      : m.content
          .filter((p) => p.type === 'text')
          .map((p) => p.text)
          .join('\n');
  for (const m of request.messages) {
    if (m.role === 'user') out.push({ role: 'user', content: text(m) });
    else if (m.role === 'assistant')
      out.push({
        role: 'assistant',
        content: m.content === '' && m.toolCalls?.length ? null : m.content,
        ...(m.toolCalls?.length
          ? {
              tool_calls: m.toolCalls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.arguments },
              })),
            }
          : {}),
      });
    else out.push({ role: 'tool', content: m.content, tool_call_id: m.toolCallId });
  }
  return out;
}

function finishReason(r: string): FinishReason {
  if (r === 'stop') return 'stop';
  if (r === 'length') return 'length';
  if (r === 'tool_calls') return 'tool-calls';
  return 'other';
}

function providerError(e: unknown): ProviderError {
  if (isLocalModelError(e, 'out-of-memory')) return new ProviderError('out-of-memory', e.message);
  if (isLocalModelError(e)) return new ProviderError('model-unavailable', e.message);
  const text = e instanceof Error ? e.message : String(e);
  if (/context|n_ctx|kv.?cache/i.test(text))
    return new ProviderError(
      'context-too-long',
      'This conversation is longer than the model on this device can read at once. Compact older messages (/compact), or start a new session.',
    );
  return new ProviderError('model-unavailable', `The model on this device failed: ${text}`);
}

/** Chunks handed over by the engine's callback, read in order by the stream. */
class ChunkQueue implements AsyncIterable<ChatCompletionChunk> {
  private items: ChatCompletionChunk[] = [];
  private ended: { error?: Error } | null = null;
  private wake: (() => void) | null = null;

  push(chunk: ChatCompletionChunk): void {
    this.items.push(chunk);
    this.wake?.();
  }

  end(error?: unknown): void {
    if (error === undefined) this.ended = {};
    else
      this.ended = {
        error: error instanceof Error ? error : new Error(JSON.stringify(error) ?? 'unknown'),
      };
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    for (;;) {
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) {
        if (this.ended.error !== undefined) throw this.ended.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}

async function* run(request: ChatRequest, options: StreamOptions): AsyncGenerator<StreamEvent> {
  const { engine, engineError, WllamaAbortError } = await import('./inference');
  const signal = options.signal;
  let release: (() => void) | null = null;
  if (!request.model) {
    yield {
      type: 'error',
      error: new ProviderError(
        'model-unavailable',
        'No model is on this device yet. Add one in Settings → Providers → On this device.',
      ),
    };
    return;
  }
  try {
    const { wllama } = await engine.use(request.model);
    release = engine.hold();
    if (signal?.aborted) {
      yield { type: 'error', error: new ProviderError('aborted', 'Stopped.') };
      return;
    }
    const p = request.params ?? {};
    // The callback form, not the async iterator: the iterator leaves the engine's own abort
    // error unhandled once nobody reads it, which a page reports as an uncaught error.
    const chunks = new ChunkQueue();
    const done = wllama.createChatCompletion({
      messages: toWire(request),
      stream: true,
      onData: (chunk: ChatCompletionChunk) => chunks.push(chunk),
      timings_per_token: true,
      ...(signal ? { abortSignal: signal } : {}),
      ...(request.tools?.length
        ? {
            tools: request.tools.map((t) => ({
              type: 'function' as const,
              function: {
                name: t.name,
                description: t.description,
                // wllama types the schema narrowly; the JSON Schema passes through as is.
                parameters: t.parameters as never,
              },
            })),
          }
        : {}),
      ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
      ...(p.topP !== undefined ? { top_p: p.topP } : {}),
      ...(p.maxTokens !== undefined ? { max_tokens: p.maxTokens } : {}),
      ...(p.presencePenalty !== undefined ? { presence_penalty: p.presencePenalty } : {}),
      ...(p.frequencyPenalty !== undefined ? { frequency_penalty: p.frequencyPenalty } : {}),
      ...(p.stop?.length ? { stop: p.stop } : {}),
    });
    done.then(
      () => chunks.end(),
      (e: unknown) => chunks.end(e),
    );
    let finish: FinishReason | null = null;
    const calls = new Map<number, string>();
    let input: number | undefined;
    let output: number | undefined;
    try {
      for await (const chunk of chunks) {
        for (const choice of chunk.choices) {
          const delta = choice.delta as {
            content?: string | null;
            reasoning_content?: string | null;
            tool_calls?: {
              index?: number;
              id?: string;
              function?: { name?: string; arguments?: string };
            }[];
          };
          if (delta.reasoning_content) yield { type: 'thinking', text: delta.reasoning_content };
          if (delta.content) yield { type: 'text', text: delta.content };
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
          if (choice.finish_reason) finish = finishReason(choice.finish_reason);
        }
        // The model's own tokenizer counts: the prompt as evaluated and the tokens generated.
        if (chunk.timings) {
          input = chunk.timings.prompt_n + chunk.timings.cache_n;
          output = chunk.timings.predicted_n;
        }
        if (chunk.usage) {
          input = chunk.usage.prompt_tokens;
          output = chunk.usage.completion_tokens;
        }
      }
    } catch (e) {
      if (!(e instanceof WllamaAbortError) && !signal?.aborted) throw e;
    }
    for (const id of calls.values()) yield { type: 'tool-call-end', id };
    if (input !== undefined || output !== undefined)
      yield {
        type: 'usage',
        ...(input !== undefined ? { inputTokens: input } : {}),
        ...(output !== undefined ? { outputTokens: output } : {}),
      };
    if (signal?.aborted) {
      yield { type: 'error', error: new ProviderError('aborted', 'Stopped.') };
      return;
    }
    yield { type: 'finish', reason: finish ?? 'stop' };
  } catch (e) {
    if (signal?.aborted) {
      yield { type: 'error', error: new ProviderError('aborted', 'Stopped.') };
      return;
    }
    const error = providerError(engineError(e, request.model));
    // A failure inside the engine can leave its wasm unusable: the next reply loads it afresh.
    if (error.code !== 'out-of-memory' && error.code !== 'context-too-long') await engine.unload();
    yield { type: 'error', error };
  } finally {
    release?.();
  }
}

export const local: Provider = {
  kind: 'local',
  stream(_config: ProviderConfig, request: ChatRequest, options: StreamOptions = {}) {
    return run(request, options);
  },
  async listModels() {
    return (await listModels()).map((m) => m.name);
  },
};
