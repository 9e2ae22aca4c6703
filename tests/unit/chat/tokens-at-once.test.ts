// A message being sent is stored at once: its count is the tokenizer's when the tokenizer answers
// quickly, and the estimate while the vocabulary is still loading (seconds, on a phone).
import { describe, expect, it, vi } from 'vitest';

describe('the count of a message being sent', () => {
  it('takes the estimate while the vocabulary loads, then the exact count', async () => {
    vi.resetModules();
    const { countTokens, countTokensAtOnce, estimateTokens } =
      await import('../../../src/lib/domain/chat/tokens');
    const text = 'The quick brown fox jumps over the lazy dog.';
    // Exact 10, estimate 11: which one came back says which path answered.
    expect(estimateTokens(text)).toBe(11);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const first = countTokensAtOnce(text);
      await vi.advanceTimersByTimeAsync(150);
      expect(await first).toBe(11);
    } finally {
      vi.useRealTimers();
    }
    expect(await countTokens(text)).toBe(10);
    expect(await countTokensAtOnce(text)).toBe(10);
  });
});
