import { describe, expect, it } from 'vitest';
import {
  fold,
  matcher,
  queryTerms,
  snippet,
  snippetPieces,
  type Snippet,
} from '../../src/lib/domain/text-match';

const matches = (text: string, query: string) => matcher(queryTerms(query))(text);
const marked = (s: Snippet) => s.marks.map(([a, b]) => s.text.slice(a, b));

describe('matching', () => {
  it('ignores case and accents, both ways', () => {
    expect(matches('Un CAFÉ à Paris', 'cafe')).toBe(true);
    expect(matches('Un cafe a Paris', 'Café')).toBe(true);
    expect(matches('Crème brûlée', 'CREME brulee')).toBe(true);
    expect(matches('São Paulo, Łódź, Øresund, Straße', 'sao lodz oresund strasse')).toBe(true);
    // Decomposed input (e + combining acute) matches too.
    expect(matches('cafe\u0301', 'café')).toBe(true);
    expect(matches('İstanbul', 'istanbul')).toBe(true);
    expect(matches('ΟΔΟΣ', 'οδος')).toBe(true);
  });

  it('needs every word, in any order, as parts of words', () => {
    expect(matches('the quick brown fox', 'fox quick')).toBe(true);
    expect(matches('the quick brown fox', 'fox slow')).toBe(false);
    expect(matches('categorical', 'cat')).toBe(true);
    expect(matches('anything', '   ')).toBe(false);
    expect(queryTerms('  Fox  fox FOX quick ')).toEqual(['quick', 'fox']);
  });

  it('settles from the lower case what folding the whole text would', () => {
    const texts = [
      'Un CAFÉ à Paris',
      'cafe\u0301 noir',
      'plain ascii text',
      'Straße und Øl',
      'Привет, МИР! Ёлка',
      '東京で寿司を食べました、がっこう',
      '한국어 검색',
      'İstanbul ΟΔΟΣ',
      '300 \u212a, an em dash — and “quotes” 🦊',
      'A (b) [c] .* $d',
      '',
    ];
    const queries = [
      'cafe',
      'café noir',
      'strasse ol',
      'елка мир',
      'がっこう 東京',
      '검색',
      'i',
      'σ',
      'x',
    ];
    for (const text of texts)
      for (const query of queries) {
        const terms = queryTerms(query);
        const folded = fold(text);
        expect(matcher(terms)(text), `${text} / ${query}`).toBe(
          terms.every((t) => folded.includes(t)),
        );
      }
  });

  it('works for scripts other than Latin', () => {
    expect(matches('Привет, МИР! Ёлка', 'мир ёлка')).toBe(true);
    expect(matches('Ёлка', 'елка')).toBe(true);
    expect(matches('東京で寿司を食べました', '寿司')).toBe(true);
    expect(matches('ひらがなとカタカナ', 'カタカナ')).toBe(true);
    // Dakuten are letters, not accents: が is not か.
    expect(matches('がっこう', 'がっこう')).toBe(true);
    expect(matches('かっこう', 'が')).toBe(false);
    expect(matches('한국어 검색', '검색')).toBe(true);
    // A syllable is not matched by part of it.
    expect(matches('한', '하')).toBe(false);
    expect(matches('नमस्ते दुनिया', 'दुनिया')).toBe(true);
    expect(matches('مرحبا بالعالم', 'بالعالم')).toBe(true);
    expect(matches('emoji 🦊 fox', '🦊')).toBe(true);
  });
});

describe('snippets', () => {
  it('marks every match in the text as written, accents and case kept', () => {
    const s = snippet('Un CAFÉ à Paris, un café à Lyon', queryTerms('cafe'));
    expect(s.text).toBe('Un CAFÉ à Paris, un café à Lyon');
    expect(marked(s)).toEqual(['CAFÉ', 'café']);
    expect(snippetPieces(s)).toEqual([
      { text: 'Un ', mark: false },
      { text: 'CAFÉ', mark: true },
      { text: ' à Paris, un ', mark: false },
      { text: 'café', mark: true },
      { text: ' à Lyon', mark: false },
    ]);
  });

  it('maps folds that change length back onto the source', () => {
    expect(marked(snippet('Die Straße ist lang', queryTerms('strasse')))).toEqual(['Straße']);
    expect(marked(snippet('cafe\u0301 noir', queryTerms('cafe')))).toEqual(['café']);
    expect(marked(snippet('İstanbul', queryTerms('istanbul')))).toEqual(['İstanbul']);
    expect(marked(snippet('a 🦊 and 🦊', queryTerms('🦊')))).toEqual(['🦊', '🦊']);
  });

  it('merges overlapping matches of several words', () => {
    const s = snippet('foobar baz', queryTerms('foo oba baz'));
    expect(marked(s)).toEqual(['fooba', 'baz']);
  });

  it('shows about 120 characters around the first match, cut at spaces, with ellipses', () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`);
    words[120] = 'NEEDLE';
    const s = snippet(words.join(' '), queryTerms('needle'));
    expect(s.text.startsWith('…word')).toBe(true);
    expect(s.text.endsWith('…')).toBe(true);
    expect(s.text.length).toBeGreaterThan(80);
    expect(s.text.length).toBeLessThanOrEqual(124);
    expect(marked(s)).toEqual(['NEEDLE']);
    // Whole words at both ends.
    expect(
      s.text
        .slice(1, -1)
        .split(' ')
        .every((w) => /^(word\d+|NEEDLE)$/.test(w)),
    ).toBe(true);
    const at = s.text.indexOf('NEEDLE');
    expect(at).toBeGreaterThan(20);
    expect(at).toBeLessThan(50);
  });

  it('needs no ellipsis when the text is short, and starts at the beginning near the start', () => {
    expect(snippet('needle at the start', queryTerms('needle'))).toEqual({
      text: 'needle at the start',
      marks: [[0, 6]],
    });
    const s = snippet('x '.repeat(10) + 'needle' + ' y'.repeat(200), queryTerms('needle'));
    expect(s.text.startsWith('x x')).toBe(true);
    expect(s.text.endsWith('…')).toBe(true);
  });

  it('collapses whitespace and line breaks into single spaces', () => {
    const s = snippet('first line\n\n   second\tline with needle\n', queryTerms('needle'));
    expect(s.text).toBe('first line second line with needle');
    expect(marked(s)).toEqual(['needle']);
  });

  it('cuts no character in two: surrogate pairs, accents, joined emoji', () => {
    const family = '👨‍👩‍👧';
    const long = `${family}${'é'.repeat(3)}`.repeat(60);
    const s = snippet(`${long} needle ${long}`, queryTerms('needle'));
    expect(marked(s)).toEqual(['needle']);
    const body = s.text.replace(/^…/, '').replace(/…$/, '');
    expect(body.isWellFormed()).toBe(true);
    expect(body.startsWith('\u200d')).toBe(false);
    expect(/^\p{M}/u.test(body)).toBe(false);
    const cjk = '日本語の文章です。'.repeat(40);
    const c = snippet(`${cjk}検索語${cjk}`, queryTerms('検索語'));
    expect(marked(c)).toEqual(['検索語']);
    expect(c.text.length).toBeLessThanOrEqual(124);
  });

  it('finds the first match deep in a long text without folding all of it at once', () => {
    const text = `${'filler text '.repeat(20_000)}the needle ${'more '.repeat(10)}`;
    const s = snippet(text, queryTerms('needle'));
    expect(marked(s)).toEqual(['needle']);
    expect(s.text.startsWith('…')).toBe(true);
  });

  it('gives the beginning, unmarked, when nothing matches', () => {
    expect(snippet('nothing here', queryTerms('absent'))).toEqual({
      text: 'nothing here',
      marks: [],
    });
  });

  it('keeps hostile strings as they are: plain text, marks only where the words are', () => {
    const hostile = '<img src=x onerror="alert(1)"> <script>steal()</script> needle';
    const s = snippet(hostile, queryTerms('needle onerror'));
    expect(s.text).toBe(hostile);
    expect(marked(s)).toEqual(['onerror', 'needle']);
    const pieces = snippetPieces(s);
    expect(pieces.map((p) => p.text).join('')).toBe(hostile);
    // Regex metacharacters in a query are plain characters.
    expect(matches('a (b) [c] .* $d', '(b) [c] .* $d')).toBe(true);
    expect(matches('abc', '.*')).toBe(false);
    expect(marked(snippet('price: $5.00 (approx.)', queryTerms('$5.00 (approx.)')))).toEqual([
      '$5.00',
      '(approx.)',
    ]);
  });
});
