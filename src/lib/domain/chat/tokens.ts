// Token counts for when a provider reports no usage (many local servers do not). The count comes
// from gpt-tokenizer's cl100k_base vocabulary: exact for the GPT-4 family and within about ten
// percent for the Llama, Qwen and Mistral models local servers run, whose own vocabularies are not
// shipped. The vocabulary is about 460 KB gzipped, so it is a chunk of its own, loaded the first
// time a count is needed and never in the first load.
//
// In a page, counting runs in a worker (tokens.worker.ts), so a long text never blocks the page;
// where there are no workers (Node), it runs in place.
//
// Until it has arrived, or if it cannot load, the count falls back to a rule of thumb: CJK and
// similar scripts take about one token per character, everything else about one per four
// characters (OpenAI's figure for English).

const WIDE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/gu;

/** Past this length the tokenizer's time is not worth the precision of an estimate. */
const MAX_EXACT_CHARS = 2_000_000;

import type { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';

type Counter = (text: string) => number | null | Promise<number | null>;

let loading: Promise<Counter | null> | null = null;

function workerCounter(): Counter {
  const worker = new Worker(new URL('./tokens.worker.ts', import.meta.url), { type: 'module' });
  const waiting = new Map<number, (n: number | null) => void>();
  let next = 0;
  let broken = false;
  worker.onmessage = (e: MessageEvent<{ id: number; count: number | null }>) => {
    waiting.get(e.data.id)?.(e.data.count);
    waiting.delete(e.data.id);
  };
  // A worker that cannot start (offline before its chunk was cached) leaves estimates.
  worker.onerror = () => {
    broken = true;
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
    loading = null;
  };
  return (text) => {
    if (broken) return null;
    const id = next++;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      worker.postMessage({ id, text });
    });
  };
}

function loadCounter(): Promise<Counter | null> {
  if (typeof Worker !== 'undefined' && typeof document !== 'undefined') {
    loading ??= Promise.resolve(workerCounter());
    return loading;
  }
  // Where there is no worker (Node): the vocabulary in place. The name is kept from the bundler,
  // so the app's build carries the vocabulary once, in the worker.
  const vocabulary = 'gpt-tokenizer/encoding/cl100k_base';
  loading ??= (
    import(/* @vite-ignore */ vocabulary) as Promise<{ countTokens: typeof countCl100k }>
  ).then(
    // Text that spells a special token (`<|endoftext|>`) is counted as the text it is, instead of
    // making the tokenizer throw.
    (m) => {
      const plain = { disallowedSpecial: new Set<string>() };
      return (text: string) => m.countTokens(text, plain);
    },
    () => {
      // Offline before the chunk was cached, or a broken deploy: estimates will do, and the next
      // call tries again.
      loading = null;
      return null;
    },
  );
  return loading;
}

/** The rule-of-thumb estimate, synchronous. */
export function estimateTokens(text: string): number {
  if (text === '') return 0;
  const wide = text.match(WIDE)?.length ?? 0;
  const rest = text.length - wide;
  return wide + Math.ceil(rest / 4);
}

/** The tokenizer's count of `text`, or the estimate when the tokenizer is not available. */
export async function countTokens(text: string): Promise<number> {
  if (text === '') return 0;
  if (text.length > MAX_EXACT_CHARS) return estimateTokens(text);
  const count = await loadCounter();
  if (!count) return estimateTokens(text);
  try {
    return (await count(text)) ?? estimateTokens(text);
  } catch {
    return estimateTokens(text);
  }
}

/** How long a message being sent waits for the tokenizer before it takes the estimate. */
const AT_ONCE_MS = 150;

/**
 * The count for a message the user is sending: the tokenizer's when it answers at once, else the
 * estimate. The first count of a session loads a 460 KB vocabulary in a worker, which can take
 * seconds on a phone, and the message must be on screen as soon as it leaves the composer.
 */
export async function countTokensAtOnce(text: string): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(estimateTokens(text)), AT_ONCE_MS);
  });
  try {
    return await Promise.race([countTokens(text), late]);
  } finally {
    clearTimeout(timer);
  }
}
