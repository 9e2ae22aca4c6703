// Opening the database safely. In order:
// 1. IndexedDB missing or refusing writes (some private modes): an in-memory database, and the
//    caller says nothing will be kept.
// 2. The stored database is newer than this code: open it without declaring a schema (so nothing
//    is patched) behind a middleware that refuses every write.
// 3. It is older and holds data: snapshot it into the snapshot database, then open, which upgrades.
//    Another tab on old code may hold it open (`blocked`): we say so and the open simply waits.
// 4. After an upgrade, every upgrade that ran must have left its marker, or we refuse to go on.
// Once open, a `versionchange` (a newer tab, or the database being deleted) closes this connection
// for good: no silent reopen onto a layout this code does not know.
import Dexie from 'dexie';
import { TernError } from '../errors';
import type { SnapshotMeta } from './snapshots';
import type { TernDB } from './database';
import { createDatabase, createDynamicDatabase, DB_NAME } from './database';
import { toTernError } from './errors';
import { indexedDbWorks, probeNativeVersion } from './probe';
import { readOnlyMiddleware } from './read-only';
import { SCHEMA_HISTORY, toNativeVersion, upgradeMarkerKey, type SchemaVersion } from './schema';

export interface LifecycleHandlers {
  /** An upgrade is about to run (from and to are schema versions). */
  onUpgrading?(from: number, to: number): void;
  /** Another tab holds an older version open; the open waits until it closes. */
  onBlocked?(): void;
  /** This tab's code is now older than the database (or it was deleted): closed for good. */
  onVersionChange?(newVersion: number | null): void;
  /** The connection was closed from outside (browser, devtools, storage cleared). */
  onClosed?(): void;
}

export interface OpenOptions {
  name?: string;
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  history?: readonly SchemaVersion[];
  appVersion: string;
  handlers?: LifecycleHandlers;
  /** Provides an in-memory IndexedDB when the real one is unusable. */
  memoryFallback?: () => Promise<{ indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange }>;
}

export type OpenResult =
  | { kind: 'ready'; db: TernDB; upgradedFrom: number | null; snapshot: SnapshotMeta | null }
  | { kind: 'read-only'; db: TernDB; storedVersion: number; codeVersion: number }
  | { kind: 'memory'; db: TernDB };

function watch(db: TernDB, handlers: LifecycleHandlers): void {
  db.on('versionchange', (ev) => {
    db.close({ disableAutoOpen: true });
    handlers.onVersionChange?.(ev.newVersion ? ev.newVersion / 10 : null);
    return false;
  });
  db.on('close', () => handlers.onClosed?.());
}

async function withOpenLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return fn();
  return locks.request(`${name}:open`, fn);
}

export async function openTern(options: OpenOptions): Promise<OpenResult> {
  const name = options.name ?? DB_NAME;
  const handlers = options.handlers ?? {};
  const history = options.history ?? SCHEMA_HISTORY;
  const codeVersion = history[history.length - 1]?.version ?? 0;
  const factory = options.indexedDB ?? (typeof indexedDB !== 'undefined' ? indexedDB : undefined);

  if (!(await indexedDbWorks(factory))) {
    if (!options.memoryFallback)
      throw new TernError('storage-unavailable', 'This browser does not let Tern store data.');
    const mem = await options.memoryFallback();
    // liveQuery runs only where Dexie found an indexedDB when it loaded: give it this one.
    if (!Dexie.dependencies.indexedDB) {
      Dexie.dependencies.indexedDB = mem.indexedDB;
      Dexie.dependencies.IDBKeyRange = mem.IDBKeyRange;
    }
    const db = createDatabase({ name, history, ...mem });
    await db.open();
    return { kind: 'memory', db };
  }
  const deps = { name, indexedDB: factory, IDBKeyRange: options.IDBKeyRange };

  return withOpenLock(name, async () => {
    const stored = await probeNativeVersion(factory as IDBFactory, name);
    const target = toNativeVersion(codeVersion);

    if (stored > target) {
      const db = createDynamicDatabase({ ...deps, readOnly: true });
      db.use(readOnlyMiddleware);
      watch(db, handlers);
      await db.open().catch((e: unknown) => {
        throw toTernError(e);
      });
      db.exposeTables();
      return { kind: 'read-only', db, storedVersion: stored / 10, codeVersion };
    }

    let snapshot: SnapshotMeta | null = null;
    const upgrading = stored > 0 && stored < target;
    if (upgrading) {
      handlers.onUpgrading?.(stored / 10, codeVersion);
      // Loaded only for an upgrade: an everyday start does not carry the snapshot code.
      const { takeSnapshot } = await import('./snapshots');
      snapshot = await takeSnapshot({
        ...deps,
        reason: 'pre-upgrade',
        appVersion: options.appVersion,
      });
    }

    const db = createDatabase({ ...deps, history });
    db.on('blocked', () => handlers.onBlocked?.());
    watch(db, handlers);
    try {
      await db.open();
    } catch (e) {
      const err = toTernError(e);
      if (upgrading && err.code === 'unknown')
        throw new TernError('upgrade-failed', 'Updating your data failed; nothing was changed.', e);
      throw err;
    }

    if (upgrading) {
      const ran = history.filter((v) => v.upgrade && toNativeVersion(v.version) > stored);
      const markers = await db.meta.bulkGet(ran.map((v) => upgradeMarkerKey(v.version)));
      const missing = ran.filter((_, i) => !markers[i]).map((v) => v.version);
      if (missing.length > 0) {
        db.close();
        throw new TernError(
          'upgrade-incomplete',
          `The update to data version ${missing.join(', ')} did not finish. Restore the copy kept before it (Settings → Storage).`,
        );
      }
    }
    return { kind: 'ready', db, upgradedFrom: upgrading ? stored / 10 : null, snapshot };
  });
}
