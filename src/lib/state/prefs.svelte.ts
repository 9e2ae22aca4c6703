// App preferences as runes state: the theme (applied to the page at once), whether the model writes
// session titles and the last opened session. They live in idb-keyval, apart from the main
// database; the drafts are drafts.ts's.
import { createPrefs, THEMES, type Theme } from '../db/prefs';
import { isOneOf } from '../db/vocab';

export type { Theme };

const store = createPrefs();

// idb-keyval is the record, but it answers only after the first paint, and a write started just
// before a reload can be lost with the page. A synchronous copy of this one word in localStorage
// paints the right theme from the first frame and survives an immediate reload.
const THEME_COPY = 'tern:theme';
const MODEL_TITLES = 'modelTitles';

function readThemeCopy(): Theme | null {
  try {
    const v = localStorage.getItem(THEME_COPY);
    return isOneOf(THEMES, v) ? v : null;
  } catch {
    return null;
  }
}

function writeThemeCopy(theme: Theme): void {
  try {
    localStorage.setItem(THEME_COPY, theme);
  } catch {
    // Storage refused (private mode, quota): the idb-keyval record still holds the choice.
  }
}

class PrefsState {
  #theme = $state<Theme>(readThemeCopy() ?? 'system');
  /** The model writes a new session's title after the first reply (on unless turned off). */
  #modelTitles = $state(true);

  get theme() {
    return this.#theme;
  }
  get modelTitles() {
    return this.#modelTitles;
  }

  constructor() {
    applyTheme(this.#theme);
  }

  async load(): Promise<void> {
    const copy = readThemeCopy();
    const stored = await store.getTheme().catch(() => null);
    // The copy is newer when a reload overtook the record's write: catch the record up.
    this.#theme = copy ?? stored ?? 'system';
    applyTheme(this.#theme);
    if (copy && copy !== stored) await store.setTheme(copy).catch(() => undefined);
    const titles = await store.get<boolean>(MODEL_TITLES).catch(() => undefined);
    this.#modelTitles = titles !== false;
  }

  async setModelTitles(on: boolean): Promise<void> {
    this.#modelTitles = on;
    await store.set(MODEL_TITLES, on);
  }

  async setTheme(theme: Theme): Promise<void> {
    this.#theme = theme;
    applyTheme(theme);
    writeThemeCopy(theme);
    await store.setTheme(theme);
  }
}

function applyTheme(theme: Theme): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme;
}

export const prefs = new PrefsState();

export function lastSessionId(): Promise<string | null> {
  return store.getLastSessionId().catch(() => null);
}
export function rememberSession(id: string | null): Promise<void> {
  return store.setLastSessionId(id).catch(() => undefined);
}
