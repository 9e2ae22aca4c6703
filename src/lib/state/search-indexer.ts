// Starts the search indexer when there is something to index, loading its code then: after the
// upgrade or a big import (the first pass unfinished, texts queued), or at this tab's first write.
// Opening the app with a full index does one small read and loads nothing. Another tab may hold
// the indexer already (a Web Lock); this one then waits its turn and searches meanwhile.
import type { TernDB } from '../db/database';
import { searchIndexPending } from '../db/search-layout';
import { onSearchQueued } from '../db/search-queue';
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
  const stopListening = onSearchQueued(() => {
    stopListening();
    start(db);
  });
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
