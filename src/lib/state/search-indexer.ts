// Starts the search indexer once the app is up and the page is idle, loading its code then: the
// start-up itself does no indexing work. Another tab may hold the indexer already; this one then
// waits its turn (a Web Lock) and searches meanwhile.
import type { TernDB } from '../db/database';
import type { Indexer } from '../domain/search-index/indexer';

let running: Indexer | null = null;

/** Resolves with the indexer once started (benchmarks and tests wait on it). */
export let indexerStarted: Promise<Indexer> | null = null;

export function startSearchIndexer(db: TernDB): void {
  if (running || indexerStarted) return;
  indexerStarted = new Promise((resolve) => {
    const go = () =>
      void import('../domain/search-index/indexer').then(({ startIndexer }) => {
        running = startIndexer(db);
        (globalThis as { __ternIndexer?: Indexer }).__ternIndexer = running;
        resolve(running);
      });
    const idle = (globalThis as { requestIdleCallback?: (f: () => void, o?: object) => void })
      .requestIdleCallback;
    if (idle) idle(go, { timeout: 3000 });
    else setTimeout(go, 1000);
  });
}
