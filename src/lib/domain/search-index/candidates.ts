// The documents a query's words point to, before any text is read. Each word's postings are read by
// key range (a prefix reads every word it begins); the rarest word drives, newest documents first,
// and the others rule candidates out by their lists. A phrase rules out more: where each of its
// words stands in a text is kept as a mask of positions modulo 64, and a text whose masks cannot
// line up, word after word, is never read. Two common words side by side only in a few texts would
// otherwise read nearly every text holding both.
import type { TernDB } from '../../db/database';
import { postingsBetween } from '../../db/search-reads';
import { ro } from '../tx';
import { ANYWHERE, back, indexOf, union, type Placed } from './postings';
import type { ParsedQuery } from './tokens';

/** Postings rows read for one word at most; beyond that it is checked on the text only. */
const WORD_ROWS = 3000;

// A single letter or digit is a word, not a prefix: as a prefix it would list most of the index.
const exactOnly = (w: string) => w.length === 1 && /[\p{L}\p{N}]/u.test(w);

type PostingKey = [string, number];

const NONE: Placed = { docs: new Uint32Array(0), at: new Uint32Array(0) };

/**
 * The documents holding a word (or a word it begins), block by block. Only the keys are read up
 * front; a block's lists are read and merged when the walk reaches it, so a common word costs its
 * newest block, not all of them (reading every list of "the" froze the page for 170 ms).
 */
export class WordDocs {
  /** A guess at how many documents hold the word: its newest block, times its blocks. */
  readonly count: number;
  readonly #keys = new Map<number, PostingKey[]>();
  readonly #merged = new Map<number, Placed>();

  private constructor(
    keys: readonly PostingKey[],
    newest: Placed | null,
    /** Whether where the word stands is wanted (it is in a phrase). */
    readonly where: boolean,
  ) {
    for (const k of keys) {
      const l = this.#keys.get(k[1]);
      if (l) l.push(k);
      else this.#keys.set(k[1], [k]);
    }
    const top = this.blocks()[0];
    if (newest && top !== undefined) this.#merged.set(top, newest);
    this.count = (newest?.docs.length ?? 0) * this.#keys.size;
  }

  /** A word's documents, or null when it begins too many words to list (checked on the text). */
  static async read(db: TernDB, word: string, where: boolean): Promise<WordDocs | null> {
    const upper = exactOnly(word) ? word : word + '\uffff';
    const keys = (await postingsBetween(db, word, upper)
      .limit(WORD_ROWS + 1)
      .primaryKeys()) as PostingKey[];
    if (keys.length > WORD_ROWS) return null;
    const words = new WordDocs(keys, null, where);
    const top = words.blocks()[0];
    return new WordDocs(keys, top === undefined ? null : await words.#read(db, top), where);
  }

  /** Blocks holding the word, newest first. */
  blocks(): number[] {
    return [...this.#keys.keys()].sort((a, b) => b - a);
  }

  /** Ascending documents of one block and where the word stands in each (empty when absent). */
  async at(db: TernDB, block: number): Promise<Placed> {
    let m = this.#merged.get(block);
    if (!m) this.#merged.set(block, (m = await this.#read(db, block)));
    return m;
  }

  async #read(db: TernDB, block: number): Promise<Placed> {
    const keys = this.#keys.get(block);
    if (!keys) return NONE;
    const rows = await db.searchPostings.bulkGet(keys);
    return union(
      rows.flatMap((r) => (r ? [r] : [])),
      this.where,
    );
  }
}

/** The words' lists (null for a word too common to list), in the order of the query's words. */
export function readWords(db: TernDB, q: ParsedQuery): Promise<(WordDocs | null)[]> {
  const placed = new Set(q.parts.flatMap((p) => (p.phrase ? p.words : [])));
  return ro(db, [db.searchPostings], () =>
    Promise.all(q.words.map((w) => WordDocs.read(db, w, placed.has(w)))),
  );
}

/**
 * For each phrase, the place of each of its words among the query's words, with how far into the
 * phrase it stands; words too common to list are left out (nothing is known of where they stand).
 */
function phraseSlots(q: ParsedQuery, words: readonly (WordDocs | null)[]): [number, number][][] {
  const out: [number, number][][] = [];
  for (const p of q.parts) {
    if (!p.phrase) continue;
    const slots: [number, number][] = [];
    p.words.forEach((w, k) => {
      const i = q.words.indexOf(w);
      if (i !== -1 && words[i]) slots.push([i, k]);
    });
    if (slots.length > 1) out.push(slots);
  }
  return out;
}

/**
 * The documents, newest first, that every listed word's lists hold, and where each phrase's words
 * can stand side by side. The driver is the word with the fewest documents.
 */
export async function* candidates(
  db: TernDB,
  q: ParsedQuery,
  words: readonly (WordDocs | null)[],
): AsyncGenerator<number> {
  const listed: number[] = [];
  words.forEach((w, i) => w && listed.push(i));
  listed.sort((a, b) => (words[a]?.count ?? 0) - (words[b]?.count ?? 0));
  const lists = listed.map((i) => words[i] as WordDocs);
  const driver = lists[0];
  if (!driver) return;
  const phrases = phraseSlots(q, words);
  // Where each query word's list sits among `lists`.
  const slotOf = new Map(listed.map((i, j) => [i, j]));
  for (const b of driver.blocks()) {
    if (lists.some((o) => !o.blocks().includes(b))) continue;
    const placed = await ro(db, [db.searchPostings], () =>
      Promise.all(lists.map((w) => w.at(db, b))),
    );
    if (placed.some((l) => l.docs.length === 0)) continue;
    const docs = (placed[0] as Placed).docs;
    const found = new Int32Array(placed.length);
    const moved = new Uint32Array(2);
    next: for (let i = docs.length - 1; i >= 0; i--) {
      const d = docs[i] ?? 0;
      found[0] = i;
      for (let j = 1; j < placed.length; j++) {
        const at = indexOf((placed[j] as Placed).docs, d);
        if (at === -1) continue next;
        found[j] = at;
      }
      for (const slots of phrases) {
        let lo = ANYWHERE;
        let hi = ANYWHERE;
        for (const [word, k] of slots) {
          const j = slotOf.get(word) ?? 0;
          const at = (placed[j] as Placed).at;
          const f = found[j] ?? 0;
          back(at[2 * f] ?? ANYWHERE, at[2 * f + 1] ?? ANYWHERE, k, moved);
          lo &= moved[0] ?? 0;
          hi &= moved[1] ?? 0;
        }
        if (lo === 0 && hi === 0) continue next;
      }
      yield d;
    }
  }
}
