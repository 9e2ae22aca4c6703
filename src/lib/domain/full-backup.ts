// Whole-database backup and restore with dexie-export-import: every store, Blobs included, read
// and written in chunks with progress. A restore never clears the live tables: the file is first
// imported into a scratch database (a broken file stops there), the live data is snapshotted
// (pre-restore), and only then is the database replaced by the file's, at the file's version; the
// app's own upgrades run over it when it is opened next.
//
// The app-level settings (providers, …: see app-settings.ts) ride at the end of the same file as
// one more top-level field, `ternAppSettings`, which dexie-export-import reads past.
import Dexie from 'dexie';
import { TernError } from '../errors';
import { takeSnapshot } from '../db/snapshots';
import type { TernDB } from '../db/database';
import { DB_NAME } from '../db/database';
import { CURRENT_VERSION } from '../db/schema';
import { toTernError } from '../db/errors';
import { BACKFILL_KEY, LIVE_KEY } from '../db/search-layout';

export type Progress = (done: number, total: number) => void;

const INDEX_TABLES = ['searchDocs', 'searchPostings', 'searchQueue'];

const lib = () => import('dexie-export-import');

const APP_FIELD = 'ternAppSettings';
/** How much of a backup's end is read to find the app settings (they are a few kilobytes). */
const TAIL_BYTES = 4 * 1024 * 1024;

export async function backupDatabase(
  db: TernDB,
  onProgress?: Progress,
  appSettings?: Record<string, unknown>,
): Promise<Blob> {
  const { exportDB } = await lib();
  let blob: Blob;
  try {
    blob = await exportDB(db, {
      // Images make rows large; small chunks keep memory flat.
      numRowsPerChunk: 500,
      progressCallback: (p) => {
        onProgress?.(p.completedRows, p.totalRows ?? 0);
        return true;
      },
    });
  } catch (e) {
    throw new TernError('backup-failed', 'Could not write the backup file.', toTernError(e));
  }
  if (!appSettings || Object.keys(appSettings).length === 0) return blob;
  const last = await blob.slice(-1).text();
  if (last !== '}') throw new TernError('backup-failed', 'Could not write the backup file.');
  return new Blob(
    [blob.slice(0, -1), `,${JSON.stringify(APP_FIELD)}:${JSON.stringify(appSettings)}}`],
    { type: 'application/json' },
  );
}

/**
 * The app settings a backup carries, or null. Inside JSON strings a quote is always escaped, so
 * `,"ternAppSettings":` unescaped can only be the field itself.
 */
export async function readBackupAppSettings(file: Blob): Promise<Record<string, unknown> | null> {
  const tail = await file.slice(Math.max(0, file.size - TAIL_BYTES)).text();
  const at = tail.lastIndexOf(`,${JSON.stringify(APP_FIELD)}:`);
  if (at < 0) return null;
  try {
    const v: unknown = JSON.parse(tail.slice(at + APP_FIELD.length + 4, tail.lastIndexOf('}')));
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export interface RestoreOptions {
  name?: string;
  appVersion: string;
  onProgress?: Progress;
}

/**
 * Replaces the database with a backup file. Close every connection to it in this tab first; open
 * it again afterwards (the upgrades run then).
 */
export async function restoreDatabase(file: Blob, o: RestoreOptions): Promise<void> {
  const { importDB, peakImportFile } = await lib();
  const name = o.name ?? DB_NAME;
  let meta;
  try {
    meta = await peakImportFile(file);
  } catch {
    throw new TernError('invalid-input', 'This is not a Tern backup file.');
  }
  const names = [DB_NAME, name];
  if (
    meta.formatName !== 'dexie' ||
    !names.includes(meta.data.databaseName) ||
    !meta.data.tables.some((t) => t.name === 'workspaces')
  )
    throw new TernError('invalid-input', 'This is not a Tern backup file.');
  if (meta.data.databaseVersion > CURRENT_VERSION)
    throw new TernError('invalid-input', 'This backup was made by a newer version of Tern.');
  const progress = (p: { completedRows: number; totalRows?: number | undefined }) => {
    o.onProgress?.(p.completedRows, p.totalRows ?? 0);
    return true;
  };

  const scratch = `${name}-restore-check`;
  await Dexie.delete(scratch);
  try {
    const check = await importDB(file, { name: scratch });
    // A file cut short can parse without an error, with rows missing: count them.
    const counts = await Promise.all(meta.data.tables.map((t) => check.table(t.name).count()));
    check.close();
    if (meta.data.tables.some((t, i) => counts[i] !== t.rowCount))
      throw new Error('row counts differ from the file header');
  } catch (e) {
    throw new TernError('invalid-input', 'The backup file is damaged; nothing was changed.', e);
  } finally {
    await Dexie.delete(scratch);
  }

  await takeSnapshot({ name, reason: 'pre-restore', appVersion: o.appVersion });
  await Dexie.delete(name);
  try {
    const restored = await importDB(file, { name, progressCallback: progress });
    // The index is rebuilt from what was restored (the file's may be from mid-way through a pass,
    // its rows read in other transactions than the messages'): emptied, and its first pass run.
    const names = restored.tables.map((t) => t.name);
    await restored.transaction('rw', names, async () => {
      for (const t of INDEX_TABLES) if (names.includes(t)) await restored.table(t).clear();
      if (names.includes('meta')) await restored.table('meta').bulkDelete([BACKFILL_KEY, LIVE_KEY]);
    });
    restored.close();
  } catch (e) {
    throw new TernError(
      'backup-failed',
      'The restore failed. A copy of your data from before it is kept in Settings → Storage and can be restored.',
      toTernError(e),
    );
  }
}
