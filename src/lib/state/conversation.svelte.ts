// The message window of one open session: the newest page first, then older pages of 50 as the
// user scrolls up. Everything from the oldest loaded seq onwards stays live, so edits, deletes,
// streaming updates and other tabs' writes all show without a reload.
import type { MessageRow, SessionRow, SessionSettingsRow } from '../db/rows';
import { latestMessages, messagesBefore, PAGE_SIZE } from '../domain/messages';
import { messagesFrom } from '../domain/message-window';
import { getSession } from '../domain/sessions';
import { getSettings } from '../domain/settings';
import { getImage, imageBlob, listImages } from '../domain/images';
import { listCommandUsage } from '../domain/commands';
import { app } from './app.svelte';
import { live, type Live } from './live.svelte';

export class ConversationWindow {
  readonly sessionId: string;
  /** Lowest seq in the window; null until the first page is known. */
  floor = $state<number | null>(null);
  hasOlder = $state(false);
  loadingOlder = $state(false);
  /** True while older rows are being put in front (the list keeps its place from the end). */
  prepending = $state(false);
  #window = $derived.by(() => {
    const floor = this.floor;
    const id = this.sessionId;
    return live(async () => {
      const db = app.db;
      if (!db) return [];
      if (floor === null) return latestMessages(db, id);
      return messagesFrom(db, id, floor);
    });
  });
  #last: MessageRow[] | undefined;

  constructor(sessionId: string) {
    this.sessionId = sessionId;
  }

  /** The loaded messages, oldest first; undefined before the first read. */
  get rows(): MessageRow[] | undefined {
    const current = this.#window.current;
    if (current) {
      this.#last = current;
      if (this.floor === null) queueMicrotask(() => this.#fix(current));
    }
    return current ?? this.#last;
  }

  get error(): unknown {
    return this.#window.error;
  }

  // Pin the window to the first page's start so new messages add to it instead of sliding it.
  #fix(first: MessageRow[]): void {
    if (this.floor !== null) return;
    this.hasOlder = first.length >= PAGE_SIZE;
    this.floor = first[0]?.seq ?? 0;
  }

  async loadOlder(): Promise<void> {
    const db = app.db;
    if (!db || this.loadingOlder || !this.hasOlder || this.floor === null) return;
    this.loadingOlder = true;
    try {
      const older = await messagesBefore(db, this.sessionId, this.floor);
      this.hasOlder = older.length >= PAGE_SIZE;
      const first = older[0];
      if (first) {
        this.prepending = true;
        this.floor = first.seq;
      }
    } finally {
      this.loadingOlder = false;
    }
  }
}

export function liveSession(id: () => string | null): Live<SessionRow | null> {
  return live(async () => {
    const sid = id();
    return app.db && sid ? ((await getSession(app.db, sid)) ?? null) : null;
  });
}

export function liveSettings(sessionId: string): Live<SessionSettingsRow | null> {
  return live(async () => (app.db ? getSettings(app.db, sessionId) : null));
}

export function liveImages(sessionId: string) {
  return live(async () => (app.db ? listImages(app.db, sessionId) : []));
}

export function liveCommandUsage() {
  return live(async () => (app.db ? listCommandUsage(app.db) : []));
}

export function liveImage(id: string) {
  return live(async () => (app.db ? ((await getImage(app.db, id)) ?? null) : null));
}

export { imageBlob };
