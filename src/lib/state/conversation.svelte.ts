// The message window of one open session: the newest page first, then older pages of 50 as the
// user scrolls up. Everything from the oldest loaded seq onwards stays live, so edits, deletes,
// streaming updates and other tabs' writes all show without a reload. Opened at a given message (a
// search hit), the window starts 10 messages before it and ends a page later; scrolling down moves
// that end a page at a time until it reaches the newest message, and from then on it is live too.
import type { MessageRow, SessionRow, SessionSettingsRow } from '../db/rows';
import { latestMessages, messagesBefore, PAGE_SIZE } from '../domain/messages';
import {
  countAfter,
  messagesFrom,
  seqsAfter,
  windowAround,
  type WindowBounds,
} from '../domain/message-window';
import { getSession } from '../domain/sessions';
import { getSettings } from '../domain/settings';
import { getImage, listImages } from '../domain/images';
import { listCommandUsage } from '../domain/commands';
import { versionsOf, type Versions } from '../domain/branches';
import { untrack } from 'svelte';
import { app } from './app.svelte';
import { drawFlip, flips, writtenVersions } from './flips.svelte';
import { live, type Live } from './live.svelte';

// A query's answer, replaced whole by the next one: nothing mutates it.
const NO_VERSIONS: ReadonlyMap<string, Versions> = new Map();

/** A message to bring into view, focus and outline. */
export interface JumpTarget {
  messageId: string;
  seq: number;
}

/** How long a message jumped to stays outlined. */
export const FLASH_MS = 2000;

interface Loaded {
  rows: MessageRow[];
  /** Set when the window was opened around a message: where it starts and ends. */
  bounds?: WindowBounds;
}

export class ConversationWindow {
  readonly sessionId: string;
  /** Lowest seq in the window; null until the first read is known. */
  #floor = $state<number | null>(null);
  /** Highest seq in the window; null when it reaches the newest message and follows new ones. */
  #ceiling = $state<number | null>(null);
  #hasOlder = $state(false);
  #hasNewer = $state(false);
  /**
   * Messages after the ceiling, as counted when it was set: what comes after the last loaded row,
   * so that replacing "everything after" asks first even when it is not on screen.
   */
  #beyond = $state(0);
  #loadingOlder = $state(false);
  #loadingNewer = $state(false);
  /** True while older rows are being put in front (the list keeps its place from the end). */
  #prepending = $state(false);
  /** True while newer rows are being added at the end (the list must not jump to the end). */
  #appending = $state(false);
  /** The message to bring into view once loaded; the list clears it when done. */
  #target = $state<JumpTarget | null>(null);
  /** The message outlined for a moment after a jump. */
  #flashId = $state<string | null>(null);
  /** Bumped whenever the window is moved elsewhere: a jump, or back to the newest messages. */
  #moves = $state(0);

  get floor() {
    return this.#floor;
  }
  get ceiling() {
    return this.#ceiling;
  }
  get hasOlder() {
    return this.#hasOlder;
  }
  get hasNewer() {
    return this.#hasNewer;
  }
  get beyond() {
    return this.#beyond;
  }
  get loadingOlder() {
    return this.#loadingOlder;
  }
  get loadingNewer() {
    return this.#loadingNewer;
  }
  get prepending() {
    return this.#prepending;
  }
  get appending() {
    return this.#appending;
  }
  get target() {
    return this.#target;
  }
  get flashId() {
    return this.#flashId;
  }
  get moves() {
    return this.#moves;
  }

  #around = $state<number | null>(null);
  #window = $derived.by(() => {
    const floor = this.#floor;
    const ceiling = this.#ceiling;
    const around = this.#around;
    const id = this.sessionId;
    return live(async (): Promise<Loaded> => {
      const db = app.db;
      if (!db) return { rows: [] };
      if (floor !== null) return { rows: await messagesFrom(db, id, floor, ceiling) };
      if (around === null) return { rows: await latestMessages(db, id) };
      const bounds = await windowAround(db, id, around);
      return { rows: await messagesFrom(db, id, bounds.floor, bounds.ceiling), bounds };
    });
  });
  #last: MessageRow[] | undefined;
  // A flip in this session drawn ahead of its write (state/flips.svelte.ts), over the rows read.
  #drawn = $derived.by(() =>
    drawFlip(this.#read() ?? [], flips.current, this.sessionId, this.#floor, this.#ceiling),
  );
  // The versions of the loaded messages, read again when the loaded ids change (a flip, a new
  // version, a page) but not while a reply streams into one of them.
  #ids = $derived((this.rows ?? []).map((m) => m.id).join(' '));
  #versions = $derived.by(() => {
    void this.#ids;
    const rows = untrack(() => this.rows ?? []);
    // Whether the first loaded message is the session's first (its versions hang off the root).
    const fromStart = this.#floor === null ? rows.length < PAGE_SIZE : !this.#hasOlder;
    const id = this.sessionId;
    return live(async () => {
      // When this read began: a flip written before then is in it (see versions()).
      const at = performance.now();
      const db = app.db;
      const map = db && rows.length > 0 ? await versionsOf(db, id, rows, fromStart) : NO_VERSIONS;
      return { map, at };
    });
  });
  #flashTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(sessionId: string, target?: JumpTarget) {
    this.sessionId = sessionId;
    if (target) {
      this.#target = target;
      this.#around = target.seq;
    }
  }

  #read(): MessageRow[] | undefined {
    const current = this.#window.current;
    if (current) {
      this.#last = current.rows;
      const moves = this.#moves;
      if (this.#floor === null) queueMicrotask(() => this.#fix(current, moves));
    }
    return current?.rows ?? this.#last;
  }

  /** The loaded messages, oldest first; undefined before the first read. */
  get rows(): MessageRow[] | undefined {
    const read = this.#read();
    return read && (this.#drawn?.rows ?? read);
  }

  #lastVersions: { map: ReadonlyMap<string, Versions>; at?: number } = { map: NO_VERSIONS };
  /** The versions at a loaded message, when it has others. */
  versions(messageId: string): Versions | undefined {
    const drawn = this.#drawn;
    if (drawn?.ids.has(messageId)) return drawn.versions.get(messageId);
    // While the versions of new rows are read, the others keep theirs rather than blink.
    const current = this.#versions.current;
    if (current) this.#lastVersions = current;
    const held = current ?? this.#lastVersions;
    // A flip just written, its versions not read again since: what it left is what holds.
    const written = writtenVersions(flips.current, this.sessionId, messageId, held.at);
    return written ? written.versions : held.map.get(messageId);
  }

  /** False while a new window is being read (rows are then the previous window's). */
  get loaded(): boolean {
    return this.#window.current !== undefined;
  }

  get error(): unknown {
    return this.#window.error;
  }

  // Pin the window to the first read's bounds so new messages add to it instead of sliding it.
  #fix(first: Loaded, moves: number): void {
    if (this.#floor !== null || moves !== this.#moves) return;
    if (first.bounds) {
      this.#hasOlder = first.bounds.hasOlder;
      this.#hasNewer = first.bounds.ceiling !== null;
      this.#beyond = first.bounds.after;
      this.#ceiling = first.bounds.ceiling;
      this.#floor = first.bounds.floor;
    } else {
      this.#hasOlder = first.rows.length >= PAGE_SIZE;
      this.#floor = first.rows[0]?.seq ?? 0;
    }
  }

  async loadOlder(): Promise<void> {
    const db = app.db;
    if (!db || this.#loadingOlder || !this.#hasOlder || this.#floor === null) return;
    const moves = this.#moves;
    this.#loadingOlder = true;
    try {
      const older = await messagesBefore(db, this.sessionId, this.#floor);
      if (moves !== this.#moves) return;
      this.#hasOlder = older.length >= PAGE_SIZE;
      const first = older[0];
      if (first) {
        this.#prepending = true;
        this.#floor = first.seq;
      }
    } finally {
      this.#loadingOlder = false;
    }
  }

  async loadNewer(): Promise<void> {
    const db = app.db;
    if (!db || this.#loadingNewer || !this.#hasNewer || this.#ceiling === null) return;
    const moves = this.#moves;
    this.#loadingNewer = true;
    try {
      const seqs = await seqsAfter(db, this.sessionId, this.#ceiling, PAGE_SIZE + 1);
      const ceiling = seqs.length > PAGE_SIZE ? (seqs[PAGE_SIZE - 1] ?? null) : null;
      const beyond = ceiling === null ? 0 : await countAfter(db, this.sessionId, ceiling);
      if (moves !== this.#moves) return;
      this.#appending = seqs.length > 0;
      this.#hasNewer = ceiling !== null;
      this.#beyond = beyond;
      this.#ceiling = ceiling;
    } finally {
      this.#loadingNewer = false;
    }
  }

  /** Brings a message into view: at once if it is loaded, else by opening the window around it. */
  jumpTo(target: JumpTarget): void {
    if (this.loaded && this.rows?.some((m) => m.id === target.messageId)) {
      this.#target = target;
      return;
    }
    this.#move(target.seq);
    this.#target = target;
  }

  /** The list has shown the target message, or found it gone. */
  clearTarget(): void {
    this.#target = null;
  }

  /** The list has drawn the older page it was given (see `prepending`). */
  prependDrawn(): void {
    this.#prepending = false;
  }

  /** The list has drawn the newer page it was given (see `appending`). */
  appendDrawn(): void {
    this.#appending = false;
  }

  /** Back to the newest messages (after a jump into older history). */
  toLatest(): void {
    this.#move(null);
  }

  #move(around: number | null): void {
    this.#moves++;
    this.#target = null;
    this.#around = around;
    this.#prepending = false;
    this.#appending = false;
    this.#hasOlder = false;
    this.#hasNewer = false;
    this.#beyond = 0;
    this.#ceiling = null;
    this.#floor = null;
  }

  /** Outlines a message for a moment. */
  flash(messageId: string): void {
    clearTimeout(this.#flashTimer);
    this.#flashId = messageId;
    this.#flashTimer = setTimeout(() => {
      if (this.#flashId === messageId) this.#flashId = null;
    }, FLASH_MS);
  }
}

export function liveSessionRow(id: () => string | null): Live<SessionRow | null> {
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
