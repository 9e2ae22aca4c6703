import { describe, expect, it } from 'vitest';
import { countTokens, estimateTokens } from '../../../src/lib/domain/chat/tokens';

describe('token counts without a usage report', () => {
  it('counts with the cl100k vocabulary', async () => {
    expect(await countTokens('')).toBe(0);
    expect(await countTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
    expect(await countTokens('Hello, world!')).toBe(4);
  });

  it('counts text that spells a special token as plain text instead of failing', async () => {
    const n = await countTokens('before <|endoftext|> after <|im_start|>');
    expect(n).toBeGreaterThan(5);
  });

  it('counts CJK text closer than the four-characters rule would', async () => {
    const text = '東京は日本の首都です。';
    const n = await countTokens(text);
    expect(n).toBeGreaterThan(text.length / 4);
    expect(n).toBeLessThanOrEqual(text.length * 2);
  });

  it('falls back to the rule of thumb for text too long to be worth tokenizing', async () => {
    const huge = 'word '.repeat(500_000);
    expect(await countTokens(huge)).toBe(estimateTokens(huge));
    expect(estimateTokens(huge)).toBe(625_000);
  });
});
