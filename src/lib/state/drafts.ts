// The composer's draft, per session: the text and the images attached to it come back after a
// reload. Text is saved shortly after typing stops, and at once when the tab is about to lose its
// data (another tab upgraded it) or to reload for a new version: that save is awaited before.
// Drafts live in the prefs store (idb-keyval), apart from the main database.
import { createPrefs } from '../db/prefs';
import { events } from './events';

/** How long typing must pause before the draft is written. */
export const DRAFT_SAVE_MS = 250;

export interface Draft {
  text: string;
  imageIds: string[];
}

const store = createPrefs();

function readImages(sessionId: string): Promise<string[]> {
  return store.get<string[]>(`draftImages:${sessionId}`).then(
    (ids) => (Array.isArray(ids) ? ids.filter((x) => typeof x === 'string') : []),
    () => [],
  );
}

export class DraftManager {
  // The text last typed, and its session, until it is written.
  #unsaved: { sessionId: string; text: string } | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #stopFlushing: () => void;

  constructor() {
    this.#stopFlushing = events.on('flush', () => this.flush());
  }

  /** The session's stored draft (empty when there is none or it cannot be read). */
  async load(sessionId: string): Promise<Draft> {
    // The session left behind keeps what was typed in it.
    void this.flush().catch(() => undefined);
    const [text, imageIds] = await Promise.all([
      store.getDraft(sessionId).catch(() => ''),
      readImages(sessionId),
    ]);
    return { text, imageIds };
  }

  /** The text as typed now; written once typing pauses. */
  typed(sessionId: string, text: string): void {
    clearTimeout(this.#timer);
    this.#unsaved = { sessionId, text };
    this.#timer = setTimeout(() => void this.flush().catch(() => undefined), DRAFT_SAVE_MS);
  }

  /** Forgets the text not yet written (the message is going out). */
  drop(): void {
    clearTimeout(this.#timer);
    this.#unsaved = null;
  }

  /** Writes the text not yet written, now. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    const unsaved = this.#unsaved;
    this.#unsaved = null;
    if (unsaved) await store.setDraft(unsaved.sessionId, unsaved.text);
  }

  saveImages(sessionId: string, imageIds: string[]): Promise<void> {
    return store.set(`draftImages:${sessionId}`, imageIds).catch(() => undefined);
  }

  /** Empties the session's stored draft (its message was sent). */
  async clear(sessionId: string): Promise<void> {
    await Promise.all([store.setDraft(sessionId, ''), this.saveImages(sessionId, [])]).catch(
      () => undefined,
    );
  }

  /** The composer is gone: what it typed last is written, and it stops listening. */
  close(): void {
    void this.flush().catch(() => undefined);
    this.#stopFlushing();
  }
}
