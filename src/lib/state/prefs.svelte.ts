// App preferences as runes state: the theme (applied to the page at once), the last opened session,
// and per-session drafts. They live in idb-keyval, apart from the main database.
import { createPrefs, type Theme } from '../db/prefs';

export type { Theme };

const store = createPrefs();

class PrefsState {
  theme = $state<Theme>('system');

  async load(): Promise<void> {
    try {
      this.theme = await store.getTheme();
    } catch {
      this.theme = 'system';
    }
    applyTheme(this.theme);
  }

  async setTheme(theme: Theme): Promise<void> {
    this.theme = theme;
    applyTheme(theme);
    await store.setTheme(theme);
  }
}

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

export const prefs = new PrefsState();

export function lastSessionId(): Promise<string | null> {
  return store.getLastSessionId().catch(() => null);
}
export function rememberSession(id: string | null): Promise<void> {
  return store.setLastSessionId(id).catch(() => undefined);
}
export function loadDraft(sessionId: string): Promise<string> {
  return store.getDraft(sessionId).catch(() => '');
}
export function saveDraft(sessionId: string, text: string): Promise<void> {
  return store.setDraft(sessionId, text);
}
export async function loadDraftImages(sessionId: string): Promise<string[]> {
  const ids = await store.get<string[]>(`draftImages:${sessionId}`).catch(() => undefined);
  return Array.isArray(ids) ? ids.filter((x) => typeof x === 'string') : [];
}
export function saveDraftImages(sessionId: string, ids: string[]): Promise<void> {
  return store.set(`draftImages:${sessionId}`, ids);
}
