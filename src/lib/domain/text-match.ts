// Matching for the search inside messages, and the snippet shown for a hit. Pure functions: no
// storage, no DOM.
//
// Text and query are folded the same way: lower case, canonical decomposition (NFD) with the
// diacritical marks removed, recomposed (NFC), and a few letters that do not decompose but are
// commonly typed without their stroke (ø, ł, đ, ß…) spelled plainly. Only diacritics go (the
// Combining Diacritical Marks blocks): é, ñ, å, ё, й match e, n, a, е, и, while the marks that are
// part of other scripts' letters stay (Japanese dakuten, so が ≠ か; Devanagari vowel signs), and
// Hangul syllables come back whole.

const DIACRITIC_BLOCKS: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x20d0, 0x20ff],
  [0xfe20, 0xfe2f],
];
// Built from code points: written out, a class of combining marks reads as something else.
const DIACRITICS = new RegExp(
  `[${DIACRITIC_BLOCKS.map(([a, b]) => `${String.fromCodePoint(a)}-${String.fromCodePoint(b)}`).join('')}]`,
  'g',
);
const NON_ASCII = /[\u0080-\uffff]/;
const SPECIAL: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ł: 'l',
  ı: 'i',
  ς: 'σ',
};
const SPECIAL_RE = /[ßæœøđłıς]/g;
const spell = (c: string): string => SPECIAL[c] ?? c;

// The rest of the fold, after lower case. Recomposing only matters to terms beyond ASCII (Hangul,
// kana with dakuten…): no ASCII letter composes with anything once the diacritics are gone.
function foldLower(lower: string, compose: boolean): string {
  const bare = lower.normalize('NFD').replace(DIACRITICS, '');
  return (compose ? bare.normalize('NFC') : bare).replace(SPECIAL_RE, spell);
}

/** The folded form of a text: what queries are matched against. */
export function fold(text: string): string {
  const lower = text.toLowerCase();
  return NON_ASCII.test(lower) ? foldLower(lower, true) : lower;
}

/** The distinct folded words of a query, longest first (the likeliest to rule a text out). */
export function queryTerms(query: string): string[] {
  const words = fold(query)
    .split(/\s+/)
    .filter((w) => w !== '');
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

// Characters that fold to ASCII letters: Latin letters with accents or strokes, loose diacritics,
// and the few whose lower case is ASCII (İ, the Kelvin and Ångström signs).
const TO_ASCII = /[\u00c0-\u024f\u1e00-\u1eff\u212a\u212b]/;
const DIACRITIC_TEST = new RegExp(DIACRITICS.source);
const foldsToAscii = (text: string): boolean => TO_ASCII.test(text) || DIACRITIC_TEST.test(text);

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A test for one query: whether a text holds every term once folded. Most texts are settled without
 * folding or copying them: every term is there in some case, or no character of theirs could fold
 * into a term's. Only the rest are folded.
 */
export function matcher(terms: readonly string[]): (text: string) => boolean {
  if (terms.length === 0) return () => false;
  const patterns = terms.map((t) => new RegExp(escape(t), 'i'));
  const ascii = terms.every((t) => !NON_ASCII.test(t));
  return (text) => {
    if (patterns.every((p) => p.test(text))) return true;
    if (ascii ? !foldsToAscii(text) : !NON_ASCII.test(text)) return false;
    const folded = foldLower(text.toLowerCase(), !ascii);
    return terms.every((t) => folded.includes(t));
  };
}

// Folding one code point at a time keeps, for every unit of the folded text, the span of the
// source it came from; that is how a match is mapped back onto the text as written.
const charCache = new Map<string, string>();
function foldChar(cp: string): string {
  if (cp.length === 1 && cp.charCodeAt(0) < 0x80) return cp.toLowerCase();
  let f = charCache.get(cp);
  if (f === undefined) {
    f = fold(cp);
    if (charCache.size < 4096) charCache.set(cp, f);
  }
  return f;
}

interface Mapped {
  text: string;
  /** For each UTF-16 unit of `text`, where its source code point starts and ends. */
  from: Int32Array;
  to: Int32Array;
}

function foldMapped(source: string, start: number, end: number): Mapped {
  const parts: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let i = start;
  while (i < end) {
    const code = source.codePointAt(i) ?? 0;
    const len = code > 0xffff ? 2 : 1;
    const piece = foldChar(source.slice(i, i + len));
    parts.push(piece);
    for (let k = 0; k < piece.length; k++) {
      from.push(i);
      to.push(i + len);
    }
    i += len;
  }
  return { text: parts.join(''), from: Int32Array.from(from), to: Int32Array.from(to) };
}

export type Range = readonly [start: number, end: number];

/** Every occurrence of every term in source[start, end), as source ranges, sorted and merged. */
function occurrences(source: string, start: number, end: number, terms: readonly string[]) {
  const m = foldMapped(source, start, end);
  const found: [number, number][] = [];
  for (const term of terms) {
    for (let at = m.text.indexOf(term); at !== -1; at = m.text.indexOf(term, at + 1)) {
      const a = m.from[at];
      const b = m.to[at + term.length - 1];
      if (a !== undefined && b !== undefined) found.push([a, b]);
    }
  }
  found.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  const merged: [number, number][] = [];
  for (const r of found) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

const BLOCK = 8192;
const isLow = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
};
const MARK = /^\p{M}/u;
const joins = (ch: string) =>
  ch === '\u200d' || ch === '\ufe0e' || ch === '\ufe0f' || MARK.test(ch);
const SPACE = /\s/;

/** The earliest match in the source, scanning block by block so a long text costs little. */
function firstMatch(source: string, terms: readonly string[]): Range | null {
  const overlap = 4 * Math.max(...terms.map((t) => t.length)) + 16;
  for (let b = 0; b < source.length; b += BLOCK) {
    let e = Math.min(source.length, b + BLOCK + overlap);
    if (e < source.length && isLow(source, e)) e++;
    const first = occurrences(source, b, e, terms)[0];
    if (first) return first;
  }
  return null;
}

/** Moves a cut so that it splits no surrogate pair, accent or joined emoji. */
function settle(s: string, i: number, step: 1 | -1): number {
  let at = i;
  while (at > 0 && at < s.length && (isLow(s, at) || joins(s[at] ?? '') || s[at - 1] === '\u200d'))
    at += step;
  return at;
}

export interface Snippet {
  /** Plain text, whitespace collapsed, with "…" where the message was cut. */
  text: string;
  /** Spans of `text` that matched, sorted and apart. */
  marks: Range[];
}

/**
 * About `size` characters of the text around its first match, with every match inside marked.
 * `terms` come from queryTerms. A text with no match gives its beginning, unmarked.
 */
export function snippet(text: string, terms: readonly string[], size = 120): Snippet {
  const source = text.normalize('NFC');
  const first = terms.length > 0 ? firstMatch(source, terms) : null;
  const lead = first
    ? Math.min(40, Math.max(0, Math.floor((size - (first[1] - first[0])) / 3)))
    : 0;
  let start = Math.max(0, (first?.[0] ?? 0) - lead);
  let end = Math.min(source.length, Math.max(start + size, first?.[1] ?? 0));
  if (end - start < size) start = Math.max(0, end - size);
  // Prefer whole words at both ends, when a space is near.
  if (start > 0) {
    const limit = Math.min(start + 20, first?.[0] ?? start + 20);
    for (let i = start; i < limit; i++)
      if (SPACE.test(source[i] ?? '')) {
        start = i + 1;
        break;
      }
  }
  if (end < source.length) {
    const limit = Math.max(end - 20, first?.[1] ?? 0);
    for (let i = end - 1; i > limit; i--)
      if (SPACE.test(source[i] ?? '')) {
        end = i;
        break;
      }
  }
  start = settle(source, start, -1);
  end = settle(source, end, 1);
  const ranges = first ? occurrences(source, start, end, terms) : [];
  return render(source, start, end, ranges);
}

function render(source: string, start: number, end: number, ranges: Range[]): Snippet {
  const prefix = start > 0 ? '…' : '';
  let out = prefix;
  const at = new Int32Array(end - start + 1);
  let space = false;
  for (let i = start; i < end; i++) {
    const ch = source[i] ?? '';
    if (SPACE.test(ch)) {
      space = out.length > prefix.length;
      at[i - start] = out.length;
      continue;
    }
    if (space) out += ' ';
    space = false;
    at[i - start] = out.length;
    out += ch;
  }
  const marks: Range[] = [];
  for (const [a, b] of ranges) {
    const s = Math.max(a, start);
    const e = Math.min(b, end);
    if (e <= s) continue;
    marks.push([at[s - start] ?? 0, (at[e - 1 - start] ?? 0) + 1]);
  }
  if (end < source.length) out += '…';
  return { text: out, marks };
}

export interface SnippetPiece {
  text: string;
  mark: boolean;
}

/** The snippet cut into plain and marked pieces, for rendering as text nodes. */
export function snippetPieces(s: Snippet): SnippetPiece[] {
  const pieces: SnippetPiece[] = [];
  let at = 0;
  for (const [a, b] of s.marks) {
    if (a > at) pieces.push({ text: s.text.slice(at, a), mark: false });
    pieces.push({ text: s.text.slice(a, b), mark: true });
    at = b;
  }
  if (at < s.text.length) pieces.push({ text: s.text.slice(at), mark: false });
  return pieces;
}
