// What Tern knows about keeping the user's data: whether the browser promised to keep it, the
// Safari/iOS seven-day rule, and how long ago the user last exported. Loaded when an installed app
// starts, once enough messages are stored, or when Settings → Storage opens: not on the first screen.
import { createPrefs, type Prefs } from '../db/prefs';
import { pwa } from './pwa.svelte';

/** An export older than this (or none at all, once there is data) earns a nudge. */
export const EXPORT_NUDGE_DAYS = 7;
const DAY = 24 * 60 * 60 * 1000;

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

class KeepingState {
  #persist = $state<PersistState>('unknown');
  /** Why we last asked for persistent storage, if we did in this tab. */
  #persistAskedBecause = $state<'installed' | 'use' | 'user' | null>(null);
  #standalone = $state(false);
  #platform = $state.raw<Platform>({ ios: false, safari: false });
  #lastExportAt = $state<number | null>(null);
  #now = $state(Date.now());

  get persist() {
    return this.#persist;
  }
  get persistAskedBecause() {
    return this.#persistAskedBecause;
  }
  get standalone() {
    return this.#standalone;
  }
  get platform() {
    return this.#platform;
  }
  get lastExportAt() {
    return this.#lastExportAt;
  }
  get now() {
    return this.#now;
  }

  #prefs: Prefs | null = null;
  #started: Promise<void> | null = null;

  get sevenDayRule(): boolean {
    return sevenDayRuleApplies(this.#platform, this.#standalone);
  }

  get exportAge(): string {
    return exportAgeText(this.#lastExportAt, this.#now);
  }

  get exportNudge(): boolean {
    return exportIsOld(this.#lastExportAt, this.#now, pwa.messageTotal > 0);
  }

  /** Safe to call again; resolves once the persistence state has been read. */
  start(): Promise<void> {
    if (this.#started) return this.#started;
    if (typeof window === 'undefined') return Promise.resolve();
    this.#prefs = createPrefs();
    this.#platform = detectPlatform(navigator.userAgent, navigator.maxTouchPoints);

    const standaloneQuery = window.matchMedia('(display-mode: standalone)');
    const readStandalone = () => {
      // iOS Safari does not report display-mode for Home Screen apps; it has its own flag.
      const iosStandalone = (navigator as Navigator & { standalone?: boolean }).standalone;
      this.#standalone = standaloneQuery.matches || iosStandalone === true;
    };
    readStandalone();
    standaloneQuery.addEventListener('change', readStandalone);

    // Ages shown in the UI move on while the tab stays open, and an export made in another tab
    // shows up when the user comes back to this one.
    setInterval(() => (this.#now = Date.now()), 60_000);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        this.#now = Date.now();
        void this.refreshLastExport();
      }
    });

    void this.refreshLastExport();
    this.#started = this.#readPersisted().then(() => {
      if (this.#standalone) void this.askToPersist('installed');
    });
    return this.#started;
  }

  async refreshLastExport(): Promise<void> {
    if (!this.#prefs) return;
    try {
      this.#lastExportAt = await this.#prefs.getLastExportAt();
    } catch {
      // Prefs unavailable (no IndexedDB): there is no export date to show.
    }
  }

  /** The user has stored enough messages to care: ask once, unless already granted or asked. */
  async enoughMessages(): Promise<void> {
    await this.start();
    if (this.#persist === 'not-granted' && this.#persistAskedBecause === null)
      await this.askToPersist('use');
  }

  /**
   * Asks the browser to keep Tern's data when space runs low. Chrome and Safari decide silently
   * (installed apps are granted); Firefox asks the user. Only asked for when the user shows they
   * care, or presses the button.
   */
  async askToPersist(because: 'installed' | 'use' | 'user'): Promise<void> {
    const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
    if (!storage?.persist) {
      this.#persist = 'unsupported';
      return;
    }
    if (this.#persist === 'granted') return;
    this.#persistAskedBecause = because;
    try {
      this.#persist = (await storage.persist()) ? 'granted' : 'not-granted';
    } catch {
      this.#persist = 'not-granted';
    }
  }

  async #readPersisted(): Promise<void> {
    const storage = navigator.storage as StorageManager | undefined;
    if (!storage?.persisted) {
      this.#persist = 'unsupported';
      return;
    }
    try {
      this.#persist = (await storage.persisted()) ? 'granted' : 'not-granted';
    } catch {
      this.#persist = 'unknown';
    }
  }
}

export const keeping = new KeepingState();
