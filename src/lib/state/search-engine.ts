// What the sidebar's search loads on first use: the index query, and the scan it replaced, kept
// for side-by-side figures (`?search=scan` in the address; see bench/search.mjs).
import type { TernDB } from '../db/database';
import { indexProgress } from '../domain/search-index/indexer';
import {
  searchIndex,
  type IndexSearchOptions,
  type IndexSearchResult,
  type SearchHit,
} from '../domain/search-index/query';
import { searchMessages } from '../domain/search';

export const progress = indexProgress;

const useScan = () =>
  typeof location !== 'undefined' && new URLSearchParams(location.search).get('search') === 'scan';

export async function search(
  db: TernDB,
  query: string,
  options: IndexSearchOptions,
): Promise<IndexSearchResult> {
  if (!useScan()) return searchIndex(db, query, options);
  const hits: SearchHit[] = [];
  const r = await searchMessages(db, query, {
    ...(options.signal ? { signal: options.signal } : {}),
    onHits: (found) => {
      hits.push(
        ...found.map((h) => ({
          ...h,
          kind: 'message' as const,
          createdAt: 0,
          inTrash: false,
          score: 0,
        })),
      );
      options.onFirst?.([...hits]);
    },
  });
  return { hits, limited: r.limited, problems: [] };
}
