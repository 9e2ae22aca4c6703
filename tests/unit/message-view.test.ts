import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../src/lib/db/rows';
import { foldedHead, isBlank } from '../../src/lib/ui/message-view';
import { MAX_RECENT, orderModels, pushRecent } from '../../src/lib/ui/model-order';

function row(over: Partial<MessageRow>): MessageRow {
  return {
    id: 'm1',
    sessionId: 's1',
    seq: 1,
    role: 'user',
    content: '',
    parts: [],
    name: null,
    toolCallId: null,
    tokens: null,
    status: 'complete',
    preserved: false,
    metadata: {},
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}

describe('what a message shows', () => {
  it('hides finished messages with nothing in them, and nothing else', () => {
    expect(isBlank(row({ content: '' }))).toBe(true);
    expect(isBlank(row({ content: ' \n\t ', parts: [{ type: 'text', text: '  ' }] }))).toBe(true);
    // A reply still being written, or one that failed, shows even while empty.
    expect(isBlank(row({ role: 'assistant', status: 'streaming' }))).toBe(false);
    expect(isBlank(row({ role: 'assistant', status: 'error' }))).toBe(false);
    // Stopped before its first word: it says so, with Continue and Regenerate beside it.
    expect(
      isBlank(row({ role: 'assistant', metadata: { finishReason: 'stopped' }, content: '' })),
    ).toBe(false);
    expect(isBlank(row({ content: 'hi' }))).toBe(false);
    expect(isBlank(row({ parts: [{ type: 'image', imageId: 'i1' }] }))).toBe(false);
    expect(isBlank(row({ parts: [{ type: 'thinking', text: 'hmm' }] }))).toBe(false);
  });

  it('folds a long unbroken run and a very long text, not ordinary long messages', () => {
    const hash = 'a1b2c3d4'.repeat(6250);
    expect(foldedHead(hash)).toBe(hash.slice(0, 2000));
    expect(foldedHead('word '.repeat(3000))).toBeNull();
    expect(foldedHead('word '.repeat(4000))?.length).toBe(2000);
    expect(foldedHead('short')).toBeNull();
  });
});

describe('the model picker’s list', () => {
  it('puts recent models first, keeps the provider’s order, and filters by every word', () => {
    const available = ['gpt-4o', 'gpt-4o-mini', 'o3-mini', 'llama3.1:8b'];
    expect(orderModels(available, ['o3-mini'], '')).toEqual([
      'o3-mini',
      'gpt-4o',
      'gpt-4o-mini',
      'llama3.1:8b',
    ]);
    expect(orderModels(available, [], 'GPT mini')).toEqual(['gpt-4o-mini']);
    // A recent model the provider no longer lists is still offered.
    expect(orderModels(available, ['old-model'], 'old')).toEqual(['old-model']);
  });

  it('keeps the most recent first, once each, up to the limit', () => {
    let recent: string[] = [];
    for (let i = 0; i < MAX_RECENT + 3; i++) recent = pushRecent(recent, `m${i}`);
    recent = pushRecent(recent, 'm5');
    expect(recent[0]).toBe('m5');
    expect(recent.length).toBe(MAX_RECENT);
    expect(new Set(recent).size).toBe(MAX_RECENT);
  });
});
