// The background indexer: one per browser profile (a Web Lock), so two tabs never write the index
// at once; any tab searches. It empties the queue shortly after each write (this tab's, or another
// tab's, heard through a BroadcastChannel), then goes on with the first pass over the history a
// block at a time, giving the page a turn between reads so no task runs long. When all is indexed
// it sleeps until the next write: opening the app with a full index costs one read of the queue.
import { onSearchQueued, SEARCH_CHANNEL } from '../../db/search-queue';
import type { TernDB } from '../../db/database';
import { ro } from '../tx';
import { backfillBlock, defaultPause, readBackfill, type Pause } from './backfill';
import { flushQueue } from './writer';

export const INDEXER_LOCK = 'tern-search-indexer';
/** How long after a write the queue is emptied: writes in a burst are indexed together. */
export const FLUSH_DELAY_MS = 150;
/** Checked now and then too, in case a message from another tab was missed. */
const POLL_MS = 5000;

export interface IndexProgress {
  /** Texts of the history indexed by the first pass, and how many there were. */
  indexed: number;
  total: number;
  /** Texts written since and not yet indexed. */
  queued: number;
  /** The first pass is over. */
  done: boolean;
}

export async function indexProgress(db: TernDB): Promise<IndexProgress> {
  return ro(db, [db.meta, db.searchQueue], async () => {
    const [state, queued] = await Promise.all([readBackfill(db), db.searchQueue.count()]);
    return {
      indexed: state?.indexed ?? 0,
      total: state?.total ?? 0,
      queued,
      done: state?.done ?? false,
    };
  });
}

export interface Indexer {
  stop(): void;
  /** Resolves when nothing is left to index (tests, benchmarks). */
  idle(): Promise<void>;
  /** Runs the pass again from the start (after a repair). */
  wake(): void;
}

export function startIndexer(
  db: TernDB,
  options: { pause?: Pause; onProgress?: () => void } = {},
): Indexer {
  const pause = options.pause ?? defaultPause;
  const stopper = new AbortController();
  let wakeUp: (() => void) | null = null;
  let idleWaiters: (() => void)[] = [];
  let idle = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wake = () => {
    idle = false;
    clearTimeout(timer);
    timer = setTimeout(() => wakeUp?.(), FLUSH_DELAY_MS);
  };
  const unlisten = onSearchQueued(wake);
  const channel =
    typeof BroadcastChannel === 'function' ? new BroadcastChannel(SEARCH_CHANNEL) : null;
  if (channel) channel.onmessage = wake;

  const sleep = () =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, POLL_MS);
    });

  const loop = async () => {
    while (!stopper.signal.aborted) {
      try {
        while (!stopper.signal.aborted && (await flushQueue(db)) > 0) {
          options.onProgress?.();
          await pause();
        }
        if (stopper.signal.aborted) return;
        if (await backfillBlock(db, { pause, signal: stopper.signal })) {
          options.onProgress?.();
          continue;
        }
      } catch (e) {
        // The database closed (another version, a deleted database): nothing more to do here.
        if (db.isOpen()) console.warn('Search indexing paused', e);
        else return;
      }
      idle = true;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
      options.onProgress?.();
      await sleep();
    }
  };

  performance.mark?.('tern:indexer-start');
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks)
    void locks.request(INDEXER_LOCK, { signal: stopper.signal }, loop).catch(() => undefined);
  else void loop();

  return {
    stop() {
      stopper.abort();
      clearTimeout(timer);
      wakeUp?.();
      unlisten();
      channel?.close();
    },
    idle() {
      if (idle && !stopper.signal.aborted)
        return indexProgress(db).then((p) =>
          p.queued === 0 && p.done
            ? undefined
            : new Promise<void>((r) => {
                idleWaiters.push(r);
                wake();
              }),
        );
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    wake,
  };
}
