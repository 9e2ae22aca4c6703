// Starts the search indexer when there is something to index, loading its code then: after the
// upgrade or a big import (the first pass unfinished, texts queued), or at this tab's first write.
// Opening the app with a full index does one small read and loads nothing. Another tab may hold
// the indexer already (a Web Lock); this one then waits its turn and searches meanwhile.
import type { TernDB } from '../db/database';
import { searchIndexPending } from '../db/search-layout';
import { onSearchQueued, SEARCH_CHANNEL } from '../db/search-queue';
import type { Indexer } from '../domain/search-index/indexer';

let started = false;

function start(db: TernDB): void {
  if (started) return;
  started = true;
  void import('../domain/search-index/indexer').then(({ startIndexer }) => {
    const indexer = startIndexer(db);
    // For benchmarks and end-to-end tests, which wait for the index to be complete.
    (globalThis as { __ternIndexer?: Indexer }).__ternIndexer = indexer;
  });
}

export function startSearchIndexer(db: TernDB): void {
  // A write here, or one announced by another tab or by the import worker (whose writes queue
  // texts in its own context), starts the indexer.
  const channel =
    typeof BroadcastChannel === 'function' ? new BroadcastChannel(SEARCH_CHANNEL) : null;
  const stopListening = onSearchQueued(() => begin());
  const begin = () => {
    stopListening();
    channel?.close();
    start(db);
  };
  if (channel) channel.onmessage = begin;
  const idle = (globalThis as { requestIdleCallback?: (f: () => void, o?: object) => void })
    .requestIdleCallback;
  const check = () =>
    void searchIndexPending(db).then(
      (pending) => pending && start(db),
      () => undefined,
    );
  if (idle) idle(check, { timeout: 3000 });
  else setTimeout(check, 500);
}
