// Counts tokens away from the page: a long message (a pasted log, a 50,000-character hash) takes
// the tokenizer long enough to stall scrolling and typing if counted on the main thread.
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base';

// Text that spells a special token (`<|endoftext|>`) is counted as the text it is.
const plain = { disallowedSpecial: new Set<string>() };

self.onmessage = (e: MessageEvent<{ id: number; text: string }>) => {
  const { id, text } = e.data;
  try {
    self.postMessage({ id, count: countTokens(text, plain) });
  } catch {
    self.postMessage({ id, count: null });
  }
};
