// Tern as an installed, offline app: the service worker (a new version is offered, never forced),
// whether the network is there and what waits for it, whether the browser promised to keep our
// data, the Safari/iOS seven-day rule, and how long ago the user last exported.
import { liveQuery } from 'dexie';
import { createPrefs, type Prefs } from '../db/prefs';
import { readMessageBadges } from './badges';
import { app } from './app.svelte';

/** Ask for persistent storage once the database holds this many messages: the user cares. */
export const PERSIST_AFTER_MESSAGES = 10;
/** An export older than this (or none at all, once there is data) earns a nudge. */
export const EXPORT_NUDGE_DAYS = 7;
const DAY = 24 * 60 * 60 * 1000;
/** How often an open tab asks the server whether a new version was published. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export interface Platform {
  ios: boolean;
  safari: boolean;
}

/** iPadOS reports itself as a Mac; the touch points give it away. */
export function detectPlatform(userAgent: string, maxTouchPoints = 0): Platform {
  const ios =
    /iP(hone|ad|od)/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  const safari =
    /Safari\//.test(userAgent) &&
    !/Chrome\/|Chromium\/|CriOS|FxiOS|EdgiOS|Edg\/|OPR\/|Android/.test(userAgent);
  return { ios, safari };
}

/**
 * WebKit deletes everything a site stored after seven days of browser use without a visit, unless
 * the site runs from the Home Screen (or the Dock), which has its own counter.
 */
export function sevenDayRuleApplies(platform: Platform, standalone: boolean): boolean {
  return (platform.ios || platform.safari) && !standalone;
}

/** Whole days between two instants, never negative. */
export function daysBetween(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / DAY));
}

export function exportAgeText(lastExportAt: number | null, now: number): string {
  if (lastExportAt === null) return 'never';
  const days = daysBetween(lastExportAt, now);
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${days} days ago`;
}

export function exportIsOld(lastExportAt: number | null, now: number, hasData: boolean): boolean {
  if (lastExportAt === null) return hasData;
  return daysBetween(lastExportAt, now) >= EXPORT_NUDGE_DAYS;
}

export type PersistState = 'unsupported' | 'unknown' | 'granted' | 'not-granted';

class PwaState {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  /** A new version is installed and waiting for the user's yes. */
  updateReady = $state(false);
  /** Every file the app needs is cached: it will open with no network. */
  offlineReady = $state(false);
  updating = $state(false);
  /** Messages written but not yet handed to a provider. */
  pending = $state(0);
  /** Messages stored, counted no further than PERSIST_AFTER_MESSAGES. */
  messageTotal = $state(0);
  persist = $state<PersistState>('unknown');
  /** Why we last asked for persistent storage, if we did in this tab. */
  persistAskedBecause = $state<'installed' | 'use' | 'user' | null>(null);
  standalone = $state(false);
  platform = $state.raw<Platform>({ ios: false, safari: false });
  lastExportAt = $state<number | null>(null);
  now = $state(Date.now());

  #prefs: Prefs | null = null;
  #applyUpdate: (() => Promise<void>) | null = null;
  #reloading = false;
  #started = false;

  get sevenDayRule(): boolean {
    return sevenDayRuleApplies(this.platform, this.standalone);
  }

  get exportAge(): string {
    return exportAgeText(this.lastExportAt, this.now);
  }

  get exportNudge(): boolean {
    return exportIsOld(this.lastExportAt, this.now, this.messageTotal > 0);
  }

  /** Called once at start-up; safe to call again. */
  start(): void {
    if (this.#started || typeof window === 'undefined') return;
    this.#started = true;
    this.#prefs = createPrefs();
    this.platform = detectPlatform(navigator.userAgent, navigator.maxTouchPoints);

    window.addEventListener('online', () => (this.online = true));
    window.addEventListener('offline', () => (this.online = false));

    const standaloneQuery = window.matchMedia('(display-mode: standalone)');
    const readStandalone = () => {
      // iOS Safari does not report display-mode for Home Screen apps; it has its own flag.
      const iosStandalone = (navigator as Navigator & { standalone?: boolean }).standalone;
      this.standalone = standaloneQuery.matches || iosStandalone === true;
    };
    readStandalone();
    standaloneQuery.addEventListener('change', readStandalone);
    window.addEventListener('appinstalled', () => {
      void this.askToPersist('installed');
    });

    // Ages shown in the UI move on while the tab stays open, and an export made in another tab
    // shows up when the user comes back to this one.
    setInterval(() => (this.now = Date.now()), 60_000);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        this.now = Date.now();
        void this.refreshLastExport();
      }
    });

    void this.#readPersisted().then(() => {
      if (this.standalone) void this.askToPersist('installed');
    });
    void this.refreshLastExport();
    this.#watchMessages();
    void this.#registerServiceWorker();
  }

  async refreshLastExport(): Promise<void> {
    if (!this.#prefs) return;
    try {
      this.lastExportAt = await this.#prefs.getLastExportAt();
    } catch {
      // Prefs unavailable (no IndexedDB): there is no export date to show.
    }
  }

  /**
   * Asks the browser to keep Tern's data when space runs low. Chrome and Safari decide silently
   * (installed apps are granted); Firefox asks the user. Only asked for when the user shows they
   * care, or presses the button.
   */
  async askToPersist(because: 'installed' | 'use' | 'user'): Promise<void> {
    const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
    if (!storage?.persist) {
      this.persist = 'unsupported';
      return;
    }
    if (this.persist === 'granted') return;
    this.persistAskedBecause = because;
    try {
      this.persist = (await storage.persist()) ? 'granted' : 'not-granted';
    } catch {
      this.persist = 'not-granted';
    }
  }

  /** Accepting the new version: save drafts, activate it; every tab then reloads. */
  async acceptUpdate(): Promise<void> {
    if (!this.#applyUpdate || this.updating) return;
    this.updating = true;
    await this.#saveDrafts();
    await this.#applyUpdate();
    // Should the new version never take over (its registration gone), reloading still leaves the
    // user on a working page, which offers the update again if it is still waiting.
    setTimeout(() => void this.#reloadForUpdate(), 10_000);
  }

  dismissUpdate(): void {
    this.updateReady = false;
  }

  async #readPersisted(): Promise<void> {
    const storage = navigator.storage as StorageManager | undefined;
    if (!storage?.persisted) {
      this.persist = 'unsupported';
      return;
    }
    try {
      this.persist = (await storage.persisted()) ? 'granted' : 'not-granted';
    } catch {
      this.persist = 'unknown';
    }
  }

  #watchMessages(): void {
    $effect.root(() => {
      $effect(() => {
        const db = app.db;
        if (!db) return;
        // Counting every message would walk them all after each write (an import makes thousands
        // of writes); all that matters here is whether there are at least a few.
        const sub = liveQuery(() => readMessageBadges(db, PERSIST_AFTER_MESSAGES)).subscribe({
          next: ({ pending, stored: total }) => {
            this.pending = pending;
            this.messageTotal = total;
            if (
              total >= PERSIST_AFTER_MESSAGES &&
              this.persist === 'not-granted' &&
              this.persistAskedBecause === null
            )
              void this.askToPersist('use');
          },
          // A closed database (stale tab) ends the query; the counts keep their last value.
          error: () => {},
        });
        return () => sub.unsubscribe();
      });
    });
  }

  async #saveDrafts(): Promise<void> {
    // The UI's draft hook may be asynchronous; wait for it when it is.
    const saving: unknown = app.beforeStale?.();
    if (saving instanceof Promise) await saving.catch(() => {});
    // A read on the prefs store runs only after every write queued before it has committed.
    await this.#prefs?.get('lastExportAt').catch(() => {});
  }

  async #reloadForUpdate(): Promise<void> {
    if (this.#reloading) return;
    this.#reloading = true;
    this.updating = true;
    await this.#saveDrafts();
    window.location.reload();
  }

  async #registerServiceWorker(): Promise<void> {
    if (!('serviceWorker' in navigator)) return;
    // Loaded on demand so that this file's helpers also run where the virtual module does not
    // exist (unit tests).
    const { useRegisterSW } = await import('virtual:pwa-register/svelte');
    const { updateServiceWorker } = useRegisterSW({
      immediate: true,
      onNeedRefresh: () => (this.updateReady = true),
      onOfflineReady: () => (this.offlineReady = true),
      onNeedReload: () => void this.#reloadForUpdate(),
      onRegisteredSW: (_url, registration) => {
        if (!registration) return;
        if (registration.active) this.offlineReady = true;
        setInterval(() => {
          if (navigator.onLine && !registration.installing) void registration.update();
        }, UPDATE_CHECK_MS);
      },
    });
    this.#applyUpdate = () => updateServiceWorker(true);
    // The wrapper reloads only tabs that were already controlled when they loaded; the tab of the
    // very first visit (claimed later) must reload too. A controller change while a new version
    // waits is that version taking over; the first install's claim happens with none waiting.
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (this.updateReady || this.updating) void this.#reloadForUpdate();
    });
  }
}

export const pwa = new PwaState();
