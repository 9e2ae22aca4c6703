// Version 3, 2026-12-04 — a search index beside the messages. Never edit this file once shipped.
//
// What changed:
// - searchDocs: one row per indexed message or session title, keyed by a document number (`doc`),
//   with `key` (the message id, or `title:` and the session id) indexed to find a text's row again.
//   Document numbers encode recency: the background indexer counts down from 2^31 through the
//   history (newest sessions first), later writes count up from 2^31.
// - searchPostings: for each word and each range of 16,384 document numbers, the sorted numbers of
//   the documents holding it (a Uint32Array), keyed [term+block]. A word's rows are read by a key
//   range, a prefix's too; one message touches one row per distinct word.
// - searchQueue: texts written since they were last indexed, keyed like searchDocs.key. Every
//   write to a message or a session is queued in its own transaction (db/search-queue.ts), so the
//   index can never silently miss a change; the indexer empties the queue shortly after.
// - The upgrade adds nothing but the empty stores: the index is filled in the background after the
//   open, from a watermark in `meta` (`search:state`), so a closed tab resumes where it stopped.
import type { SchemaVersion } from './types';

export const v3: SchemaVersion = {
  version: 3,
  date: '2026-12-04',
  notes: [
    'Search index: documents, postings by [term+block], and a queue of texts written since indexed.',
    'Created empty; filled in the background after the open from a durable watermark.',
  ],
  stores: {
    searchDocs: 'doc, key',
    searchPostings: '[term+block]',
    searchQueue: 'key',
  },
  async upgrade() {
    // Nothing to move: the stores start empty and the indexer fills them after the open.
  },
};
