// Page model of Tern for the end-to-end tests: every control is found by its role and accessible
// name, the way a person (or a screen reader) finds it.
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { newContext, watchErrors, type AppEnv } from '../harness';

export class TernPage {
  constructor(
    readonly page: Page,
    readonly url: string,
  ) {}

  async open(): Promise<void> {
    await this.page.goto(this.url);
    await this.heading.waitFor();
  }

  /** Waits until the search index holds everything (the first pass over seeded rows done). */
  async indexed(): Promise<void> {
    await this.page.waitForFunction(
      () =>
        new Promise<boolean>((resolve) => {
          const req = indexedDB.open('tern');
          req.onsuccess = () => {
            const db = req.result;
            const tx = db.transaction(['meta', 'searchQueue']);
            const state = tx.objectStore('meta').get('search:backfill');
            const queued = tx.objectStore('searchQueue').count();
            tx.oncomplete = () => {
              db.close();
              const done = (state.result as { value?: { done?: boolean } } | undefined)?.value
                ?.done;
              resolve(done === true && queued.result === 0);
            };
          };
          req.onerror = () => resolve(false);
        }),
      null,
      { timeout: 60_000, polling: 200 },
    );
  }

  get sidebar(): Locator {
    return this.page.getByRole('complementary', { name: 'Sidebar' });
  }
  workspace(name: string): Locator {
    return this.sidebar.getByRole('region', { name, exact: true });
  }
  session(title: string): Locator {
    return this.sidebar
      .getByRole('listitem')
      .filter({ has: this.page.getByText(title, { exact: true }) });
  }
  get searchBox(): Locator {
    return this.page.getByRole('searchbox', { name: 'Search sessions' });
  }
  /** The hits of the search inside messages. */
  get messageHits(): Locator {
    return this.sidebar.getByRole('list', { name: 'In messages' }).getByRole('listitem');
  }
  messageHit(text: string): Locator {
    return this.messageHits.filter({ hasText: text }).getByRole('button');
  }
  get searchStatus(): Locator {
    // The sidebar also shows the network ("Online"/"Offline"), a status of its own.
    return this.sidebar.getByRole('status').filter({ hasNotText: /Online|Offline/ });
  }
  get heading(): Locator {
    return this.page.getByRole('main').getByRole('heading', { level: 1 });
  }
  get composer(): Locator {
    return this.page.getByRole('combobox', { name: 'Message' });
  }
  get messages(): Locator {
    return this.page.getByRole('region', { name: 'Messages' }).getByRole('article');
  }
  message(text: string): Locator {
    return this.messages.filter({ hasText: text });
  }

  /**
   * Starts a session and waits until it is the one on screen: the previous conversation's composer
   * stays in place for a moment, and text typed into it would go to that session's draft.
   */
  async newSession(): Promise<void> {
    await this.sidebar.getByRole('button', { name: 'New session', exact: true }).click();
    await expect.poll(() => this.heading.textContent()).toBe('New chat');
    await expect.poll(() => this.messages.count()).toBe(0);
    await this.composer.waitFor();
  }

  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press('Enter');
  }

  async renameSession(from: string, to: string): Promise<void> {
    await this.sidebar.getByRole('button', { name: `More actions for ${from}` }).click();
    await this.sidebar.getByRole('button', { name: 'Rename', exact: true }).click();
    const input = this.sidebar.getByRole('textbox', { name: 'Session title' });
    await input.fill(to);
    await input.press('Enter');
  }

  async trashSession(title: string): Promise<void> {
    await this.sidebar.getByRole('button', { name: `More actions for ${title}` }).click();
    await this.sidebar.getByRole('button', { name: 'Move to trash', exact: true }).click();
  }

  dialog(name: string): Locator {
    return this.page.getByRole('dialog', { name });
  }

  notice(text: string): Locator {
    return this.page.getByText(text);
  }
}

/** Rows written straight into the stores, as another version or an import would leave them. */
export interface SeedSession {
  id: string;
  title: string;
  workspaceId?: string;
  messages: {
    content: string;
    role?: string;
    status?: string;
    error?: string;
    parts?: unknown[];
    metadata?: Record<string, unknown>;
  }[];
  /** Older versions of a message (by its index), stored as the other versions of it. */
  versions?: { at: number; content: string }[];
}

/** Opens the app once (so the database exists), then writes sessions in a same-origin blank page. */
export async function seed(page: Page, url: string, sessions: SeedSession[]): Promise<void> {
  await page.goto(url);
  await page.getByRole('main').getByRole('heading', { level: 1 }).waitFor();
  await page.goto(`${url}/__blank`);
  await page.evaluate(async (sessions) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('tern');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(String(req.error)));
    });
    const tx = db.transaction(['sessions', 'messages', 'branchMessages', 'meta'], 'readwrite');
    // Rows written straight into the stores, as an older version left them: the search index's
    // first pass is to run over them, and sync's stamping of every record, as after the upgrade.
    tx.objectStore('meta').delete('search:backfill');
    tx.objectStore('meta').delete('sync:backfill');
    const t0 = Date.now() - 3_600_000;
    for (const s of sessions) {
      const t = t0 + s.messages.length;
      tx.objectStore('sessions').put({
        id: s.id,
        workspaceId: s.workspaceId ?? 'default',
        title: s.title,
        model: null,
        createdAt: t0,
        updatedAt: t,
        lastActivityAt: t,
        deletedAt: null,
        messageCount: s.messages.length + (s.versions?.length ?? 0),
        imageCount: 0,
        totalTokens: 0,
        compactionCount: 0,
        metadata: {},
      });
      s.messages.forEach((m, i) => {
        const status = m.status ?? 'complete';
        const row: Record<string, unknown> = {
          id: `${s.id}-m${i + 1}`,
          sessionId: s.id,
          seq: i + 1,
          role: m.role ?? (i % 2 ? 'assistant' : 'user'),
          content: m.content,
          parts: m.parts ?? [{ type: 'text', text: m.content }],
          name: null,
          toolCallId: null,
          tokens: null,
          status,
          error: m.error ? { code: 'provider', message: m.error } : null,
          preserved: false,
          metadata: m.metadata ?? {},
          createdAt: t0 + i,
          updatedAt: t0 + i,
        };
        if (status === 'pending' || status === 'streaming') row.openStatus = status;
        tx.objectStore('messages').put(row);
      });
      s.versions?.forEach((v, k) => {
        const at = s.messages[v.at];
        tx.objectStore('branchMessages').put({
          id: `${s.id}-v${k + 1}`,
          sessionId: s.id,
          seq: v.at + 1,
          role: at?.role ?? (v.at % 2 ? 'assistant' : 'user'),
          content: v.content,
          parts: [{ type: 'text', text: v.content }],
          name: null,
          toolCallId: null,
          tokens: null,
          status: 'complete',
          error: null,
          preserved: false,
          metadata: {},
          // Older than the version on screen, so that it counts as the last one.
          createdAt: t0 - 1000 + k,
          updatedAt: t0 - 1000 + k,
          parentId: v.at > 0 ? `${s.id}-m${v.at}` : '',
          setAsideAt: t0 - 500 + k,
        });
      });
    }
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error(String(tx.error)));
    });
    db.close();
  }, sessions);
}

/** A new profile with one tab on the app, its errors watched. */
export async function openFresh(env: AppEnv, viewport = { width: 1280, height: 800 }) {
  const context = await newContext(env.browser, { viewport });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const tern = new TernPage(page, env.server.url);
  await tern.open();
  return { context, page, tern, errors };
}

/** Hostile payloads in the tests call `window.__xss(what)` if they ever run: record those calls in
 * every page the profile opens from now on. */
export async function recordXss(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __xss: (w: string) => void; __xssHits: string[] };
    w.__xssHits = [];
    w.__xss = (what: string) => w.__xssHits.push(what);
  });
}

/** What hostile payloads ran in the page so far (empty when none did). */
export function xssRan(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __xssHits: string[] }).__xssHits);
}
