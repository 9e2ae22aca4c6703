// What the user sees of sync: whether it is on, what it is doing, what waits, what went wrong. The
// engine (sync-runner.ts, with the CouchDB client and the record mapping) is loaded only once sync
// is switched on, so a user who never syncs never downloads it. This file itself loads with the
// Sync settings or, on a device where sync is set up, at start (see sync-presence.svelte.ts).
import { untrack } from 'svelte';
import { createPrefs, type Prefs } from '../db/prefs';
import { app } from './app.svelte';
import { providers } from './providers.svelte';
import { SYNC_SETTINGS_KEY, syncPresence } from './sync-presence.svelte';

/** Where the user's CouchDB is, and what to send. Kept on this device only (never synced). */
export interface SyncSettings {
  /** The server's address, e.g. https://couch.example.com (no credentials in it). */
  url: string;
  /** The database on that server; every device of the user names the same one. */
  db: string;
  /**
   * How this device signs in: a user name and password (Basic), or a token (a JWT, sent as
   * Bearer). Absent in settings saved before tokens, which are a user name and password.
   */
  auth?: 'password' | 'token';
  /** With `auth: 'password'` (or none); empty for a server open to all. */
  username: string;
  password: string;
  /** With `auth: 'token'`: the JWT, as the server's administrator gave it. */
  token?: string;
  /** Send images as attachments (off for a small server: images stay on each device). */
  images: boolean;
  /** End-to-end encryption: the server holds only ciphertext and record ids. */
  encrypt: boolean;
  /**
   * Also the provider list with its API keys and the MCP servers with their tokens; only with
   * `encrypt` (they never reach the server readable). Absent in settings saved before it existed.
   */
  secrets?: boolean;
}

/** Whether these settings sync the provider and MCP server lists (never without encryption). */
export const syncsSecrets = (s: SyncSettings): boolean => s.encrypt && s.secrets === true;

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
  /** Provider or MCP server lists taken from the server since the engine started. */
  listsApplied: number;
}

/** The engine's face, as the state drives it (sync-runner.ts implements it). */
export interface SyncRunner {
  stop(): Promise<void>;
  pause(): void;
  resume(): void;
  syncNow(): Promise<void>;
}

const runnerModule = () => import('./sync-runner');
/** A burst of edits to the lists is stamped once, after it. */
const LIST_STAMP_MS = 200;

class SyncState {
  #settings = $state<SyncSettings | null>(null);
  #report = $state<SyncReport>({
    phase: 'off',
    pending: 0,
    progress: null,
    error: null,
    lastSyncedAt: null,
    setAside: [],
    listsApplied: 0,
  });
  #runner: SyncRunner | null = null;
  #unwatchLists: (() => void) | null = null;
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
    this.#watchLists(false);
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
      listsApplied: 0,
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

  #take(report: SyncReport): void {
    const pulled = report.listsApplied !== this.#report.listsApplied;
    this.#report = report;
    // A list from another device: the providers and MCP servers on screen show it now.
    if (pulled) void this.#reloadLists().catch(() => undefined);
  }

  async #reloadLists(): Promise<void> {
    await providers.reload();
    await (await import('./mcp.svelte')).mcp.reload();
  }

  /**
   * While the lists sync, a change to them in this tab is stamped at once (the engine, perhaps in
   * another tab, hears of it through the clocks); the engine also looks at every round.
   */
  #watchLists(on: boolean): void {
    this.#unwatchLists?.();
    this.#unwatchLists = null;
    if (!on) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.#stampLists().catch(() => undefined), LIST_STAMP_MS);
    };
    const stops = [
      $effect.root(() => {
        $effect(() => {
          // Read to be told of every change of what the providers' record holds.
          void [providers.list, providers.defaultId, providers.stallSeconds, providers.lockOn];
          untrack(changed);
        });
      }),
    ];
    void import('./mcp.svelte').then(({ mcp }) => {
      if (stopped) return;
      stops.push(
        $effect.root(() => {
          $effect(() => {
            void mcp.servers;
            untrack(changed);
          });
        }),
      );
    });
    this.#unwatchLists = () => {
      stopped = true;
      clearTimeout(timer);
      for (const stop of stops) stop();
    };
  }

  async #stampLists(): Promise<void> {
    const db = app.db;
    if (db) await (await runnerModule()).stampLists(db);
  }

  async #start(settings: SyncSettings, passphrase: string | undefined): Promise<void> {
    const db = app.db;
    if (!db) return;
    const { startSync } = await runnerModule();
    this.#watchLists(syncsSecrets(settings));
    try {
      this.#runner = await startSync(db, settings, passphrase, (report) => this.#take(report));
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
