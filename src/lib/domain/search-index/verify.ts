// The search index checked against the messages on request (Settings → Storage → Check my data),
// and rebuilt from scratch in the background when it disagrees.
import type { TernDB } from '../../db/database';
import { announceSearchWork } from '../../db/search-queue';
import { searchDocsByKey, searchDocsByNumber } from '../../db/search-reads';
import { ro, rw } from '../tx';
import { BACKFILL_KEY, blockOf, LIVE_KEY } from './postings';
import { readBackfill } from './backfill';
import { isTitleKey, searchableText, sessionOfTitleKey, titleKey } from './texts';
import { termsOf } from './tokens';
import { indexTables } from './writer';
import { storedMessages } from './stored';

/** Documents whose words are looked up in the postings (the newest): a sample, not all. */
const SAMPLE = 200;

export interface SearchIndexReport {
  /** Messages and titles that should be findable. */
  texts: number;
  /** Of those, not indexed and not waiting in the queue (only counted once the first pass is over). */
  missing: number;
  /** Documents of texts that no longer exist. */
  orphans: number;
  /** Texts with more than one document. */
  duplicates: number;
  /** Sampled documents whose words' postings lack them. */
  unposted: number;
  /** The first pass is still running. */
  indexing: boolean;
  ok: boolean;
}

export async function verifySearchIndex(db: TernDB): Promise<SearchIndexReport> {
  const state = await readBackfill(db);
  const indexing = !state?.done;
  return ro(db, [db.messages, db.branchMessages, db.sessions, ...indexTables(db)], async () => {
    const [messageIds, branchIds, sessionIds, docKeys, queued] = await Promise.all([
      db.messages.toCollection().primaryKeys(),
      db.branchMessages.toCollection().primaryKeys(),
      db.sessions.toCollection().primaryKeys(),
      searchDocsByKey(db).keys(),
      db.searchQueue.toCollection().primaryKeys(),
    ]);
    // Messages of inactive branches are findable too, so they count as texts like the active path.
    const texts = new Set<string>([...messageIds, ...branchIds, ...sessionIds.map(titleKey)]);
    const waiting = new Set(queued);
    const seen = new Map<string, number>();
    // The `key` index holds strings only (message ids and title keys).
    for (const k of docKeys as string[]) seen.set(k, (seen.get(k) ?? 0) + 1);
    let missing = 0;
    if (!indexing) for (const t of texts) if (!seen.has(t) && !waiting.has(t)) missing++;
    let orphans = 0;
    let duplicates = 0;
    for (const [k, n] of seen) {
      if (!texts.has(k)) orphans += n;
      else if (n > 1) duplicates++;
    }
    // The newest documents' words, looked up in the postings.
    let unposted = 0;
    const docs = await searchDocsByNumber(db).reverse().limit(SAMPLE).toArray();
    const msgs = await storedMessages(
      db,
      docs.map((d) => d.key),
    );
    const sess = await db.sessions.bulkGet(
      docs.map((d) => (isTitleKey(d.key) ? sessionOfTitleKey(d.key) : '')),
    );
    for (const [i, d] of docs.entries()) {
      const m = msgs[i];
      const text = m ? searchableText(m) : isTitleKey(d.key) ? sess[i]?.title : undefined;
      if (text === undefined || waiting.has(d.key)) continue;
      const rows = await db.searchPostings.bulkGet(termsOf(text).map((t) => [t, blockOf(d.doc)]));
      if (rows.some((r) => !r || !r.docs.includes(d.doc))) unposted++;
    }
    return {
      texts: texts.size,
      missing,
      orphans,
      duplicates,
      unposted,
      indexing,
      ok: missing + orphans + duplicates + unposted === 0,
    };
  });
}

/** Empties the index and starts its first pass again; the indexer rebuilds it in the background. */
export async function rebuildSearchIndex(db: TernDB): Promise<void> {
  await rw(db, [db.meta, ...indexTables(db)], async () => {
    await Promise.all([
      db.searchDocs.clear(),
      db.searchPostings.clear(),
      db.searchQueue.clear(),
      db.meta.bulkDelete([BACKFILL_KEY, LIVE_KEY]),
    ]);
  });
  announceSearchWork();
}
