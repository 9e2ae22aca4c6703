// Settings → Storage: how much space Tern uses, whether the browser keeps it for good, the
// integrity check and its repair, and the snapshots taken before upgrades.
import { checkIntegrity, repairCounters, type IntegrityReport } from '../db/integrity';
import { listSnapshots, restoreSnapshot, type SnapshotMeta } from '../db/snapshots';
import { toTernError } from '../db/errors';
import { app } from './app.svelte';

export interface Estimate {
  usage: number;
  quota: number;
}

export type { IntegrityReport, SnapshotMeta };

export async function storageEstimate(): Promise<Estimate | null> {
  if (!navigator.storage?.estimate) return null;
  const e = await navigator.storage.estimate();
  return { usage: e.usage ?? 0, quota: e.quota ?? 0 };
}

export async function runIntegrityCheck(): Promise<IntegrityReport> {
  if (!app.db) throw toTernError(new Error('closed'));
  return checkIntegrity(app.db);
}

const indexCheck = () => import('../domain/search-index/verify');

/** The search index against the messages (its code loads on request). */
export async function checkSearchIndex() {
  if (!app.db) throw toTernError(new Error('closed'));
  return (await indexCheck()).verifySearchIndex(app.db);
}

/** Rebuilds the search index in the background. */
export async function rebuildSearchIndex(): Promise<void> {
  if (!app.db) throw toTernError(new Error('closed'));
  await (await indexCheck()).rebuildSearchIndex(app.db);
}

export async function repair(): Promise<number> {
  if (!app.db) throw toTernError(new Error('closed'));
  return repairCounters(app.db);
}

export function snapshots(): Promise<SnapshotMeta[]> {
  return listSnapshots();
}

/** Restores a snapshot: closes this tab's connection, writes it back, then reloads the app. */
export async function restore(id: string): Promise<void> {
  app.db?.close();
  await restoreSnapshot({ appVersion: __APP_VERSION__ }, id);
  location.reload();
}
