// The sync engine's entry points, loaded only when sync is switched on (see sync.svelte.ts).
import type { TernDB } from '../db/database';
import type { SyncReport, SyncRunner, SyncSettings, SyncTestResult } from './sync.svelte';

export async function testSettings(settings: SyncSettings): Promise<SyncTestResult> {
  void settings;
  throw new Error('sync engine not built yet');
}

export async function createRemoteDatabase(settings: SyncSettings): Promise<void> {
  void settings;
  throw new Error('sync engine not built yet');
}

export async function forgetKey(): Promise<void> {}

export async function startSync(
  db: TernDB,
  settings: SyncSettings,
  passphrase: string | undefined,
  report: (r: SyncReport) => void,
): Promise<SyncRunner> {
  void db;
  void settings;
  void passphrase;
  void report;
  throw new Error('sync engine not built yet');
}
