// The search inside messages as runes state for the sidebar. A query runs 250 ms after the last
// keystroke; every keystroke stops the search under way at once, so only the latest query ever
// reports. Hits arrive a few at a time while older sessions are still being read.
import { searchMessages, SEARCH_LIMIT, type MessageHit } from '../domain/search';
import { isTernError } from '../errors';
import { app } from './app.svelte';

export type { MessageHit } from '../domain/search';
export type { Snippet } from '../domain/text-match';

export const SEARCH_DELAY_MS = 250;

export type SearchStatus = 'idle' | 'searching' | 'done' | 'failed';

export class MessageSearch {
  /** The query the hits are for (trimmed); '' when there is none. */
  query = $state('');
  hits = $state.raw<MessageHit[]>([]);
  status = $state<SearchStatus>('idle');
  /** True when the search stopped at the limit with more messages left. */
  limited = $state(false);
  error = $state.raw<unknown>(null);
  readonly limit = SEARCH_LIMIT;
  #controller: AbortController | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly delay = SEARCH_DELAY_MS) {}

  /** A new query from the search box. */
  set(raw: string): void {
    const query = raw.trim();
    this.#stop();
    if (query === '') {
      this.query = '';
      this.hits = [];
      this.limited = false;
      this.error = null;
      this.status = 'idle';
      return;
    }
    this.status = 'searching';
    this.#timer = setTimeout(() => void this.#run(query), this.delay);
  }

  /** Stops whatever is pending or running; the hits so far stay. */
  stop(): void {
    this.#stop();
    if (this.status === 'searching') this.status = 'done';
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#controller?.abort();
    this.#controller = null;
  }

  async #run(query: string): Promise<void> {
    const db = app.db;
    if (!db) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.query = query;
    this.hits = [];
    this.limited = false;
    this.error = null;
    performance.mark?.('tern:search-start');
    try {
      const result = await searchMessages(db, query, {
        signal: controller.signal,
        onHits: (found) => {
          if (!controller.signal.aborted) this.hits = [...this.hits, ...found];
        },
      });
      if (controller.signal.aborted) return;
      this.limited = result.limited;
      this.status = 'done';
    } catch (e) {
      if (controller.signal.aborted || isTernError(e, 'aborted')) return;
      this.error = e;
      this.status = 'failed';
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
    performance.mark?.('tern:search-done');
  }
}
