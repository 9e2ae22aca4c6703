import { describe, expect, it } from 'vitest';
import { parseQuery, tokenize, matchesWords } from '../../../src/lib/domain/search-index/tokens';

const finds = (text: string, query: string) =>
  matchesWords(tokenize(text), parseQuery(query).parts);

describe('words for the search index', () => {
  it('folds case and accents, and splits code at its punctuation', () => {
    expect(tokenize('Un CAFÉ à São Paulo, Straße')).toEqual([
      'un',
      'cafe',
      'a',
      'sao',
      'paulo',
      'strasse',
    ]);
    expect(tokenize('const fooBar = obj.do_thing(42);')).toEqual([
      'const',
      'foobar',
      'obj',
      'do',
      'thing',
      '42',
    ]);
  });

  it('cuts Chinese and Japanese into words, and keeps Hangul, Devanagari and Hebrew words whole', () => {
    expect(tokenize('東京都に住んでいます').length).toBeGreaterThan(2);
    expect(tokenize('검색 기능')).toEqual(['검색', '기능']);
    expect(tokenize('मौसम अच्छा')).toEqual(['मौसम', 'अच्छा']);
    expect(tokenize('שָׁלוֹם עולם')).toEqual(['שלום', 'עולם']);
    expect(tokenize('كِتَابٌ جديد')).toEqual(['كتاب', 'جديد']);
  });

  it('makes every emoji a word, without skin tone or presentation selector', () => {
    expect(tokenize('nice 👍🏽 and ❤️ 👨‍👩‍👧')).toEqual(['nice', '👍', 'and', '❤', '👨👩👧']);
    expect(finds('thumbs 👍🏾 up', '👍')).toBe(true);
  });

  it('matches prefixes, every word, and phrases in order', () => {
    expect(finds('The quetzal is green', 'quetz')).toBe(true);
    expect(finds('The quetzal is green', 'quetz blue')).toBe(false);
    expect(finds('The quetzal is green', '"quetzal is"')).toBe(true);
    expect(finds('The quetzal is green', '"is quetzal"')).toBe(false);
    expect(finds('Zürich 東京都に住んでいます', 'zurich 東京')).toBe(true);
    expect(finds('call obj.do_thing() now', 'do_thing')).toBe(true);
  });

  it('answers bad queries instead of failing', () => {
    expect(parseQuery('x'.repeat(10_000)).problems).toContain('too-long');
    expect(parseQuery('.*+?^${}()|[]\\').problems).toEqual(['no-words']);
    expect(parseQuery('"').problems).toEqual(['unclosed-quote', 'no-words']);
    expect(parseQuery('"open quote').parts).toEqual([{ words: ['open', 'quote'], phrase: true }]);
    expect(parseQuery('🦜').words).toEqual(['🦜']);
    expect(parseQuery('the a of').words).toEqual(['the', 'a', 'of']);
    expect(finds('a*b', 'a*b')).toBe(true);
  });
});
