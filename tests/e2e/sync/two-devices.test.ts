// Two devices (two browser profiles of the built app) syncing through a real CouchDB-API server
// (PouchDB Server on 127.0.0.1), set up the way a person does it: Settings → Sync, Test connection,
// Create the database, Turn on sync. What one device has reaches the other; a rename on one shows
// on the other while both are open; a reload keeps it all and sync goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { newContext, useApp, watchErrors } from '../harness';
import { seed, TernPage } from '../pages/app';
import { startCouchServer, type CouchServer } from '../../helpers/couch-server';

const app = useApp();
let couch: CouchServer;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  couch = await startCouchServer();
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await couch?.stop();
});

async function device(): Promise<{ page: Page; tern: TernPage; errors: string[] }> {
  const context = await newContext(app.browser);
  contexts.push(context);
  const page = await context.newPage();
  const errors = watchErrors(page);
  return { page, tern: new TernPage(page, app.server.url), errors };
}

/** Settings → Sync, filled in with the test's server. */
async function openSyncSettings(tern: TernPage) {
  await tern.sidebar.getByRole('button', { name: 'Settings' }).click();
  const dialog = tern.dialog('Settings');
  await dialog.getByRole('tab', { name: 'Sync' }).click();
  await dialog.getByLabel('Server address').fill(couch.url);
  await dialog.getByLabel('Database name').fill('tern');
  return dialog;
}

const indicator = (tern: TernPage) => tern.sidebar.getByRole('status', { name: 'Sync' });
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 100 });

describe('sync between two devices', () => {
  it('sets up through the settings, brings one device’s history to the other, and follows live edits', async () => {
    const a = await device();
    await seed(a.page, app.server.url, [
      {
        id: 'trip',
        title: 'Trip to Lisbon',
        messages: [
          { content: 'Plan three days in Lisbon' },
          { content: 'Day one: Alfama and the castle.', role: 'assistant' },
        ],
      },
      { id: 'recipes', title: 'Recipes', messages: [{ content: 'A bread with no knead' }] },
    ]);
    await a.tern.open();
    let dialog = await openSyncSettings(a.tern);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await poll(() => dialog.getByRole('alert').textContent()).toMatch(/tern/);
    await dialog.getByRole('button', { name: 'Create the database' }).click();
    await poll(() => dialog.getByRole('status').first().textContent()).toMatch(/Connected/);
    await dialog.getByRole('button', { name: 'Turn on sync' }).click();
    await poll(() => indicator(a.tern).textContent()).toContain('Synced');
    await poll(() => dialog.getByText('Nothing waiting to be sent').count()).toBe(1);
    await dialog.getByRole('button', { name: 'Close' }).first().click();

    const b = await device();
    await b.tern.open();
    dialog = await openSyncSettings(b.tern);
    await dialog.getByRole('button', { name: 'Turn on sync' }).click();
    await poll(() => indicator(b.tern).textContent()).toContain('Synced');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await poll(() => b.tern.session('Trip to Lisbon').count()).toBe(1);
    await b.tern.session('Trip to Lisbon').getByRole('button').first().click();
    await poll(() => b.tern.message('Day one: Alfama and the castle.').count()).toBe(1);
    await poll(() => b.tern.session('Recipes').count()).toBe(1);

    // Both open: a rename on B shows on A.
    await b.tern.renameSession('Trip to Lisbon', 'Trip to Porto');
    await poll(() => a.tern.session('Trip to Porto').count()).toBe(1);

    // A reload keeps everything, and sync goes on from where it was.
    await b.page.reload();
    await b.tern.heading.waitFor();
    await poll(() => indicator(b.tern).textContent()).toContain('Synced');
    await poll(() => b.tern.session('Trip to Porto').count()).toBe(1);
    await a.tern.renameSession('Recipes', 'Bread recipes');
    await poll(() => b.tern.session('Bread recipes').count()).toBe(1);

    // The browser logs every 404 it fetches; CouchDB answers 404 for a database not made yet and
    // for a device's first checkpoint, both expected here. Nothing else may be logged.
    const unexpected = (errors: string[]) =>
      errors.filter((e) => !(e.includes('status of 404') && e.includes(couch.url)));
    expect(unexpected(a.errors)).toEqual([]);
    expect(unexpected(b.errors)).toEqual([]);
  });
});
