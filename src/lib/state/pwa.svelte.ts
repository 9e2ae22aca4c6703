// Tern as an installed, offline app: the service worker (a new version is offered, never forced),
// and whether enough is stored to ask the browser to keep it. Keeping the data (persistence, the
// seven-day rule, the export age) lives in keeping.svelte.ts, loaded when first needed; the network
// and the outbox in connectivity.svelte.ts.
import { watch } from './watch';
import { createPrefs, type Prefs } from '../db/prefs';
import { countMessagesUpTo, openMessages } from '../domain/open-messages';
import { app } from './app.svelte';
import { connectivity } from './connectivity.svelte';
import { events } from './events';

/** Ask for persistent storage once the database holds this many messages: the user cares. */
export const PERSIST_AFTER_MESSAGES = 10;
/** How often an open tab asks the server whether a new version was published. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** The storage side (persistence, export age) loads off the first screen's path. */
const loadKeeping = () => import('./keeping.svelte').then((m) => m.keeping);

class PwaState {
  #updateReady = $state(false);
  #offlineReady = $state(false);
  #updating = $state(false);
  #messageTotal = $state(0);

  #prefs: Prefs | null = null;
  #applyUpdate: (() => Promise<void>) | null = null;
  #reloading = false;
  #started = false;

  /** A new version is installed and waiting for the user's yes. */
  get updateReady(): boolean {
    return this.#updateReady;
  }
  /** Every file the app needs is cached: it will open with no network. */
  get offlineReady(): boolean {
    return this.#offlineReady;
  }
  get updating(): boolean {
    return this.#updating;
  }
  /** Messages stored, counted no further than PERSIST_AFTER_MESSAGES. */
  get messageTotal(): number {
    return this.#messageTotal;
  }

  /** Called once at start-up; safe to call again. */
  start(): void {
    if (this.#started || typeof window === 'undefined') return;
    this.#started = true;
    this.#prefs = createPrefs();

    connectivity.start((db) => openMessages(db, 'pending').then((rows) => rows.length));

    // Only an installed app (or one being installed) asks to keep its data from the start; the
    // rest of the keeping code loads when the user has enough messages or opens Settings.
    const standalone =
      window.matchMedia('(display-mode: standalone)').matches ||
      (navigator as Navigator & { standalone?: boolean }).standalone === true;
    if (standalone) void loadKeeping().then((k) => k.start());
    window.addEventListener('appinstalled', () => {
      void loadKeeping().then((k) => k.askToPersist('installed'));
    });
    this.#watchMessages();
    void this.#registerServiceWorker();
  }

  /** Accepting the new version: save drafts, activate it; every tab then reloads. */
  async acceptUpdate(): Promise<void> {
    if (!this.#applyUpdate || this.#updating) return;
    this.#updating = true;
    await this.#saveDrafts();
    await this.#applyUpdate();
    // Should the new version never take over (its registration gone), reloading still leaves the
    // user on a working page, which offers the update again if it is still waiting.
    setTimeout(() => void this.#reloadForUpdate(), 10_000);
  }

  dismissUpdate(): void {
    this.#updateReady = false;
  }

  #watchMessages(): void {
    $effect.root(() => {
      $effect(() => {
        const db = app.db;
        if (!db) return;
        // Counting every message would walk them all after each write (an import makes thousands
        // of writes); all that matters here is whether there are at least a few.
        const sub = watch(() => countMessagesUpTo(db, PERSIST_AFTER_MESSAGES)).subscribe({
          next: (total) => {
            this.#messageTotal = total;
            if (total >= PERSIST_AFTER_MESSAGES) void loadKeeping().then((k) => k.enoughMessages());
          },
          // A closed database (stale tab) ends the query; the count keeps its last value.
          error: () => {},
        });
        return () => sub.unsubscribe();
      });
    });
  }

  async #saveDrafts(): Promise<void> {
    await events.emit('flush');
    // A read on the prefs store runs only after every write queued before it has committed.
    await this.#prefs?.get('lastExportAt').catch(() => {});
  }

  async #reloadForUpdate(): Promise<void> {
    if (this.#reloading) return;
    this.#reloading = true;
    this.#updating = true;
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
      onNeedRefresh: () => (this.#updateReady = true),
      onOfflineReady: () => (this.#offlineReady = true),
      onNeedReload: () => void this.#reloadForUpdate(),
      onRegisteredSW: (_url, registration) => {
        if (!registration) return;
        if (registration.active) this.#offlineReady = true;
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
      if (this.#updateReady || this.#updating) void this.#reloadForUpdate();
    });
  }
}

export const pwa = new PwaState();
