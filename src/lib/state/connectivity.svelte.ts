// Whether the network is there, and how many messages wait for it: the one state behind every
// indicator (the sidebar's, the conversation header's) and behind sending the outbox when the
// network comes back. The count is every tab's: a message another tab queued counts here too.
import { watch } from './watch';
import type { TernDB } from '../db/database';
import { app } from './app.svelte';

class Connectivity {
  #online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  #waiting = $state(0);
  #started = false;

  get online(): boolean {
    return this.#online;
  }

  /** Messages written but not yet handed to a provider. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Follows the network and the outbox from now on; safe to call again. The outbox is counted by
   * `countWaiting`, handed in by the state that starts this (which has the repositories at hand)
   * so that the components importing this module do not pull the repositories into their chunk.
   */
  start(countWaiting: (db: TernDB) => Promise<number>): void {
    if (this.#started || typeof window === 'undefined') return;
    this.#started = true;
    window.addEventListener('online', () => (this.#online = true));
    window.addEventListener('offline', () => (this.#online = false));
    $effect.root(() => {
      $effect(() => {
        const db = app.db;
        if (!db) return;
        const sub = watch(() => countWaiting(db)).subscribe({
          next: (n) => (this.#waiting = n),
          // A closed database (stale tab) ends the query; the count keeps its last value.
          error: () => {},
        });
        return () => sub.unsubscribe();
      });
    });
  }
}

export const connectivity = new Connectivity();
