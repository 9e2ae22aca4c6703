// A reply's reasoning as it streams: one or more thinking blocks. Anthropic closes each block with
// its signature and may send a redacted block whole; other providers stream one unsigned block.
// The blocks are stored as the reply's thinking parts and, when signed, sent back later.
import type { MessagePart } from '../../db/rows';
import type { ThinkingBlock } from '../../providers/types';

type ThinkingPart = Extract<MessagePart, { type: 'thinking' }>;

export class Thoughts {
  private readonly blocks: ThinkingPart[] = [];

  /** The block still open for more text: the last one, unless signed or redacted. */
  private open(): ThinkingPart {
    const last = this.blocks[this.blocks.length - 1];
    if (last && last.signature === undefined && last.redacted === undefined) return last;
    const block: ThinkingPart = { type: 'thinking', text: '' };
    this.blocks.push(block);
    return block;
  }

  text(delta: string): void {
    this.open().text += delta;
  }

  sign(signature: string): void {
    this.open().signature = signature;
  }

  redacted(data: string): void {
    this.blocks.push({ type: 'thinking', text: '', redacted: data });
  }

  /** Everything thought, for counting tokens. */
  all(): string {
    return this.blocks.map((b) => b.text).join('');
  }

  parts(): ThinkingPart[] {
    return this.blocks
      .filter((b) => b.text !== '' || b.signature !== undefined || b.redacted !== undefined)
      .map((b) => ({ ...b }));
  }
}

/**
 * The thinking of a stored reply that can go back to the provider: signed or redacted blocks
 * only. Unsigned reasoning (from another provider, or a block cut off before its signature) is
 * left out, as a provider would refuse it.
 */
export function returnableThinking(parts: readonly MessagePart[]): ThinkingBlock[] {
  return parts.flatMap((p): ThinkingBlock[] => {
    if (p.type !== 'thinking') return [];
    if (p.redacted) return [{ type: 'redacted', data: p.redacted }];
    if (p.signature) return [{ type: 'thinking', text: p.text, signature: p.signature }];
    return [];
  });
}
