// What the UI is showing: the open session, the drawer, which panel is up, and the one notice at the
// bottom of the screen (with an optional action such as Undo). Plain runes state, no storage.
export type Panel = 'settings' | 'gallery' | 'trash' | null;
export type SettingsTab = 'session' | 'app' | 'storage';

export interface Notice {
  id: number;
  text: string;
  kind: 'info' | 'error';
  action?: { label: string; run: () => void };
}

class ViewState {
  sessionId = $state<string | null>(null);
  drawerOpen = $state(false);
  panel = $state<Panel>(null);
  settingsTab = $state<SettingsTab>('session');
  notice = $state<Notice | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;

  notify(text: string, kind: Notice['kind'] = 'info', action?: Notice['action']): void {
    clearTimeout(this.#timer);
    const id = ++this.#seq;
    this.notice = { id, text, kind, ...(action ? { action } : {}) };
    // Errors stay until dismissed; an undo offer stays long enough to reach it.
    if (kind === 'info') this.#timer = setTimeout(() => this.dismiss(id), action ? 8000 : 4000);
  }

  dismiss(id?: number): void {
    if (id === undefined || this.notice?.id === id) this.notice = null;
  }

  openSettings(tab: SettingsTab = 'session'): void {
    this.settingsTab = tab;
    this.panel = 'settings';
  }
}

export const view = new ViewState();
