// The <think> splitter at every chunk boundary: the same thinking and text however the reply is cut.
import { describe, expect, it } from 'vitest';
import { ThinkTags } from '../../../src/lib/providers/openai-compatible/think-tags';

function split(chunks: string[]) {
  const t = new ThinkTags();
  const events = [...chunks.flatMap((c) => t.push(c)), ...t.flush()];
  const join = (type: 'text' | 'thinking') =>
    events.flatMap((e) => (e.type === type ? [e.text] : [])).join('');
  return { thinking: join('thinking'), text: join('text') };
}

/** Every way of cutting `s` into two or three pieces. */
function cuts(s: string): string[][] {
  const out: string[][] = [[s]];
  for (let i = 1; i < s.length; i++) {
    out.push([s.slice(0, i), s.slice(i)]);
    for (let j = i + 1; j < s.length; j++) out.push([s.slice(0, i), s.slice(i, j), s.slice(j)]);
  }
  return out;
}

describe('ThinkTags', () => {
  const cases: [string, { thinking: string; text: string }][] = [
    ['  <think>plan ✓</think>\n\nAnswer 猫', { thinking: 'plan ✓', text: 'Answer 猫' }],
    ['Plain <think>x</think> reply', { thinking: '', text: 'Plain <think>x</think> reply' }],
    ['<think></think>Just this', { thinking: '', text: 'Just this' }],
    ['<think>a < b </thin> c', { thinking: 'a < b </thin> c', text: '' }],
    ['<thinking>is not the tag', { thinking: '', text: '<thinking>is not the tag' }],
  ];
  for (const [reply, want] of cases)
    it(`splits ${JSON.stringify(reply)} the same at every cut`, () => {
      for (const chunks of cuts(reply)) expect(split(chunks), JSON.stringify(chunks)).toEqual(want);
    });
});
