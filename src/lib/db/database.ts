// The Dexie database and its factory. This file and its neighbours in lib/db are the only code that
// knows store names and index strings. Every instance is made by createDatabase so that tests, the
// migration harness and the app each get their own, pointed at whichever IndexedDB they give.
import Dexie, { type EntityTable, type Table } from 'dexie';
import type {
  BranchMessageRow,
  CommandUsageRow,
  CompactionEventRow,
  ImageRow,
  MessageArchiveRow,
  MessageRow,
  MetaRow,
  SearchDocRow,
  SearchPostingRow,
  SearchQueueRow,
  SessionRow,
  SessionSettingsRow,
  SyncClockRow,
  WorkspaceRow,
} from './rows';
import { SCHEMA_HISTORY, upgradeMarkerKey, type SchemaVersion } from './schema';
import { searchQueueMiddleware } from './search-queue';
import { CLOCKS, SYNC_BACKFILL_KEY, syncClockMiddleware } from './sync-clock';
import { asJson, BACKFILL_KEY, emptyBackfill } from './search-layout';

export const DB_NAME = 'tern';
export const DEFAULT_WORKSPACE_ID = 'default';
export const DEFAULT_WORKSPACE_NAME = 'My workspace';

export class TernDB extends Dexie {
  declare workspaces: EntityTable<WorkspaceRow, 'id'>;
  declare sessions: EntityTable<SessionRow, 'id'>;
  declare messages: EntityTable<MessageRow, 'id'>;
  declare branchMessages: EntityTable<BranchMessageRow, 'id'>;
  declare images: EntityTable<ImageRow, 'id'>;
  declare sessionSettings: EntityTable<SessionSettingsRow, 'sessionId'>;
  declare commandUsage: EntityTable<CommandUsageRow, 'command'>;
  declare compactionEvents: EntityTable<CompactionEventRow, 'id'>;
  declare messageArchive: Table<MessageArchiveRow, [string, string]>;
  declare meta: EntityTable<MetaRow, 'key'>;
  declare searchDocs: EntityTable<SearchDocRow, 'doc'>;
  declare searchPostings: Table<SearchPostingRow, [string, number]>;
  declare searchQueue: EntityTable<SearchQueueRow, 'key'>;
  declare syncClocks: EntityTable<SyncClockRow, 'key'>;
  /** True when opened on a database newer than this code: every write is refused. */
  readonly readOnly: boolean;

  constructor(name: string, options: DatabaseOptions & { readOnly?: boolean }) {
    super(name, {
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
    });
    this.readOnly = options.readOnly ?? false;
  }

  /** Dexie gives a dynamically opened database no table properties; give it ours. */
  exposeTables(): void {
    for (const table of this.tables) {
      if ((this as unknown as Record<string, unknown>)[table.name] === undefined)
        Object.defineProperty(this, table.name, {
          value: table,
          configurable: true,
          writable: true,
        });
    }
  }
}

export interface DatabaseOptions {
  name?: string;
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  /** The schema history to declare; tests pass a longer one to try a future version. */
  history?: readonly SchemaVersion[];
}

/** Declares every version in the history, each upgrade ending with its completion marker. */
export function createDatabase(options: DatabaseOptions = {}): TernDB {
  const db = new TernDB(options.name ?? DB_NAME, options);
  for (const v of options.history ?? SCHEMA_HISTORY) {
    const version = db.version(v.version).stores({ ...v.stores });
    const upgrade = v.upgrade;
    if (upgrade) {
      version.upgrade(async (tx) => {
        await upgrade(tx);
        // Written last: if an upgrade let its transaction commit early (by awaiting something that
        // is not IndexedDB) this write fails, the marker is missing, and open() reports it.
        await tx.table('meta').put({
          key: upgradeMarkerKey(v.version),
          value: { completedAt: Date.now() },
        });
      });
    }
  }
  db.use(searchQueueMiddleware);
  db.use(syncClockMiddleware);
  db.on('populate', (tx) => {
    const now = Date.now();
    // An empty library has nothing to index: the first pass is over before it begins.
    if (tx.storeNames.includes('meta'))
      void tx.table('meta').put({ key: BACKFILL_KEY, value: asJson(emptyBackfill(now)) });
    // Nor anything written before sync to stamp: every record from now on is stamped as written.
    if (tx.storeNames.includes(CLOCKS))
      void tx
        .table('meta')
        .put({ key: SYNC_BACKFILL_KEY, value: { done: true, table: 0, after: null } });
    void tx.table('workspaces').add({
      id: DEFAULT_WORKSPACE_ID,
      name: DEFAULT_WORKSPACE_NAME,
      createdAt: now,
      updatedAt: now,
    });
  });
  return db;
}

/**
 * A database opened without declaring any version: Dexie reads whatever layout is installed and
 * never changes it. Used to read a database this code does not own (backups, a newer version).
 */
export function createDynamicDatabase(
  options: DatabaseOptions & { readOnly?: boolean } = {},
): TernDB {
  return new TernDB(options.name ?? DB_NAME, options);
}
