// What the UI is showing: the open session, the drawer, which panel is up, a message to jump to, and
// the one notice at the bottom of the screen (with an optional action such as Undo). Plain runes
// state, no storage.
export type Panel = 'settings' | 'gallery' | 'trash' | null;
export type SettingsTab = 'session' | 'app' | 'mcp' | 'sync' | 'storage';

export interface Notice {
  id: number;
  text: string;
  kind: 'info' | 'error';
  action?: { label: string; run: () => void };
}

/** A request to show one message of a session (from a search hit). */
export interface Jump {
  id: number;
  sessionId: string;
  messageId: string;
  seq: number;
}

class ViewState {
  #sessionId = $state<string | null>(null);
  #drawerOpen = $state(false);
  #panel = $state<Panel>(null);
  #settingsTab = $state<SettingsTab>('session');
  #notice = $state<Notice | null>(null);
  /** Waiting for the session's conversation to take it. */
  #jump = $state<Jump | null>(null);

  get sessionId() {
    return this.#sessionId;
  }
  get drawerOpen() {
    return this.#drawerOpen;
  }
  get panel() {
    return this.#panel;
  }
  get settingsTab() {
    return this.#settingsTab;
  }
  get notice() {
    return this.#notice;
  }
  get jump() {
    return this.#jump;
  }

  #timer: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;
  #jumps = 0;

  requestJump(sessionId: string, messageId: string, seq: number): void {
    this.#jump = { id: ++this.#jumps, sessionId, messageId, seq };
  }

  /** The pending jump into this session, if any; it is handed over once. */
  takeJump(sessionId: string): Jump | null {
    const j = this.#jump;
    if (!j || j.sessionId !== sessionId) return null;
    this.#jump = null;
    return j;
  }

  notify(text: string, kind: Notice['kind'] = 'info', action?: Notice['action']): void {
    clearTimeout(this.#timer);
    const id = ++this.#seq;
    this.#notice = { id, text, kind, ...(action ? { action } : {}) };
    // Errors stay until dismissed; an undo offer stays long enough to reach it.
    if (kind === 'info') this.#timer = setTimeout(() => this.dismiss(id), action ? 8000 : 4000);
  }

  dismiss(id?: number): void {
    if (id === undefined || this.#notice?.id === id) this.#notice = null;
  }

  /** Opens a session (or none: the welcome screen). */
  openSession(id: string | null): void {
    this.#sessionId = id;
  }

  setDrawer(open: boolean): void {
    this.#drawerOpen = open;
  }

  showPanel(panel: Panel): void {
    this.#panel = panel;
  }

  closePanel(): void {
    this.#panel = null;
  }

  showSettingsTab(tab: SettingsTab): void {
    this.#settingsTab = tab;
  }

  openSettings(tab: SettingsTab = 'session'): void {
    this.#settingsTab = tab;
    this.#panel = 'settings';
  }
}

export const view = new ViewState();
