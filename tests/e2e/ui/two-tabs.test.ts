import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, newContext, serveApp, type AppServer } from '../harness';
import { TernPage } from '../pages/app';

let server: AppServer;
let browser: Browser;
beforeAll(async () => {
  server = await serveApp();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('two tabs', () => {
  it('shows a session created, renamed, written to and trashed in one tab in the other', async () => {
    const context = await newContext(browser);
    const a = new TernPage(await context.newPage(), server.url);
    const b = new TernPage(await context.newPage(), server.url);
    await a.open();
    await b.open();
    await a.newSession();
    await expect.poll(() => b.session('New chat').count()).toBe(1);
    await a.renameSession('New chat', 'Shared notes');
    await expect.poll(() => b.session('Shared notes').count()).toBe(1);
    await b.session('Shared notes').getByRole('button').first().click();
    await a.send('written in tab A');
    await expect.poll(() => b.message('written in tab A').count()).toBe(1);
    await expect.poll(() => b.session('Shared notes').getByText('1 message').count()).toBe(1);
    await a.trashSession('Shared notes');
    await expect.poll(() => b.session('Shared notes').count()).toBe(0);
    await expect.poll(() => b.page.getByText('This session is in the trash').count()).toBe(1);
    await b.page.reload();
    await expect.poll(() => b.session('Shared notes').count()).toBe(0);
    await context.close();
  });
});
