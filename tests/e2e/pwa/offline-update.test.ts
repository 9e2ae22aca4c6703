// Tern with the network gone, and Tern updated under a user with data: both against test builds
// (the app plus a hook to drive the repositories), made once here and shared. "next" has one
// more schema version, as the following release would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, newContext, serveApp, watchErrors, type AppServer } from '../harness';
import { awaitHook, buildTern, CURRENT_VERSION, NEXT_VERSION } from './builds';

let server: AppServer;
let browser: Browser;
let current: string;
let next: string;

beforeAll(async () => {
  current = await buildTern('current');
  next = await buildTern('next', { nextSchema: true });
  server = await serveApp(current);
  browser = await launch();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens Tern and waits until its service worker controls the page and the data is open. */
async function openTern(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
    .toBe(true);
  await page.evaluate(() => window.__ternTest.ready());
  return page;
}

const network = (page: Page) => page.getByRole('status', { name: 'Network' });
const workspace = (page: Page) => page.getByRole('region', { name: 'My workspace' });

describe('offline for real', () => {
  it('opens with no network at all, shows the data, takes new writes and holds them as pending', async () => {
    const context = await newContext(browser);
    await awaitHook(context);
    const foreign: string[] = [];
    context.on('request', (r) => {
      if (!r.url().startsWith(server.url)) foreign.push(r.url());
    });
    const page = await openTern(context);
    const errors = watchErrors(page);
    const online = await page.evaluate(async () => {
      const t = window.__ternTest;
      const id = await t.createSession('Before the flight');
      await t.append(id, 'user', 'What do terns eat?');
      await t.append(id, 'assistant', 'Mostly small fish.');
      return id;
    });
    await expect.poll(() => workspace(page).getByText('Before the flight').count()).toBe(1);
    await expect.poll(() => network(page).textContent()).toContain('Online');

    // The network goes for the page and for the service worker (the server refuses everything).
    server.setOffline(true);
    await context.setOffline(true);
    const seen = server.requests.length;
    await page.reload();
    await page.evaluate(() => window.__ternTest.ready());

    await expect.poll(() => workspace(page).getByText('Before the flight').count()).toBe(1);
    await expect.poll(() => workspace(page).getByText('2 messages').count()).toBe(1);
    await expect.poll(() => network(page).textContent()).toContain('Offline');

    const written = await page.evaluate(async () => {
      const t = window.__ternTest;
      const id = await t.createSession('Written at sea');
      await t.append(id, 'user', 'Is the tide coming in?', 'pending');
      return id;
    });
    await expect.poll(() => workspace(page).getByText('Written at sea').count()).toBe(1);
    await expect
      .poll(() => network(page).textContent())
      .toMatch(/Offline\s*·\s*1 message waits to be sent/);

    const stored = await page.evaluate(() => window.__ternTest.sessions());
    const sea = stored.find((s) => s.id === written);
    expect(sea?.messages.map((m) => [m.content, m.status])).toEqual([
      ['Is the tide coming in?', 'pending'],
    ]);
    expect(stored.find((s) => s.id === online)?.messageCount).toBe(2);
    expect((await page.evaluate(() => window.__ternTest.integrity())).ok).toBe(true);

    // Nothing the app needed came from the network: at most the browser's own update check.
    expect(server.requests.slice(seen).filter((p) => p !== '/sw.js')).toEqual([]);

    // And when the network is back, the indicator says so.
    server.setOffline(false);
    await context.setOffline(false);
    await expect.poll(() => network(page).textContent()).toMatch(/Online\s*·\s*1 message waits/);

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the storage panel', () => {
  it('shows the last export, nudges when it is old, and asks to persist after an install', async () => {
    const context = await newContext(browser);
    await awaitHook(context);
    const page = await openTern(context);
    const panel = page.getByRole('region', { name: 'Keeping your data' });
    await expect.poll(() => panel.textContent()).toContain('Last export: never');
    await expect.poll(() => panel.textContent()).toContain('Works offline');
    await expect.poll(() => panel.textContent()).not.toContain('Export a copy');
    await page.evaluate(async () => {
      const t = window.__ternTest;
      await t.append(await t.createSession('Notes'), 'user', 'hello');
    });
    await expect.poll(() => panel.textContent()).toContain('Export a copy of your data');

    await page.evaluate(() => window.__ternTest.setLastExportAt(Date.now() - 10 * 86_400_000));
    await page.reload();
    await expect.poll(() => panel.textContent()).toContain('Last export: 10 days ago');
    await expect.poll(() => panel.textContent()).toContain('More than 7 days ago');

    await page.evaluate(() => window.__ternTest.setLastExportAt(Date.now()));
    await page.reload();
    await expect.poll(() => panel.textContent()).toContain('Last export: today');
    await expect.poll(() => panel.textContent()).not.toContain('days ago');

    // Chromium grants persistence to installed apps; here it may say yes or no, but it is asked,
    // and the panel reports the browser's answer.
    const before = await panel.textContent();
    expect(before).toContain('Not stored persistently');
    await page.evaluate(() => window.dispatchEvent(new Event('appinstalled')));
    const granted = await page.evaluate(() => navigator.storage.persisted());
    await expect
      .poll(() => panel.textContent())
      .toContain(granted ? 'Stored persistently' : 'The browser said no for now');
    expect(await panel.textContent()).not.toContain('seven days');
    await context.close();
  });

  it('tells iPhone users about the seven-day rule and how to add Tern to the Home Screen', async () => {
    const context = await browser.newContext({
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      viewport: { width: 390, height: 844 },
    });
    await awaitHook(context);
    const page = await openTern(context);
    const note = page.getByRole('note', { name: 'Safari deletes data after seven days' });
    await expect.poll(() => note.textContent()).toContain('after seven days without a visit');
    await expect.poll(() => note.textContent()).toContain('Add to Home Screen');
    await context.close();
  });
});

describe('updating Tern', () => {
  it('offers the new version; accepting it upgrades the data in every tab and keeps the drafts', async () => {
    server.setRoot(current);
    const context = await newContext(browser);
    await awaitHook(context);
    const page = await openTern(context);
    const errors = watchErrors(page);
    const { first, second } = await page.evaluate(async () => {
      const t = window.__ternTest;
      const first = await t.createSession('Migration notes');
      for (let i = 0; i < 4; i++)
        await t.append(first, i % 2 ? 'assistant' : 'user', `note ${i} — ünïcode ✓`);
      const second = await t.createSession('Half written');
      await t.append(second, 'user', 'A question waiting', 'pending');
      await t.setDraft(first, 'a saved draft');
      // The second session's draft exists only in the UI until the app saves it on the way out.
      t.holdUnsavedDraft(second, 'typed just before the update');
      return { first, second };
    });
    const before = await page.evaluate(() => window.__ternTest.sessions());
    expect(await page.evaluate(() => window.__ternTest.ready())).toMatchObject({
      version: CURRENT_VERSION,
    });

    // A second tab of the same app.
    const other = await openTern(context);
    await other.evaluate(() => ((window as unknown as { oldPage: boolean }).oldPage = true));

    server.setRoot(next);
    await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      await r?.update();
    });
    const banner = (p: Page) => p.getByRole('status').filter({ hasText: 'new version of Tern' });
    await expect.poll(() => banner(page).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => banner(other).count(), { timeout: 20_000 }).toBe(1);
    // Offered, not forced: nothing changed yet.
    expect(await page.evaluate(() => window.__ternTest.ready())).toMatchObject({
      version: CURRENT_VERSION,
    });

    await Promise.all([
      page.waitForEvent('load', { timeout: 30_000 }),
      page.getByRole('button', { name: 'Update now' }).click(),
    ]);
    expect(await page.evaluate(() => window.__ternTest.ready())).toEqual({
      status: 'ready',
      version: NEXT_VERSION,
    });
    expect(await page.evaluate(() => window.__ternTest.storeNames())).toContain('pins');
    expect(await page.evaluate(() => window.__ternTest.sessions())).toEqual(before);
    expect(await page.evaluate(() => window.__ternTest.integrity())).toEqual({
      ok: true,
      issues: [],
    });
    const snapshots = await page.evaluate(() => window.__ternTest.snapshots());
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({
      reason: 'pre-upgrade',
      nativeVersion: CURRENT_VERSION * 10,
    });
    expect(snapshots[0]?.rowCount).toBeGreaterThanOrEqual(8);
    expect(await page.evaluate((id) => window.__ternTest.getDraft(id), first)).toBe(
      'a saved draft',
    );
    expect(await page.evaluate((id) => window.__ternTest.getDraft(id), second)).toBe(
      'typed just before the update',
    );
    await expect.poll(() => workspace(page).getByText('Migration notes').count()).toBe(1);
    await expect.poll(() => banner(page).count()).toBe(0);

    // The other tab reloaded onto the new version by itself.
    await expect
      .poll(
        () =>
          other
            .evaluate(() => (window as unknown as { oldPage?: boolean }).oldPage === undefined)
            .catch(() => false),
        { timeout: 20_000 },
      )
      .toBe(true);
    expect(await other.evaluate(() => window.__ternTest.ready())).toMatchObject({
      version: NEXT_VERSION,
    });
    expect(errors).toEqual([]);
    await context.close();
  });
});
