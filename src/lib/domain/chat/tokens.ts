// Token counts for when a provider reports no usage (many local servers do not). The count comes
// from gpt-tokenizer's cl100k_base vocabulary: exact for the GPT-4 family and within about ten
// percent for the Llama, Qwen and Mistral models local servers run, whose own vocabularies are not
// shipped. The vocabulary is about 460 KB gzipped, so it is a chunk of its own, loaded the first
// time a count is needed and never in the first load.
//
// Until it has arrived, or if it cannot load, the count falls back to a rule of thumb: CJK and
// similar scripts take about one token per character, everything else about one per four
// characters (OpenAI's figure for English).

const WIDE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/gu;

/** Past this length the tokenizer's time is not worth the precision of an estimate. */
const MAX_EXACT_CHARS = 2_000_000;

type Counter = (text: string) => number;

let loading: Promise<Counter | null> | null = null;

function loadCounter(): Promise<Counter | null> {
  loading ??= import('gpt-tokenizer/encoding/cl100k_base').then(
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
    return count(text);
  } catch {
    return estimateTokens(text);
  }
}
