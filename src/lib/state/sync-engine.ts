// The sync loop of the one tab that holds the sync lock: pull what the other devices wrote (from the
// checkpoint in `meta`, batch by batch, each batch applied whole with its checkpoint), push what
// this device wrote (the later clock wins against what the server holds), then wait on the change
// feed until either side has something new. A failure never loses a local change: it stays marked
// unsent until the server has taken it, and the loop tries again after a pause that grows. The
// provider and MCP server lists, with their keys, go through sync-prefs.ts, and only where asked.
import type { TernDB } from '../db/database';
import type { Prefs } from '../db/prefs';
import type { JsonValue } from '../db/rows';
import { applyRecords } from '../domain/sync/incoming';
import { countUnsent, markAllUnsent, markSent } from '../domain/sync/outgoing';
import { unsentPrefsClocks } from '../domain/sync/prefs-records';
import { runSyncBackfill } from '../domain/sync/backfill';
import type { SyncRecord } from '../domain/sync/records';
import * as couch from '../sync/couch';
import { SyncError } from '../sync/errors';
import { fromDoc } from './sync-docs';
import { pushBatch } from './sync-push';
import { isPrefsDoc, PrefsSync, type PrefsOutcome } from './sync-prefs';
import type { SetAsideDoc, SyncPhase, SyncReport } from './sync.svelte';
import { watch } from './watch';

/** Where the change feed was read up to, in `meta`. */
const SINCE_KEY = 'sync:since';
/** Documents from the server that were not applied, in `meta`. */
const ASIDE_KEY = 'sync:aside';
const PULL_BATCH = 200;
const APPLY_BATCH = 100;
const PUSH_BATCH = 250;
const LONGPOLL_MS = 25_000;
const PUSH_DEBOUNCE_MS = 200;
const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
const MAX_ASIDE = 500;

export interface EngineOptions {
  db: TernDB;
  config: couch.CouchConfig;
  key: CryptoKey | null;
  images: boolean;
  /**
   * Where the provider list (with its API keys) and the MCP servers (with their tokens) are kept,
   * when they sync: only where the user asked, and only with a key (encrypted or not at all).
   */
  lists?: Prefs;
  /** This device's id: names its checkpoint on the server. */
  device: string;
  onReport: (report: SyncReport) => void;
}

const turn = () => new Promise<void>((r) => setTimeout(r, 0));

export class SyncEngine {
  readonly #o: EngineOptions;
  #phase: SyncPhase = 'syncing';
  #pending = 0;
  #progress: SyncReport['progress'] = null;
  #error: SyncReport['error'] = null;
  #lastSyncedAt: number | null = null;
  #aside: SetAsideDoc[] = [];
  #stopped = false;
  #paused = false;
  /** Ends the wait on the change feed or a pause between tries: local work, sync now, stop. */
  #wake = new AbortController();
  /** Stops the requests of a round under way: stop and pause (a local write never does). */
  #halt = new AbortController();
  #failures = 0;
  #unwatch: (() => void) | null = null;
  #pushTimer: ReturnType<typeof setTimeout> | null = null;
  #cycle: Promise<void> | null = null;
  /** The lists' side, on a device that syncs them; whether it has started since the engine did. */
  readonly #lists: PrefsSync | null;
  #listsStarted = false;
  #listsApplied = 0;

  constructor(options: EngineOptions) {
    this.#o = options;
    const { db, lists: prefs, config, key } = options;
    this.#lists = prefs && key ? new PrefsSync({ db, prefs, config, key }) : null;
  }

  async start(): Promise<void> {
    const row = await this.#o.db.meta.get(ASIDE_KEY);
    this.#aside = (row?.value as unknown as SetAsideDoc[] | undefined) ?? [];
    const sub = watch(() => countUnsent(this.#o.db)).subscribe({
      next: (n) => {
        const grew = n > this.#pending;
        this.#pending = n;
        this.#report();
        if (grew || n > 0) this.#soon();
      },
      error: () => {},
    });
    this.#unwatch = () => sub.unsubscribe();
    if (typeof window !== 'undefined') window.addEventListener('online', this.#onOnline);
    this.#cycle = this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#halt.abort();
    this.#unwatch?.();
    if (this.#pushTimer) clearTimeout(this.#pushTimer);
    if (typeof window !== 'undefined') window.removeEventListener('online', this.#onOnline);
    this.#wake.abort();
    await this.#cycle?.catch(() => undefined);
  }

  pause(): void {
    this.#paused = true;
    this.#halt.abort();
    this.#wake.abort();
    this.#set('paused');
  }

  resume(): void {
    this.#paused = false;
    this.#halt = new AbortController();
    this.#wake.abort();
  }

  /** Runs a round now and resolves when it is over. */
  async syncNow(): Promise<void> {
    this.#failures = 0;
    this.#wake.abort();
    await turn();
    for (let i = 0; i < 600 && this.#phase === 'syncing'; i++)
      await new Promise((r) => setTimeout(r, 50));
  }

  #onOnline = () => {
    this.#failures = 0;
    this.#wake.abort();
  };

  /** Local changes arrived: push them shortly (several writes in a burst go in one push). */
  #soon(): void {
    if (this.#pushTimer) return;
    this.#pushTimer = setTimeout(() => {
      this.#pushTimer = null;
      this.#wake.abort();
    }, PUSH_DEBOUNCE_MS);
  }

  #report(): void {
    this.#o.onReport({
      phase: this.#phase,
      pending: this.#pending,
      progress: this.#progress,
      error: this.#error,
      lastSyncedAt: this.#lastSyncedAt,
      setAside: this.#aside,
      listsApplied: this.#listsApplied,
    });
  }

  #set(phase: SyncPhase): void {
    this.#phase = phase;
    this.#report();
  }

  async #loop(): Promise<void> {
    await runSyncBackfill(this.#o.db).catch(() => undefined);
    while (!this.#stopped) {
      this.#wake = new AbortController();
      if (this.#paused) {
        this.#set('paused');
        await this.#sleep(null);
        continue;
      }
      try {
        this.#set('syncing');
        await this.#round();
        this.#failures = 0;
        this.#error = null;
        this.#progress = null;
        this.#lastSyncedAt = Date.now();
        this.#set('synced');
        if (this.#stopped || this.#paused) continue;
        // Wait for the other devices (the feed answers as soon as something is written) or for
        // this one (a local change aborts the wait).
        if (this.#wake.signal.aborted) continue;
        await this.#listen();
      } catch (e) {
        if (this.#stopped) return;
        if (e instanceof SyncError && e.code === 'aborted') continue;
        const err = e instanceof SyncError ? e : null;
        this.#error = {
          code: err?.code ?? 'unknown',
          message: e instanceof Error ? e.message : String(e),
        };
        const offline =
          (typeof navigator !== 'undefined' && navigator.onLine === false) ||
          err?.code === 'unreachable';
        this.#set(offline ? 'offline' : 'error');
        const wait = BACKOFF_MS[Math.min(this.#failures, BACKOFF_MS.length - 1)] ?? 30_000;
        this.#failures++;
        await this.#sleep(wait);
      }
    }
  }

  /** Waits `ms` (forever when null) or until woken. */
  #sleep(ms: number | null): Promise<void> {
    const signal = this.#wake.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const t = ms === null ? null : setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        if (t) clearTimeout(t);
        resolve();
      });
    });
  }

  async #round(): Promise<void> {
    try {
      await this.#checkServerKept();
    } catch (e) {
      // The database is gone from a server this device synced with: the server lost its data (or
      // it was deleted). Make it again and send everything; a device that never synced asks first.
      if (!(e instanceof SyncError && e.code === 'db-missing') || (await this.#since()) === '0')
        throw e;
      await couch.createDatabase(this.#o.config, this.#halt.signal);
      await this.#checkServerKept();
    }
    if (this.#lists && !this.#listsStarted) {
      await this.#listsDone(await this.#lists.start(this.#halt.signal));
      this.#listsStarted = true;
    }
    await this.#pull();
    await this.#push();
  }

  async #since(): Promise<string> {
    const row = await this.#o.db.meta.get(SINCE_KEY);
    return typeof row?.value === 'string' ? row.value : '0';
  }

  /**
   * The server keeps this device's checkpoint too. Where the local one says we have read the feed
   * but the server has no trace of us, the server lost its data (or is another one): read it all
   * again and send everything.
   */
  async #checkServerKept(): Promise<void> {
    const since = await this.#since();
    const local = await couch.getLocal(this.#o.config, this.#localId, this.#halt.signal);
    if (since !== '0' && !local) {
      await this.#o.db.meta.delete(SINCE_KEY);
      await markAllUnsent(this.#o.db);
    }
    if (!local)
      await couch.putLocal(this.#o.config, this.#localId, { since: '0' }, this.#halt.signal);
  }

  get #localId(): string {
    return `tern-device-${this.#o.device}`;
  }

  async #pull(): Promise<void> {
    let since = await this.#since();
    const first = since === '0';
    let done = 0;
    let total: number | null = null;
    if (first) {
      const report = await couch.testConnection(this.#o.config, this.#halt.signal);
      if (report.ok) total = report.docCount;
    }
    for (;;) {
      const page = await couch.changes(
        this.#o.config,
        {
          since,
          limit: PULL_BATCH,
          includeDocs: true,
          attachments: this.#o.images,
        },
        this.#halt.signal,
      );
      await this.#apply(page.results, page.lastSeq);
      done += page.results.length;
      since = page.lastSeq;
      if (first && total !== null) {
        this.#progress = { done: Math.min(done, total), total };
        this.#report();
      }
      if (page.results.length < PULL_BATCH) break;
      await turn();
    }
    await couch.putLocal(this.#o.config, this.#localId, { since }, this.#halt.signal);
  }

  /**
   * Applies a page of the change feed in small transactions, the last one moving the checkpoint to
   * `lastSeq` (null: documents read outside the feed, which move nothing).
   */
  async #apply(results: couch.Change[], lastSeq: string | null): Promise<void> {
    const records: SyncRecord[] = [];
    const aside: SetAsideDoc[] = [];
    const lists: couch.CouchDoc[] = [];
    for (const r of results) {
      // Tern's own bookkeeping documents (the encryption check) are not records.
      if (!r.doc || r.id.startsWith('tern-') || r.deleted) continue;
      // The lists with their keys are taken only where the user asked for them.
      if (isPrefsDoc(r.id)) {
        if (this.#lists) lists.push(r.doc);
        continue;
      }
      // With images left out, another device's images stay on the server (and on that device).
      if (!this.#o.images && r.id.startsWith('image|')) continue;
      const got = await fromDoc(r.doc, this.#o.key);
      if (got.kind === 'record') records.push(got.record);
      else aside.push({ id: got.id, reason: got.reason });
    }
    // Before the checkpoint moves past them: a closed tab applies them again.
    if (this.#lists && lists.length > 0) await this.#listsDone(await this.#lists.apply(lists));
    const slices = Math.max(1, Math.ceil(records.length / APPLY_BATCH));
    for (let i = 0; i < slices; i++) {
      const slice = records.slice(i * APPLY_BATCH, (i + 1) * APPLY_BATCH);
      const last = i === slices - 1;
      await applyRecords(this.#o.db, slice, last ? { key: SINCE_KEY, value: lastSeq } : undefined);
      if (!last) await turn();
    }
    if (aside.length > 0) await this.#setAside(aside);
  }

  async #setAside(docs: SetAsideDoc[]): Promise<void> {
    const byId = new Map(this.#aside.map((d) => [d.id, d]));
    for (const d of docs) byId.set(d.id, d);
    this.#aside = [...byId.values()].slice(-MAX_ASIDE);
    await this.#o.db.meta.put({ key: ASIDE_KEY, value: this.#aside as unknown as JsonValue });
    this.#report();
  }

  async #listsDone({ applied, aside }: PrefsOutcome): Promise<void> {
    this.#listsApplied += applied;
    if (aside.length > 0) await this.#setAside(aside);
    else if (applied > 0) this.#report();
  }

  async #push(): Promise<void> {
    // Lists are sent only where the user asked; elsewhere their changes are no longer waiting.
    if (this.#lists) await this.#listsDone(await this.#lists.push(this.#halt.signal));
    else await markSent(this.#o.db, await unsentPrefsClocks(this.#o.db));
    for (;;) {
      const more = await pushBatch(
        { ...this.#o, signal: this.#halt.signal, apply: (theirs) => this.#apply(theirs, null) },
        PUSH_BATCH,
      );
      if (!more) return;
      await turn();
    }
  }

  /** Waits on the change feed; applies what arrives. */
  async #listen(): Promise<void> {
    const since = await this.#since();
    const page = await couch
      .changes(
        this.#o.config,
        {
          since,
          limit: PULL_BATCH,
          includeDocs: true,
          attachments: this.#o.images,
          feed: 'longpoll',
          timeoutMs: LONGPOLL_MS,
        },
        this.#wake.signal,
      )
      .catch((e: unknown) => {
        if (e instanceof SyncError && e.code === 'aborted') return null;
        throw e;
      });
    if (!page || page.results.length === 0) return;
    this.#set('syncing');
    await this.#apply(page.results, page.lastSeq);
    await couch.putLocal(this.#o.config, this.#localId, { since: page.lastSeq });
  }
}
