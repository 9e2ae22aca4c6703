// Copied into the test builds of Tern (never into a real one) as src/test-hook.ts: it lets the
// end-to-end tests drive the repositories where the UI has no control for an action yet, read back
// exactly what is stored, and shows the storage panel that Settings will hold.
import { mount } from 'svelte';
import StorageStatus from '$lib/components/pwa/StorageStatus.svelte';
import { listSnapshots } from '$lib/db/snapshots';
import { DEFAULT_WORKSPACE_ID } from '$lib/db/database';
import { checkIntegrity } from '$lib/db/integrity';
import { createPrefs } from '$lib/db/prefs';
import { allMessages, appendMessage } from '$lib/domain/messages';
import { createSession, listSessions } from '$lib/domain/sessions';
import { app } from '$lib/state/app.svelte';
import { events } from '$lib/state/events';

export interface StoredMessage {
  id: string;
  seq: number;
  role: string;
  content: string;
  status: string;
}

export interface StoredSession {
  id: string;
  title: string;
  messageCount: number;
  messages: StoredMessage[];
}

export interface TernTestHook {
  /** Resolves once the database is open (and upgraded), with the schema version it has. */
  ready(): Promise<{ status: string; version: number }>;
  createSession(title: string): Promise<string>;
  append(
    sessionId: string,
    role: 'user' | 'assistant',
    content: string,
    status?: 'complete' | 'pending',
  ): Promise<void>;
  sessions(): Promise<StoredSession[]>;
  integrity(): Promise<{ ok: boolean; issues: unknown[] }>;
  snapshots(): Promise<{ reason: string; nativeVersion: number; rowCount: number }[]>;
  storeNames(): string[];
  getDraft(sessionId: string): Promise<string>;
  setDraft(sessionId: string, text: string): Promise<void>;
  /** A draft the UI holds in memory only, saved by the app's draft hook before a reload. */
  holdUnsavedDraft(sessionId: string, text: string): void;
  setLastExportAt(at: number): Promise<void>;
}

declare global {
  interface Window {
    __ternTest: TernTestHook;
  }
}

const prefs = createPrefs();

function db() {
  if (!app.db) throw new Error('the database is not open');
  return app.db;
}

window.__ternTest = {
  async ready() {
    for (;;) {
      const kind = app.status.kind;
      if (app.db && (kind === 'ready' || kind === 'memory' || kind === 'read-only'))
        return { status: kind, version: app.db.verno };
      if (kind === 'failed')
        throw new Error(`the database failed to open: ${app.status.error.message}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  },
  async createSession(title) {
    return (await createSession(db(), { workspaceId: DEFAULT_WORKSPACE_ID, title })).id;
  },
  async append(sessionId, role, content, status = 'complete') {
    await appendMessage(db(), sessionId, { role, content, status });
  },
  async sessions() {
    const out: StoredSession[] = [];
    for (const s of await listSessions(db(), DEFAULT_WORKSPACE_ID)) {
      const messages = (await allMessages(db(), s.id)).map((m) => ({
        id: m.id,
        seq: m.seq,
        role: m.role,
        content: m.content,
        status: m.status,
      }));
      out.push({ id: s.id, title: s.title, messageCount: s.messageCount, messages });
    }
    return out.sort((a, b) => a.title.localeCompare(b.title));
  },
  async integrity() {
    const report = await checkIntegrity(db());
    return { ok: report.ok, issues: report.issues };
  },
  async snapshots() {
    return (await listSnapshots()).map((b) => ({
      reason: b.reason,
      nativeVersion: b.nativeVersion,
      rowCount: b.rowCount,
    }));
  },
  storeNames: () =>
    db()
      .tables.map((t) => t.name)
      .sort(),
  getDraft: (sessionId) => prefs.getDraft(sessionId),
  setDraft: (sessionId, text) => prefs.setDraft(sessionId, text),
  holdUnsavedDraft(sessionId, text) {
    // Fire and forget, as a UI saving on its way out would: the app must let the write land.
    events.on('flush', () => {
      void prefs.setDraft(sessionId, text);
    });
  },
  setLastExportAt: (at) => prefs.setLastExportAt(at),
};

const panel = document.createElement('div');
document.body.append(panel);
mount(StorageStatus, { target: panel });
