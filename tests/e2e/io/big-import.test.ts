// A big history imported through Settings → Storage: a generated Tern file of 2,000 conversations.
// Every conversation and message arrives, the sidebar shows the 100 most recent in order, and a
// cancel midway leaves whole conversations only (each stored session owns exactly the messages
// its counter says, and nothing else is stored).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useApp } from '../harness';
import { openFresh, type TernPage } from '../pages/app';
import { sessionTitle, writeTernExport } from '../../../bench/export-files.mjs';

const env = useApp();
const SESSIONS = 2000;
const PER_SESSION = 10;

interface Stored {
  sessions: number;
  messages: number;
  /** Sessions whose messages are not exactly as many as their counter says. */
  partial: string[];
}

/** What the database holds, read in the page with IndexedDB itself. */
function stored(page: Page): Promise<Stored> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('tern');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(String(req.error)));
    });
    const tx = db.transaction(['sessions', 'messages'], 'readonly');
    const ask = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(new Error(String(r.error)));
      });
    const sessions = await ask(tx.objectStore('sessions').getAll());
    const messages = await ask(tx.objectStore('messages').getAll());
    const owned = new Map<string, number>();
    for (const m of messages as { sessionId: string }[])
      owned.set(m.sessionId, (owned.get(m.sessionId) ?? 0) + 1);
    const partial = (sessions as { id: string; messageCount: number }[])
      .filter((s) => owned.get(s.id) !== s.messageCount)
      .map((s) => s.id);
    const orphans = [...owned.keys()].filter(
      (id) => !(sessions as { id: string }[]).some((s) => s.id === id),
    );
    db.close();
    return {
      sessions: sessions.length,
      messages: messages.length,
      partial: [...partial, ...orphans],
    };
  });
}

async function ioPanel(tern: TernPage): Promise<Locator> {
  await tern.sidebar.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = tern.dialog('Settings');
  await dialog.getByRole('tab', { name: 'Storage' }).click();
  const io = dialog.getByRole('region', { name: 'Import and export' });
  await io.getByRole('button', { name: 'Export everything' }).waitFor();
  return io;
}

const ended = (io: Locator) =>
  io
    .getByRole('status')
    .filter({ hasText: /The import (is finished|was cancelled|stopped)|Nothing was imported/ });

describe('a 2,000-conversation import through the app', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tern-big-import-'));
    file = join(dir, 'tern-export.json');
    await writeTernExport(file, { sessions: SESSIONS, perSession: PER_SESSION, words: 30 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('brings in every conversation and message, and lists the most recent first', async () => {
    const { context, page, tern, errors } = await openFresh(env);
    const io = await ioPanel(tern);
    await io.getByLabel('Choose files…').setInputFiles(file);
    await ended(io).waitFor({ timeout: 180_000 });
    expect(await ended(io).textContent()).toContain('The import is finished.');

    const db = await stored(page);
    expect(db).toEqual({ sessions: SESSIONS, messages: SESSIONS * PER_SESSION, partial: [] });

    await page.keyboard.press('Escape');
    const ws = tern.workspace('My workspace');
    const titles = ws.getByRole('button', { name: /^More actions for / });
    await expect.poll(() => titles.count()).toBe(100);
    const listed = await titles.evaluateAll((els) =>
      els.map((e) => (e.getAttribute('aria-label') ?? '').replace(/^More actions for /, '')),
    );
    // Session i was active at minute i: the newest 100, newest first.
    expect(listed).toEqual(Array.from({ length: 100 }, (_, k) => sessionTitle(SESSIONS - 1 - k)));
    // The count follows writes at most once a second, so it may trail the list for that long.
    const more = ws.getByRole('button', { name: /^Show \d+ more/ });
    await expect
      .poll(() => more.textContent(), { timeout: 5_000 })
      .toContain(`Show 100 more (${(SESSIONS - 100).toLocaleString('en')} not shown)`);
    expect(errors.join('\n')).toBe('');
    await context.close();
  }, 240_000);

  it('stops when cancelled midway, keeping whole conversations only', async () => {
    const { context, page, tern, errors } = await openFresh(env);
    const io = await ioPanel(tern);
    await io.getByLabel('Choose files…').setInputFiles(file);
    // As soon as some conversations are in, cancel.
    await io
      .getByRole('status')
      .filter({ hasText: /\d+ conversations/ })
      .waitFor();
    await io.getByRole('button', { name: 'Cancel' }).click();
    await ended(io).waitFor({ timeout: 60_000 });
    expect(await ended(io).textContent()).toContain('The import was cancelled.');

    const db = await stored(page);
    expect(db.partial).toEqual([]);
    expect(db.sessions).toBeGreaterThan(0);
    expect(db.sessions).toBeLessThan(SESSIONS);
    expect(db.messages).toBe(db.sessions * PER_SESSION);
    expect(errors.join('\n')).toBe('');
    await context.close();
  }, 240_000);
});
