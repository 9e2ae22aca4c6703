// What the user sees of sync: whether it is on, what it is doing, what waits, what went wrong. The
// engine (sync-runner.ts, with the CouchDB client and the record mapping) is loaded only once sync
// is switched on, so a user who never syncs never downloads it. This file itself loads with the
// Sync settings or, on a device where sync is set up, at start (see sync-presence.svelte.ts).
import { createPrefs, type Prefs } from '../db/prefs';
import { app } from './app.svelte';
import { SYNC_SETTINGS_KEY, syncPresence } from './sync-presence.svelte';

/** Where the user's CouchDB is, and what to send. Kept on this device only (never synced). */
export interface SyncSettings {
  /** The server's address, e.g. https://couch.example.com (no credentials in it). */
  url: string;
  /** The database on that server; every device of the user names the same one. */
  db: string;
  username: string;
  password: string;
  /** Send images as attachments (off for a small server: images stay on each device). */
  images: boolean;
  /** End-to-end encryption: the server holds only ciphertext and record ids. */
  encrypt: boolean;
}

export type SyncPhase =
  /** Never set up, or switched off. */
  | 'off'
  /** Set up, paused by the user. */
  | 'paused'
  /** Set up, no network: changes wait. */
  | 'offline'
  /** Talking to the server: the first pull, a push, a catch-up. */
  | 'syncing'
  /** Up to date; listening for the other devices' changes. */
  | 'synced'
  /** Stopped by a failure the user must see (wrong password, server gone, …); retried later. */
  | 'error';

export interface SyncProblem {
  code: string;
  message: string;
}

/** A document from the server that was not applied (wrong shape, newer format, bad passphrase…). */
export interface SetAsideDoc {
  id: string;
  reason: string;
}

export type SyncTestResult =
  | { ok: true; server: string; docCount: number }
  | { ok: false; code: string; message: string; canCreate: boolean };

/** What the runner reports; the state only mirrors it. */
export interface SyncReport {
  phase: SyncPhase;
  pending: number;
  progress: { done: number; total: number | null } | null;
  error: SyncProblem | null;
  lastSyncedAt: number | null;
  setAside: readonly SetAsideDoc[];
}

/** The engine's face, as the state drives it (sync-runner.ts implements it). */
export interface SyncRunner {
  stop(): Promise<void>;
  pause(): void;
  resume(): void;
  syncNow(): Promise<void>;
}

const runnerModule = () => import('./sync-runner');

class SyncState {
  #settings = $state<SyncSettings | null>(null);
  #report = $state<SyncReport>({
    phase: 'off',
    pending: 0,
    progress: null,
    error: null,
    lastSyncedAt: null,
    setAside: [],
  });
  #runner: SyncRunner | null = null;
  #loaded = false;
  #prefs: Prefs | null = null;

  get #store(): Prefs {
    return (this.#prefs ??= createPrefs());
  }

  get settings(): SyncSettings | null {
    return this.#settings;
  }
  get phase(): SyncPhase {
    return this.#report.phase;
  }
  /** Local changes not yet on the server. */
  get pending(): number {
    return this.#report.pending;
  }
  /** The first pull on a new device: documents applied of how many. */
  get progress(): { done: number; total: number | null } | null {
    return this.#report.progress;
  }
  get error(): SyncProblem | null {
    return this.#report.error;
  }
  get lastSyncedAt(): number | null {
    return this.#report.lastSyncedAt;
  }
  get setAside(): readonly SetAsideDoc[] {
    return this.#report.setAside;
  }

  /** Reads the saved settings and, when sync is on, starts it. Safe to call again. */
  async load(): Promise<void> {
    if (this.#loaded) return;
    this.#loaded = true;
    const saved = await this.#store.get<SyncSettings>(SYNC_SETTINGS_KEY);
    if (!saved) return;
    this.#settings = saved;
    // A start that fails (a server gone, a key to type again) is shown as the state, not thrown:
    // nothing waits on the start-up.
    await this.#start(saved, undefined).catch(() => undefined);
  }

  /** Tries the settings without saving them. */
  async test(settings: SyncSettings): Promise<SyncTestResult> {
    return (await runnerModule()).testSettings(settings);
  }

  /** Creates the database named in the settings on the server. */
  async createDatabase(settings: SyncSettings): Promise<void> {
    await (await runnerModule()).createRemoteDatabase(settings);
  }

  /**
   * Saves the settings and starts syncing. With encryption on, `passphrase` is asked on every
   * device; only the key derived from it is kept, and a wrong one is refused before anything moves.
   */
  async enable(settings: SyncSettings, passphrase?: string): Promise<void> {
    await this.#runner?.stop();
    this.#runner = null;
    await this.#store.set(SYNC_SETTINGS_KEY, $state.snapshot(settings));
    this.#settings = settings;
    syncPresence.set(true);
    await this.#start(settings, passphrase);
  }

  /** Stops syncing and forgets the settings; the data on this device stays as it is. */
  async disable(): Promise<void> {
    await this.#runner?.stop();
    this.#runner = null;
    await this.#store.set(SYNC_SETTINGS_KEY, undefined);
    syncPresence.set(false);
    await (await runnerModule()).forgetKey();
    this.#settings = null;
    this.#report = {
      phase: 'off',
      pending: 0,
      progress: null,
      error: null,
      lastSyncedAt: null,
      setAside: [],
    };
  }

  pause(): void {
    this.#runner?.pause();
  }
  resume(): void {
    this.#runner?.resume();
  }
  async syncNow(): Promise<void> {
    await this.#runner?.syncNow();
  }

  async #start(settings: SyncSettings, passphrase: string | undefined): Promise<void> {
    const db = app.db;
    if (!db) return;
    const { startSync } = await runnerModule();
    try {
      this.#runner = await startSync(db, settings, passphrase, (report) => (this.#report = report));
    } catch (e) {
      const problem = e as { code?: unknown; message?: unknown };
      // Not running: Settings → Sync offers to start it again, and says why it stopped.
      this.#report = {
        ...this.#report,
        phase: 'off',
        progress: null,
        error: {
          code: typeof problem.code === 'string' ? problem.code : 'unknown',
          message: typeof problem.message === 'string' ? problem.message : String(e),
        },
      };
      throw e;
    }
  }
}

export const sync = new SyncState();
