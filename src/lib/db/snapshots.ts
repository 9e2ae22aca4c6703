// Pre-upgrade snapshots. Before an upgrade touches a database that holds data, every row of it is
// copied (structured clone: Blobs and all, byte for byte) into a separate database, `tern-backups`,
// that no upgrade of `tern` ever opens. The newest few are kept. A restore writes a snapshot into a
// fresh database at the version it was taken from and lets the normal upgrades run again on open.
import Dexie, { type IndexableTypePart, type Table } from 'dexie';
import { TernError } from '../errors';
import { createDynamicDatabase, DB_NAME } from './database';
import { toTernError } from './errors';
import { probeNativeVersion } from './probe';

/**
 * Snapshots of database `name` live in `${name}-backups` (so `tern-backups` for the app). That
 * name, its stores and their fields were fixed when snapshots were called backups, and stay.
 */
export const snapshotDbName = (name: string): string => `${name}-backups`;
export const SNAPSHOTS_KEPT = 5;
const CHUNK_ROWS = 2000;

export type SnapshotReason = 'pre-upgrade' | 'pre-restore' | 'manual';

export interface SnapshotTable {
  name: string;
  /** Dexie schema string of the store as installed, primary key first. */
  schema: string;
  outbound: boolean;
  rowCount: number;
}

export interface SnapshotMeta {
  id: string;
  createdAt: number;
  reason: SnapshotReason;
  sourceName: string;
  nativeVersion: number;
  appVersion: string;
  tables: SnapshotTable[];
  rowCount: number;
}

interface SnapshotChunk {
  backupId: string;
  table: string;
  chunk: number;
  /** Values for inbound tables; [key, value] pairs for outbound ones. */
  rows: unknown[];
}

interface Factory {
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
}

class SnapshotDB extends Dexie {
  declare backups: Table<SnapshotMeta, string>;
  declare chunks: Table<SnapshotChunk, [string, string, number]>;
  constructor(f: Factory & { name: string }) {
    super(snapshotDbName(f.name), {
      ...(f.indexedDB ? { indexedDB: f.indexedDB } : {}),
      ...(f.IDBKeyRange ? { IDBKeyRange: f.IDBKeyRange } : {}),
    });
    this.version(1).stores({
      backups: 'id, createdAt',
      chunks: '[backupId+table+chunk], backupId',
    });
  }
}

async function withSnapshotDb<T>(
  f: Factory & { name?: string },
  fn: (db: SnapshotDB) => Promise<T>,
): Promise<T> {
  const db = new SnapshotDB({ ...f, name: f.name ?? DB_NAME });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

function schemaOf(table: Table): { schema: string; outbound: boolean } {
  const { primKey, indexes } = table.schema;
  const outbound = !primKey.keyPath;
  const parts = [outbound ? (primKey.auto ? '++' : '') : primKey.src, ...indexes.map((i) => i.src)];
  return { schema: parts.join(','), outbound };
}

/**
 * Copies every row of `name` into the snapshot database. Returns null (and writes nothing) when the
 * database does not exist or holds no rows.
 */
export async function takeSnapshot(
  options: Factory & { name?: string; reason: SnapshotReason; appVersion: string; keep?: number },
): Promise<SnapshotMeta | null> {
  const name = options.name ?? DB_NAME;
  const source = createDynamicDatabase({ ...options, name });
  let meta: SnapshotMeta;
  let chunks: SnapshotChunk[];
  try {
    const factory = options.indexedDB ?? Dexie.dependencies.indexedDB;
    if ((await probeNativeVersion(factory, name)) === 0) return null;
    await source.open();
    const tables = source.tables;
    const id = `backup-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    // One read transaction, so the copy is a consistent point in time even if another tab writes.
    const contents = await source.transaction('r', tables, () =>
      Promise.all(
        tables.map(async (t) => {
          const { schema, outbound } = schemaOf(t);
          const values: unknown[] = await t.toArray();
          const keys: unknown[] = outbound ? await t.toCollection().primaryKeys() : [];
          const rows = outbound ? keys.map((k, i) => [k, values[i]]) : values;
          return { table: { name: t.name, schema, outbound, rowCount: rows.length }, rows };
        }),
      ),
    );
    const rowCount = contents.reduce((n, c) => n + c.rows.length, 0);
    if (rowCount === 0) return null;
    meta = {
      id,
      createdAt: Date.now(),
      reason: options.reason,
      sourceName: name,
      nativeVersion: source.backendDB().version,
      appVersion: options.appVersion,
      tables: contents.map((c) => c.table),
      rowCount,
    };
    chunks = contents.flatMap((c) => {
      const out: SnapshotChunk[] = [];
      for (let i = 0; i * CHUNK_ROWS < c.rows.length; i++) {
        out.push({
          backupId: id,
          table: c.table.name,
          chunk: i,
          rows: c.rows.slice(i * CHUNK_ROWS, (i + 1) * CHUNK_ROWS),
        });
      }
      return out;
    });
  } catch (e) {
    throw new TernError('snapshot-failed', 'Could not read the data to copy it.', toTernError(e));
  } finally {
    source.close();
  }
  try {
    await withSnapshotDb({ ...options, name }, async (bdb) => {
      await bdb.transaction('rw', bdb.backups, bdb.chunks, async () => {
        await bdb.backups.add(meta);
        await bdb.chunks.bulkAdd(chunks);
      });
      await pruneSnapshots(bdb, options.keep ?? SNAPSHOTS_KEPT);
    });
  } catch (e) {
    throw new TernError('snapshot-failed', 'Could not write the snapshot.', toTernError(e));
  }
  return meta;
}

async function pruneSnapshots(bdb: SnapshotDB, keep: number): Promise<void> {
  const all = await bdb.backups.orderBy('createdAt').reverse().toArray();
  const stale = all.slice(keep).map((b) => b.id);
  if (stale.length === 0) return;
  await bdb.transaction('rw', bdb.backups, bdb.chunks, async () => {
    await bdb.backups.bulkDelete(stale);
    await bdb.chunks.where('backupId').anyOf(stale).delete();
  });
}

/** Newest first. */
export async function listSnapshots(
  options: Factory & { name?: string } = {},
): Promise<SnapshotMeta[]> {
  return withSnapshotDb(options, (bdb) => bdb.backups.orderBy('createdAt').reverse().toArray());
}

export async function deleteSnapshot(
  options: Factory & { name?: string },
  id: string,
): Promise<void> {
  await withSnapshotDb(options, (bdb) =>
    bdb.transaction('rw', bdb.backups, bdb.chunks, async () => {
      await bdb.backups.delete(id);
      await bdb.chunks.where('backupId').equals(id).delete();
    }),
  );
}

/**
 * Replaces database `name` with the snapshot `id`, at the version it was taken from. The current
 * contents are backed up first ('pre-restore'), so a restore can itself be undone. Close every
 * connection to `name` in this tab first; other tabs are told through versionchange.
 * Open the app's database afterwards: its upgrades run over the restored rows.
 */
export async function restoreSnapshot(
  options: Factory & { name?: string; appVersion: string },
  id: string,
): Promise<SnapshotMeta> {
  const name = options.name ?? DB_NAME;
  const { meta, chunks } = await withSnapshotDb({ ...options, name }, async (bdb) => {
    const meta = await bdb.backups.get(id);
    if (!meta) throw new TernError('not-found', 'That snapshot no longer exists.');
    const chunks = await bdb.chunks.where('backupId').equals(id).toArray();
    return { meta, chunks };
  });
  await takeSnapshot({ ...options, name, reason: 'pre-restore' });

  const deps = {
    ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
    ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
  };
  await new Dexie(name, deps).delete();
  const target = new Dexie(name, deps);
  try {
    target
      .version(meta.nativeVersion / 10)
      .stores(Object.fromEntries(meta.tables.map((t) => [t.name, t.schema])));
    await target.open();
    await target.transaction('rw', target.tables, async () => {
      for (const t of meta.tables) {
        const rows = chunks
          .filter((c) => c.table === t.name)
          .sort((a, b) => a.chunk - b.chunk)
          .flatMap((c) => c.rows);
        if (rows.length === 0) continue;
        const table = target.table(t.name);
        if (t.outbound) {
          const pairs = rows as [IndexableTypePart, unknown][];
          await table.bulkAdd(
            pairs.map((p) => p[1]),
            pairs.map((p) => p[0]),
          );
        } else await table.bulkAdd(rows);
      }
    });
  } catch (e) {
    throw toTernError(e);
  } finally {
    target.close();
  }
  return meta;
}
