// The app's connection to its data: opening the database through the lifecycle, and what the user
// must be told about it (upgrading, blocked by another tab, stale tab, read-only, not kept).
import { openTern } from '../db/lifecycle';
import { SYNC_BACKFILL_KEY } from '../db/sync-clock';
import type { TernDB } from '../db/database';
import type { SnapshotMeta } from '../db/snapshots';
import { toTernError } from '../db/errors';
import type { TernError } from '../errors';
import { events } from './events';
import { startSearchIndexer } from './search-indexer';

export type DbStatus =
  | { kind: 'opening' }
  | { kind: 'upgrading'; from: number; to: number }
  | { kind: 'blocked' }
  | { kind: 'ready' }
  | { kind: 'read-only'; storedVersion: number; codeVersion: number }
  | { kind: 'memory' }
  | { kind: 'stale'; deleted: boolean }
  | { kind: 'failed'; error: TernError };

class AppState {
  #status = $state<DbStatus>({ kind: 'opening' });
  #db = $state.raw<TernDB | null>(null);
  #lastSnapshot = $state.raw<SnapshotMeta | null>(null);

  get status(): DbStatus {
    return this.#status;
  }
  get db(): TernDB | null {
    return this.#db;
  }
  /** The snapshot taken before this start's upgrade, if there was one. */
  get lastSnapshot(): SnapshotMeta | null {
    return this.#lastSnapshot;
  }

  get writable(): boolean {
    return this.#status.kind === 'ready' || this.#status.kind === 'memory';
  }

  /** Works on a database opened elsewhere (tests and tools), or on none. */
  use(db: TernDB | null): void {
    this.#db = db;
  }

  async open(name?: string): Promise<void> {
    try {
      const result = await openTern({
        ...(name ? { name } : {}),
        appVersion: __APP_VERSION__,
        handlers: {
          onUpgrading: (from, to) => (this.#status = { kind: 'upgrading', from, to }),
          onBlocked: () => (this.#status = { kind: 'blocked' }),
          onVersionChange: (v) => {
            // The listeners start their writes now, before the database closes.
            void events.emit('flush');
            this.#status = { kind: 'stale', deleted: v === null };
          },
        },
        memoryFallback: async () => {
          const m = await import('fake-indexeddb');
          return { indexedDB: new m.IDBFactory(), IDBKeyRange: m.IDBKeyRange };
        },
      });
      this.#db = result.db;
      if (result.kind === 'ready') {
        this.#lastSnapshot = result.snapshot;
        this.#status = { kind: 'ready' };
        startSearchIndexer(result.db);
        startClockStamping(result.db);
      } else if (result.kind === 'read-only') {
        this.#status = {
          kind: 'read-only',
          storedVersion: result.storedVersion,
          codeVersion: result.codeVersion,
        };
      } else this.#status = { kind: 'memory' };
    } catch (e) {
      this.#status = { kind: 'failed', error: toTernError(e) };
    }
  }
}

/**
 * Gives every record written before sync existed its clock (schema v5), after the first screen and
 * in the background; a later start resumes from the watermark, and does nothing once it is done.
 */
function startClockStamping(db: TernDB): void {
  // Most starts have nothing to stamp: the stamping code loads only when there is.
  const run = () =>
    void db.meta
      .get(SYNC_BACKFILL_KEY)
      .then(async (row) => {
        if ((row?.value as { done?: boolean } | undefined)?.done) return;
        await (await import('../domain/sync/backfill')).runSyncBackfill(db);
      })
      .catch(() => undefined);
  const idle = (globalThis as { requestIdleCallback?: (f: () => void, o?: object) => void })
    .requestIdleCallback;
  if (idle) idle(run, { timeout: 5000 });
  else setTimeout(run, 1000);
}

export const app = new AppState();
