// A stand-in for the sync engine (state/sync-runner.ts) in the UI's tests: each test says what the
// server answers and pushes the reports the engine would send, and sees what the UI asked of it.
import { vi } from 'vitest';
import type {
  SyncReport,
  SyncRunner,
  SyncSettings,
  SyncTestResult,
} from '../../../src/lib/state/sync.svelte';

export const IDLE: SyncReport = {
  phase: 'synced',
  pending: 0,
  progress: null,
  error: null,
  lastSyncedAt: null,
  setAside: [],
  listsApplied: 0,
};

let send: ((r: SyncReport) => void) | null = null;

export const runner = {
  stop: vi.fn<SyncRunner['stop']>(async () => {}),
  pause: vi.fn<SyncRunner['pause']>(),
  resume: vi.fn<SyncRunner['resume']>(),
  syncNow: vi.fn<SyncRunner['syncNow']>(async () => {}),
};

export const engine = {
  testSettings: vi.fn<(s: SyncSettings) => Promise<SyncTestResult>>(),
  createRemoteDatabase: vi.fn<(s: SyncSettings) => Promise<void>>(async () => {}),
  forgetKey: vi.fn<() => Promise<void>>(async () => {}),
  stampLists: vi.fn<(db: unknown) => Promise<void>>(async () => {}),
  startSync: vi.fn(
    (
      _db: unknown,
      _settings: SyncSettings,
      _passphrase: string | undefined,
      report: (r: SyncReport) => void,
    ): Promise<SyncRunner> => {
      send = report;
      report(IDLE);
      return Promise.resolve(runner);
    },
  ),
};

/** What the engine would report next; starts from a quiet, synced state. */
export function report(r: Partial<SyncReport>): void {
  if (!send) throw new Error('sync was not started');
  send({ ...IDLE, ...r });
}

export function resetEngine(): void {
  send = null;
  for (const f of [...Object.values(engine), ...Object.values(runner)]) f.mockClear();
  engine.testSettings.mockReset();
}
