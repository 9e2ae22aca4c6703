import { describe, expect, it, vi } from 'vitest';

// The tokenizer is a chunk of its own; offline before it was cached it cannot load.
vi.mock('gpt-tokenizer/encoding/cl100k_base', () => {
  throw new Error('Failed to fetch dynamically imported module');
});

describe('token counts when the tokenizer cannot load', () => {
  it('falls back to the estimate instead of failing the message', async () => {
    const { countTokens, estimateTokens } = await import('../../../src/lib/domain/chat/tokens');
    const text = 'The quick brown fox jumps over the lazy dog.';
    expect(await countTokens(text)).toBe(estimateTokens(text));
    expect(await countTokens(text)).toBe(11);
  });
});
