// The search as runes state for the sidebar. A query runs a moment after the last keystroke; every
// keystroke stops the search under way at once, so only the latest query ever reports. The query
// code (and the index's) loads with the first search, not with the app. Filters and the query are
// kept in the URL hash, so a search can be bookmarked.
import type { IndexProgress } from '../domain/search-index/indexer';
import type { SearchFilters, SearchHit } from '../domain/search-index/query';
import type { QueryProblem } from '../domain/search-index/tokens';
import { isTernError } from '../errors';
import { app } from './app.svelte';
import { NO_FILTERS } from '../domain/search-index/filters';
import { filtersFromHash, hashOf } from './search-hash';

/** A hit in the sidebar's list. */
export type MessageHit = SearchHit;

export const SEARCH_DELAY_MS = 120;
/** While the history is being indexed, how often the sidebar says how far it has got. */
const PROGRESS_MS = 1000;

export type SearchStatus = 'idle' | 'searching' | 'done' | 'failed';

const engine = () => import('./search-engine');

export class MessageSearch {
  /** The query the hits are for (trimmed); '' when there is none. */
  #query = $state('');
  #hits = $state.raw<SearchHit[]>([]);
  #status = $state<SearchStatus>('idle');
  /** True when more may match than were looked at. */
  #limited = $state(false);
  #problems = $state.raw<QueryProblem[]>([]);
  #error = $state.raw<unknown>(null);
  #filters = $state.raw<SearchFilters>(NO_FILTERS);
  #progress = $state.raw<IndexProgress | null>(null);

  get query() {
    return this.#query;
  }
  get hits() {
    return this.#hits;
  }
  get status() {
    return this.#status;
  }
  get limited() {
    return this.#limited;
  }
  get problems() {
    return this.#problems;
  }
  get error() {
    return this.#error;
  }
  get filters() {
    return this.#filters;
  }
  get progress() {
    return this.#progress;
  }

  #raw = '';
  #controller: AbortController | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #progressTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly delay = SEARCH_DELAY_MS) {}

  /** A new query from the search box. */
  set(raw: string): void {
    this.#raw = raw;
    const query = raw.trim();
    this.#stop();
    if (query === '') {
      this.#query = '';
      this.#hits = [];
      this.#limited = false;
      this.#problems = [];
      this.#error = null;
      this.#status = 'idle';
      this.#watchProgress(false);
      return;
    }
    this.#status = 'searching';
    this.#timer = setTimeout(() => void this.#run(query), this.delay);
  }

  /** New filters: the current query runs again at once. */
  setFilters(filters: SearchFilters): void {
    this.#filters = filters;
    if (this.#raw.trim() !== '') {
      this.#stop();
      this.#status = 'searching';
      void this.#run(this.#raw.trim());
    }
  }

  /** The query and filters as a URL hash ('' for none). */
  get hash(): string {
    return hashOf(this.#raw.trim(), this.#filters);
  }

  /** Query and filters from a URL hash; the query is returned for the search box. */
  fromHash(hash: string): string | null {
    const parsed = filtersFromHash(hash);
    if (!parsed) return null;
    this.#filters = parsed.filters;
    return parsed.query;
  }

  /** Stops whatever is pending or running; the hits so far stay. */
  stop(): void {
    this.#stop();
    this.#watchProgress(false);
    if (this.#status === 'searching') this.#status = 'done';
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#controller?.abort();
    this.#controller = null;
  }

  // While the first pass runs, the count of what is indexed is refreshed now and then.
  #watchProgress(on: boolean): void {
    if (!on) {
      clearInterval(this.#progressTimer);
      this.#progressTimer = undefined;
      return;
    }
    if (this.#progressTimer !== undefined) return;
    this.#progressTimer = setInterval(() => void this.#readProgress(), PROGRESS_MS);
  }

  async #readProgress(): Promise<void> {
    const db = app.db;
    if (!db) return;
    try {
      const p = await (await engine()).progress(db);
      const before = this.#progress;
      this.#progress = p;
      this.#watchProgress(!(p.done && p.queued === 0));
      // More of the history is indexed: the hits are brought up to date, in place.
      const grew = before !== null && (p.indexed !== before.indexed || p.done !== before.done);
      if (grew && this.#status === 'done' && this.#query !== '' && !this.#controller)
        void this.#run(this.#query, true);
    } catch {
      this.#watchProgress(false);
    }
  }

  /** `quiet`: the same query again, the first hits not shown before the ranked ones. */
  async #run(query: string, quiet = false): Promise<void> {
    const db = app.db;
    if (!db) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#query = query;
    // The hits shown stay until the new ones are known: no flicker while typing, and a hit that
    // is in both keeps its place (and focus).
    this.#error = null;
    performance.mark?.('tern:search-start');
    try {
      const { search } = await engine();
      const result = await search(db, query, {
        filters: this.#filters,
        signal: controller.signal,
        onFirst: (hits) => {
          if (!controller.signal.aborted && !quiet) this.#hits = hits;
        },
      });
      if (controller.signal.aborted) return;
      this.#hits = result.hits;
      this.#limited = result.limited;
      this.#problems = result.problems;
      this.#status = 'done';
      void this.#readProgress();
    } catch (e) {
      if (controller.signal.aborted || isTernError(e, 'aborted')) return;
      this.#error = e;
      this.#status = 'failed';
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
    performance.mark?.('tern:search-done');
  }
}
