import { describe, expect, it } from 'vitest';
import { useApp, newContext } from '../harness';
import { TernPage } from '../pages/app';

const env = useApp();

describe('two tabs', () => {
  it('shows a session created, renamed, written to and trashed in one tab in the other', async () => {
    const context = await newContext(env.browser);
    const a = new TernPage(await context.newPage(), env.server.url);
    const b = new TernPage(await context.newPage(), env.server.url);
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
