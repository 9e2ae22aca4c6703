// Reasoning models served without a reasoning parser (older Ollama, llama.cpp and LM Studio set
// ups, DeepSeek-R1 and Qwen3 distills) write their reasoning into the reply itself, between
// `<think>` and `</think>` at its very start. That part goes out as thinking, so the reply shows
// only the answer and the reasoning folds away as it does for servers that send it apart.
import type { StreamEvent } from '../types';

const OPEN = '<think>';
const CLOSE = '</think>';

type Mode = 'start' | 'thinking' | 'after' | 'text';

/** How many characters at the end of `s` could begin `tag`: held back until the next chunk. */
function partialTail(s: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, s.length); n > 0; n--)
    if (tag.startsWith(s.slice(s.length - n))) return n;
  return 0;
}

export class ThinkTags {
  private mode: Mode = 'start';
  private held = '';

  /** The events for one chunk of the reply's text. */
  push(chunk: string): StreamEvent[] {
    const out: StreamEvent[] = [];
    let s = this.held + chunk;
    this.held = '';
    while (s !== '') {
      if (this.mode === 'start') {
        const lead = s.trimStart();
        if (lead === '' || (OPEN.startsWith(lead) && lead.length < OPEN.length)) {
          this.held = s; // not enough yet to tell
          return out;
        }
        if (lead.startsWith(OPEN)) {
          this.mode = 'thinking';
          s = lead.slice(OPEN.length);
        } else this.mode = 'text';
      } else if (this.mode === 'thinking') {
        const end = s.indexOf(CLOSE);
        if (end === -1) {
          const keep = partialTail(s, CLOSE);
          if (s.length > keep) out.push({ type: 'thinking', text: s.slice(0, s.length - keep) });
          this.held = s.slice(s.length - keep);
          return out;
        }
        if (end > 0) out.push({ type: 'thinking', text: s.slice(0, end) });
        s = s.slice(end + CLOSE.length);
        this.mode = 'after';
      } else if (this.mode === 'after') {
        // The blank lines between the reasoning and the answer belong to neither.
        s = s.trimStart();
        if (s !== '') this.mode = 'text';
      } else {
        out.push({ type: 'text', text: s });
        s = '';
      }
    }
    return out;
  }

  /** What was held back when the reply ends. */
  flush(): StreamEvent[] {
    const rest = this.held;
    this.held = '';
    if (rest === '') return [];
    if (this.mode === 'thinking') return [{ type: 'thinking', text: rest }];
    if (this.mode === 'after' && rest.trim() === '') return [];
    return [{ type: 'text', text: rest }];
  }
}
