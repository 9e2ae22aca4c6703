// A read that follows the database at a steady pace instead of after every write. A liveQuery runs
// again after each committed write that touches what it read; for a figure whose cost grows with the
// library (counting every session of a workspace), that is once per imported chunk. This one runs
// again at most once per `everyMs` after writes to the named tables, in this tab or another.
import Dexie, { type ObservabilitySet } from 'dexie';
import { createSubscriber } from 'svelte/reactivity';

export interface Paced<T> {
  readonly current: T | undefined;
}

/** Whether a change set names a table of the database (Dexie's parts are `idb://db/table/index`). */
export function touches(parts: ObservabilitySet, dbName: string, tables: readonly string[]) {
  const prefixes = tables.map((t) => `idb://${dbName}/${t}/`);
  return Object.keys(parts).some((p) => prefixes.some((x) => p.startsWith(x)));
}

/**
 * Runs `query` now, then again at most once per `everyMs` after writes to `tables`, handing each
 * answer to `onValue`; returns the way to stop.
 */
export function followPaced<T>(
  dbName: string,
  tables: readonly string[],
  query: () => Promise<T>,
  everyMs: number,
  onValue: (v: T) => void,
): () => void {
  let stopped = false;
  let running = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastRun = 0;
  const schedule = () => {
    if (timer !== undefined || stopped) return;
    const wait = Math.max(0, lastRun + everyMs - performance.now());
    timer = setTimeout(() => void run(), wait);
  };
  const run = async () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = true;
    lastRun = performance.now();
    try {
      const v = await query();
      if (!stopped) onValue(v);
    } catch {
      // A failed read keeps the last answer shown; the next write asks again.
    } finally {
      running = false;
      if (again && !stopped) {
        again = false;
        schedule();
      }
    }
  };
  const onChange = (parts: ObservabilitySet) => {
    if (touches(parts, dbName, tables)) schedule();
  };
  Dexie.on('storagemutated', onChange);
  void run();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    Dexie.on.storagemutated.unsubscribe(onChange);
  };
}

/** followPaced as a rune: read `.current` in an effect to follow. */
export function paced<T>(
  dbName: string,
  tables: readonly string[],
  query: () => Promise<T>,
  everyMs: number,
): Paced<T> {
  let value = $state<T | undefined>(undefined);
  const subscribe = createSubscriber(() =>
    followPaced(dbName, tables, query, everyMs, (v) => (value = v)),
  );
  return {
    get current() {
      subscribe();
      return value;
    },
  };
}
