import { describe, expect, it } from 'vitest';
import { useApp, newContext } from '../harness';
import { seed, TernPage } from '../pages/app';

const env = useApp();

describe('a conversation', () => {
  it('opens a 10,000-message session at its end and loads older pages while scrolling up', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    const messages = Array.from({ length: 10_000 }, (_, i) => ({
      content: `Message number ${i + 1}`,
    }));
    await seed(page, env.server.url, [{ id: 'big', title: 'Big one', messages }]);
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.session('Big one').getByRole('button').first().click();
    await expect.poll(() => tern.message('Message number 10000').count()).toBe(1);
    // Only what is on screen is in the DOM.
    expect(await tern.messages.count()).toBeLessThan(60);
    const list = page.getByRole('region', { name: 'Messages' }).locator('div').first();
    // Keep scrolling to the top, as a reader would, until messages from three pages back show.
    const oldestShown = async () =>
      Number(/Message number (\d+)/.exec((await tern.messages.first().textContent()) ?? '')?.[1]);
    await expect
      .poll(
        async () => {
          await list.evaluate((el) => (el.scrollTop = 0));
          return oldestShown();
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBeLessThan(9850);
    // The window keeps its place while pages arrive: no jump back to the end.
    expect(await tern.message('Message number 10000').count()).toBe(0);
    await context.close();
  });

  it('shows each message status from the row, tool blocks, and code with a copy button', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    await seed(page, env.server.url, [
      {
        id: 's1',
        title: 'Statuses',
        messages: [
          { content: 'queued while offline', role: 'user', status: 'pending' },
          { content: 'half a repl', role: 'assistant', status: 'streaming' },
          { content: 'cut short', role: 'assistant', status: 'interrupted' },
          {
            content: '',
            role: 'assistant',
            status: 'error',
            error: 'The API key was refused (401).',
          },
          {
            content: '```python\nprint("hi")\n```',
            role: 'assistant',
            parts: [
              { type: 'text', text: '```python\nprint("hi")\n```' },
              { type: 'tool-call', toolCallId: 'c1', name: 'search', arguments: '{"q":"tern"}' },
            ],
          },
        ],
      },
    ]);
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.session('Statuses').getByRole('button').first().click();
    await expect
      .poll(() => tern.message('queued while offline').getByText('Waiting to send').count())
      .toBe(1);
    // Nobody streams the seeded reply, so start-up recovery marks it interrupted (a reply that is
    // really arriving shows “Writing…”: tests/e2e/chat/stream.test.ts).
    await expect.poll(() => tern.message('half a repl').getByText('Interrupted').count()).toBe(1);
    await expect.poll(() => tern.message('cut short').getByText('Interrupted').count()).toBe(1);
    await expect
      .poll(() => tern.messages.getByText('Failed: The API key was refused (401).').count())
      .toBe(1);
    const code = tern.message('print("hi")');
    await expect.poll(() => code.getByRole('button', { name: 'Copy code' }).count()).toBe(1);
    await expect
      .poll(() => code.locator('.hljs-built_in, .hljs-string').count())
      .toBeGreaterThan(0);
    await code.getByText('Tool call: search').click();
    await expect.poll(() => code.getByText('{"q":"tern"}').isVisible()).toBe(true);
    // Nothing is arriving, so there is nothing to stop.
    await expect.poll(() => page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    await page.reload();
    await expect.poll(() => tern.message('half a repl').getByText('Interrupted').count()).toBe(1);
    // With no provider set up, the message written offline keeps waiting for one. (A reloaded page
    // on a busy machine can take longer than the default poll to draw the session again.)
    await expect
      .poll(() => tern.message('queued while offline').getByText('Waiting to send').count(), {
        timeout: 15_000,
      })
      .toBe(1);
    await context.close();
  });

  it('edits and deletes messages and keeps the draft across reloads', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.newSession();
    await tern.send('first version');
    // A second Enter while the first message is still being stored is not a second send.
    await expect.poll(() => tern.message('first version').count()).toBe(1);
    await tern.send('to be removed');
    await tern.message('first version').getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('textbox', { name: 'Edit message' });
    await edit.fill('second version');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => tern.message('second version').count()).toBe(1);
    await tern.message('to be removed').getByRole('button', { name: 'Delete' }).click();
    await tern.message('to be removed').getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => tern.message('to be removed').count()).toBe(0);
    await tern.composer.fill('half-written thought');
    await page.waitForTimeout(400);
    await page.reload();
    await expect.poll(() => tern.composer.inputValue()).toBe('half-written thought');
    await expect.poll(() => tern.message('second version').count()).toBe(1);
    await expect.poll(() => tern.messages.count()).toBe(1);
    await context.close();
  });

  it('runs slash commands from the keyboard, ranked by use', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.newSession();
    await tern.composer.fill('/ren');
    const menu = page.getByRole('listbox', { name: 'Commands' });
    await expect.poll(() => menu.getByRole('option').first().textContent()).toContain('/rename');
    await tern.composer.press('Enter');
    const title = page.getByRole('main').getByRole('textbox', { name: 'Session title' });
    await title.fill('Renamed by command');
    await title.press('Enter');
    await expect.poll(() => tern.heading.textContent()).toBe('Renamed by command');
    await tern.composer.fill('/');
    await expect.poll(() => menu.getByRole('option').first().textContent()).toContain('/rename');
    await tern.composer.press('Escape');
    await page.reload();
    await tern.composer.fill('/');
    await expect.poll(() => menu.getByRole('option').first().textContent()).toContain('/rename');
    await context.close();
  });
});
