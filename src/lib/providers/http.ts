// The transport every adapter shares: one fetch whose failures are explained (offline, server
// down, CORS refused), then the body read as Server-Sent Events through eventsource-parser with a
// stall watchdog, so a stream that stops sending ends with a clear error instead of hanging.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ProviderError, errorFromResponse, redact } from './errors';
import { DEFAULT_STALL_MS, type StreamEvent, type StreamOptions } from './types';

export { DEFAULT_STALL_MS };

export interface CallContext {
  /** The provider's name as the user knows it, used in messages. */
  label: string;
  apiKey: string;
  options: StreamOptions;
}

function pageOrigin(): string {
  return typeof location !== 'undefined' ? location.origin : 'this page';
}

function offline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/**
 * A browser reports a refused CORS request and an unreachable server with the same bare TypeError.
 * An opaque `no-cors` request tells them apart: it succeeds whenever the server answered at all.
 */
export async function explainFetchFailure(
  url: string,
  error: unknown,
  ctx: CallContext,
): Promise<ProviderError> {
  const target = new URL(url);
  if (offline())
    return new ProviderError(
      'network',
      `You are offline, so ${ctx.label} cannot be reached. Your message is kept; it goes out when you are back online.`,
    );
  const fetchImpl = ctx.options.fetch ?? fetch;
  let reachable: boolean;
  try {
    await fetchImpl(target.origin + '/', { mode: 'no-cors', signal: AbortSignal.timeout(5_000) });
    reachable = true;
  } catch {
    reachable = false;
  }
  if (reachable)
    return new ProviderError(
      'cors',
      `${ctx.label} at ${target.origin} answered, but refused to let this page (${pageOrigin()}) read the reply (CORS). ` +
        `The server must allow this origin: for Ollama, set OLLAMA_ORIGINS=${pageOrigin()} (or *) and restart it; ` +
        `in LM Studio, turn on “Enable CORS” in the server settings; for llama.cpp or vLLM, start them with CORS allowed. ` +
        `Some hosted APIs answer a wrong API key this way too.`,
    );
  const why = error instanceof Error ? redact(error.message, ctx.apiKey) : '';
  return new ProviderError(
    'network',
    `Could not reach ${ctx.label} at ${target.origin}. Check that the server is running and the base URL is right${why ? ` (${why})` : ''}.`,
  );
}

/** Links the caller's signal to a controller of our own, which the stall watchdog can also fire. */
function linkedController(signal: AbortSignal | undefined): {
  controller: AbortController;
  unlink: () => void;
} {
  const controller = new AbortController();
  if (!signal) return { controller, unlink: () => {} };
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', onAbort, { once: true });
  return { controller, unlink: () => signal.removeEventListener('abort', onAbort) };
}

function abortedError(ctx: CallContext): ProviderError {
  return new ProviderError('aborted', `The reply from ${ctx.label} was stopped.`);
}

function stalledError(ctx: CallContext, ms: number): ProviderError {
  return new ProviderError(
    'stream-stalled',
    `${ctx.label} stopped sending for ${Math.round(ms / 1000)} s, so the reply was ended. What arrived is kept; try again or continue.`,
  );
}

/** POSTs (or GETs) and yields the body's SSE messages; throws ProviderError on every failure. */
export async function* sseRequest(
  url: string,
  init: RequestInit,
  ctx: CallContext,
): AsyncGenerator<EventSourceMessage> {
  const stallMs = ctx.options.stallMs ?? DEFAULT_STALL_MS;
  const fetchImpl = ctx.options.fetch ?? fetch;
  const { controller, unlink } = linkedController(ctx.options.signal);
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, stallMs);
  };
  const failure = async (e: unknown, phase: 'connect' | 'read'): Promise<ProviderError> => {
    if (stalled) return stalledError(ctx, stallMs);
    if (ctx.options.signal?.aborted) return abortedError(ctx);
    if (e instanceof ProviderError) return e;
    if (phase === 'connect') return explainFetchFailure(url, e, ctx);
    if (offline())
      return new ProviderError(
        'network',
        `The connection to ${ctx.label} was lost (you went offline). What arrived is kept; continue or regenerate when you are back.`,
      );
    return new ProviderError(
      'stream-broken',
      `The connection to ${ctx.label} broke in the middle of the reply. What arrived is kept; continue or regenerate.`,
    );
  };

  try {
    arm();
    let res: Response;
    try {
      res = await fetchImpl(url, { ...init, signal: controller.signal });
    } catch (e) {
      throw await failure(e, 'connect');
    }
    if (!res.ok) {
      clearTimeout(timer);
      throw await errorFromResponse(res, ctx.label, ctx.apiKey);
    }
    if (!res.body) throw await failure(new Error('empty body'), 'read');

    const queue: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => queue.push(event) });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        arm();
        let chunk: ReadableStreamReadResult<string>;
        try {
          chunk = await reader.read();
        } catch (e) {
          throw await failure(e, 'read');
        }
        if (chunk.done) break;
        parser.feed(chunk.value);
        while (queue.length > 0) yield queue.shift() as EventSourceMessage;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  } finally {
    clearTimeout(timer);
    unlink();
  }
}

/** A plain JSON request (model lists), with the same error explanations. */
export async function jsonRequest(
  url: string,
  init: RequestInit,
  ctx: CallContext,
): Promise<unknown> {
  const fetchImpl = ctx.options.fetch ?? fetch;
  let res: Response;
  try {
    res = await fetchImpl(url, {
      ...init,
      ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    });
  } catch (e) {
    if (ctx.options.signal?.aborted) throw abortedError(ctx);
    throw await explainFetchFailure(url, e, ctx);
  }
  if (!res.ok) throw await errorFromResponse(res, ctx.label, ctx.apiKey);
  try {
    return (await res.json()) as unknown;
  } catch {
    throw new ProviderError(
      'malformed-stream',
      `${ctx.label} sent a reply that is not valid JSON.`,
    );
  }
}

/** Runs an adapter's generator so that the stream never throws and always ends with one outcome. */
export async function* guarded(
  run: () => AsyncGenerator<StreamEvent>,
  ctx: CallContext,
): AsyncGenerator<StreamEvent> {
  try {
    yield* run();
  } catch (e) {
    if (e instanceof ProviderError) {
      yield { type: 'error', error: e };
      return;
    }
    if (ctx.options.signal?.aborted) {
      yield { type: 'error', error: abortedError(ctx) };
      return;
    }
    yield {
      type: 'error',
      error: new ProviderError(
        'malformed-stream',
        `${ctx.label} sent something Tern could not read${e instanceof Error ? ` (${redact(e.message, ctx.apiKey)})` : ''}. What arrived is kept.`,
      ),
    };
  }
}

/** JSON.parse for one SSE data field; a bad one is a malformed stream. */
export function parseData(data: string, ctx: CallContext): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    throw new ProviderError(
      'malformed-stream',
      `${ctx.label} sent a piece of the reply that is not valid JSON. What arrived before it is kept.`,
    );
  }
}

/** What a stream that ended without its closing event is. */
export function brokenStream(ctx: CallContext): ProviderError {
  return new ProviderError(
    'stream-broken',
    `The reply from ${ctx.label} ended before it was finished. What arrived is kept; continue or regenerate.`,
  );
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
