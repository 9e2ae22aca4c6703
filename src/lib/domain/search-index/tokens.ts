// Words as the search index sees them. Text and queries go through the same steps: fold() (case,
// accents, the few letters without a decomposition), the pointing of Hebrew and the vowel marks of
// Arabic removed (people type without them), then cut into words. Letters, digits and combining
// marks make a word (so Devanagari and Hangul stay whole); anything else separates, which splits
// code at its punctuation (`foo_bar.baz()` gives foo, bar, baz). Scripts written without spaces
// (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) are cut by Intl.Segmenter. Every emoji is a word
// of its own, without skin tone or presentation selector.
import { fold } from '../text-match';

/** Words longer than this are cut: nobody types them, and they would bloat the index. */
export const MAX_TOKEN = 40;

const POINTING = /[\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]/g;
const SPACELESS =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const EMOJI_MODIFIERS = /[\u{1f3fb}-\u{1f3ff}]|\ufe0e|\ufe0f|\u200d/gu;
// A word, a run of spaceless script, or one emoji (with whatever joins it).
const PIECE =
  /([\p{L}\p{N}\p{M}]+)|(\p{Extended_Pictographic}(?:[\u{1f3fb}-\u{1f3ff}]|\ufe0e|\ufe0f|\u200d\p{Extended_Pictographic})*)/gu;

let segmenter: Intl.Segmenter | null | undefined;
function wordSegmenter(): Intl.Segmenter | null {
  if (segmenter === undefined)
    segmenter =
      typeof Intl.Segmenter === 'function'
        ? new Intl.Segmenter(undefined, { granularity: 'word' })
        : null;
  return segmenter;
}

/** The text as compared: folded, pointing removed. */
export function normalise(text: string): string {
  return fold(text).replace(POINTING, '');
}

function pushWord(out: string[], word: string): void {
  if (!SPACELESS.test(word)) {
    out.push(word.length > MAX_TOKEN ? word.slice(0, MAX_TOKEN) : word);
    return;
  }
  const seg = wordSegmenter();
  if (!seg) {
    for (const ch of word) out.push(ch);
    return;
  }
  for (const s of seg.segment(word)) {
    if (s.isWordLike === false) continue;
    out.push(s.segment.length > MAX_TOKEN ? s.segment.slice(0, MAX_TOKEN) : s.segment);
  }
}

/** The words of an already normalised text, in order, repeats kept. */
export function wordsOf(normalised: string): string[] {
  const out: string[] = [];
  for (const m of normalised.matchAll(PIECE)) {
    if (m[1] !== undefined) pushWord(out, m[1]);
    else if (m[2] !== undefined) {
      const e = m[2].replace(EMOJI_MODIFIERS, '');
      if (e !== '') out.push(e);
    }
  }
  return out;
}

/** The words of a text, in order, repeats kept. */
export function tokenize(text: string): string[] {
  return wordsOf(normalise(text));
}

/** The distinct words of a text: what the index records for it. */
export function termsOf(text: string): string[] {
  return [...new Set(tokenize(text))];
}

/** One unit of a query: words that must all appear, side by side when `phrase`. */
export interface QueryPart {
  words: string[];
  /** Side by side and in this order (a quoted phrase, or a word that splits, like foo.bar). */
  phrase: boolean;
}

export type QueryProblem = 'too-long' | 'no-words' | 'unclosed-quote';

export interface ParsedQuery {
  parts: QueryPart[];
  /** Every distinct word of every part, for the index lookup and the snippet. */
  words: string[];
  problems: QueryProblem[];
}

/** Queries longer than this are cut: a search box is not a place for whole documents. */
export const MAX_QUERY = 200;
/** At most this many parts are matched; more adds time and narrows nothing in practice. */
export const MAX_PARTS = 8;

/**
 * A query: words (each matching any indexed word it begins, so "quetz" finds quetzal), and quoted
 * phrases. Regex and wildcard characters are plain punctuation. A quote left open runs to the end.
 */
export function parseQuery(raw: string): ParsedQuery {
  const problems: QueryProblem[] = [];
  let text = raw;
  if (text.length > MAX_QUERY) {
    problems.push('too-long');
    text = text.slice(0, MAX_QUERY);
  }
  const quotes = (text.match(/["“”]/g) ?? []).length;
  if (quotes % 2 === 1) problems.push('unclosed-quote');
  const parts: QueryPart[] = [];
  const chunks = text.split(/["“”]/);
  chunks.forEach((chunk, i) => {
    const quoted = i % 2 === 1;
    if (quoted) {
      const words = tokenize(chunk);
      if (words.length > 0) parts.push({ words, phrase: words.length > 1 });
      return;
    }
    for (const piece of chunk.split(/\s+/)) {
      const words = tokenize(piece);
      if (words.length > 0) parts.push({ words, phrase: words.length > 1 });
    }
  });
  const kept = parts.slice(0, MAX_PARTS);
  if (parts.length > MAX_PARTS && !problems.includes('too-long')) problems.push('too-long');
  const words = [...new Set(kept.flatMap((p) => p.words))];
  if (words.length === 0) problems.push('no-words');
  return { parts: kept, words, problems };
}

/**
 * Whether a text's words satisfy the query: every part's words appear, each as the start of a word,
 * a phrase's side by side and in order (all but its last word whole).
 */
export function matchesWords(textWords: readonly string[], parts: readonly QueryPart[]): boolean {
  return parts.every((p) => partAt(textWords, p) !== -1);
}

/** Where a part first matches in a text's words, or -1. */
export function partAt(textWords: readonly string[], part: QueryPart): number {
  const n = part.words.length;
  const last = n - 1;
  outer: for (let i = 0; i + n <= textWords.length; i++) {
    for (let k = 0; k < n; k++) {
      const w = textWords[i + k] ?? '';
      const q = part.words[k] ?? '';
      if (k === last ? !w.startsWith(q) : part.phrase ? w !== q : !w.startsWith(q)) continue outer;
    }
    return i;
  }
  return -1;
}

const PLAIN = /^[\p{L}\p{N}\p{M}]+$/u;

/**
 * A quick test of a normalised text that no match can fail: each phrase's words in order with
 * nothing but separators between them. It rules out most texts where the words are all present but
 * apart, before cutting them into words (the costly part of checking). Null when it cannot be
 * sure: a phrase with emoji or words of scripts without spaces, or one cut at MAX_TOKEN. A text in
 * a script without spaces is not ruled out either (its words may touch).
 */
export function phraseFilter(
  parts: readonly QueryPart[],
): ((normalised: string) => boolean) | null {
  const res: RegExp[] = [];
  for (const p of parts) {
    if (!p.phrase) continue;
    const plain = p.words.every(
      (w, k) =>
        PLAIN.test(w) && !SPACELESS.test(w) && (k === p.words.length - 1 || w.length < MAX_TOKEN),
    );
    if (plain) res.push(new RegExp(p.words.join('[^\\p{L}\\p{N}\\p{M}]*'), 'u'));
  }
  if (res.length === 0) return null;
  return (text) => SPACELESS.test(text) || res.every((re) => re.test(text));
}
