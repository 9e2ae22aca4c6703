// Small app preferences kept outside the main database, in idb-keyval's own store: the theme, the
// last opened session, drafts, when the user last exported. They survive a schema upgrade of `tern`
// untouched, and a stale tab can still save its draft here after closing `tern` for good.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';

import { isOneOf, THEMES, type Theme } from './vocab';

export { THEMES, type Theme };

export interface Prefs {
  getTheme(): Promise<Theme>;
  setTheme(theme: Theme): Promise<void>;
  getLastSessionId(): Promise<string | null>;
  setLastSessionId(id: string | null): Promise<void>;
  getDraft(sessionId: string): Promise<string>;
  /** An empty draft is removed. */
  setDraft(sessionId: string, text: string): Promise<void>;
  getLastExportAt(): Promise<number | null>;
  setLastExportAt(at: number): Promise<void>;
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export function createPrefs(store?: UseStore): Prefs {
  const s = store ?? createStore('tern-prefs', 'prefs');
  return {
    async getTheme() {
      const t = await get<Theme>('theme', s);
      return isOneOf(THEMES, t) ? t : 'system';
    },
    setTheme: (theme) => set('theme', theme, s),
    async getLastSessionId() {
      return (await get<string>('lastSessionId', s)) ?? null;
    },
    setLastSessionId: (id) => (id ? set('lastSessionId', id, s) : del('lastSessionId', s)),
    async getDraft(sessionId) {
      return (await get<string>(`draft:${sessionId}`, s)) ?? '';
    },
    setDraft: (sessionId, text) =>
      text === '' ? del(`draft:${sessionId}`, s) : set(`draft:${sessionId}`, text, s),
    async getLastExportAt() {
      return (await get<number>('lastExportAt', s)) ?? null;
    },
    setLastExportAt: (at) => set('lastExportAt', at, s),
    get: (key) => get(key, s),
    set: (key, value) => set(key, value, s),
  };
}
