// Search inside messages, from the sidebar's search box: hits with the words marked, a hit opens its
// session at the message (deep in a long session too), on desktop and in the phone's drawer, by
// mouse and by keyboard, and hostile message text stays text.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useApp, newContext } from '../harness';
import { recordXss, seed, TernPage, xssRan, type SeedSession } from '../pages/app';

const env = useApp();

/** 3,000 messages; number 30 (an assistant's) is the only one saying "quokka". */
function longHistory(): SeedSession {
  const messages = Array.from({ length: 3_000 }, (_, i) => ({
    content: `Message number ${i + 1} about nothing much`,
  }));
  messages[29] = { content: 'At the zoo we finally saw a QUOKKA smiling at everyone.' };
  return { id: 'long', title: 'Long history', messages };
}

const OTHERS: SeedSession[] = [
  { id: 'trip', title: 'Trip to Lisbon', messages: [{ content: 'Three days in Lisbon?' }] },
  { id: 'py', title: 'Python files', messages: [{ content: 'Use a with block.' }] },
];

async function isFocusedAndVisible(page: Page, target: Locator): Promise<boolean> {
  const focused = await target.evaluate((el) => el === document.activeElement).catch(() => false);
  if (!focused) return false;
  const box = await target.boundingBox();
  const region = await page.getByRole('region', { name: 'Messages' }).boundingBox();
  if (!box || !region) return false;
  return box.y < region.y + region.height && box.y + box.height > region.y;
}

describe('search inside messages', () => {
  it('finds a word said once deep in a long session and opens the session at it, after a reload too', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    await seed(page, env.server.url, [longHistory(), ...OTHERS]);
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.indexed();

    for (let round = 0; round < 2; round++) {
      await tern.searchBox.fill('quokka');
      // After the reload the search comes back from the address (#search=quokka) as the app loads.
      await expect.poll(() => tern.messageHits.count(), { timeout: 5000 }).toBe(1);
      await expect.poll(() => tern.searchStatus.textContent()).toBe('1 message matches');
      const hit = tern.messageHit('Long history');
      expect(await hit.textContent()).toContain('Assistant');
      expect(await hit.locator('mark').allTextContents()).toEqual(['QUOKKA']);
      expect(await hit.textContent()).toContain('At the zoo we finally saw a QUOKKA smiling');

      await hit.click();
      await expect.poll(() => tern.heading.textContent()).toBe('Long history');
      const target = page.getByRole('article', { name: 'Assistant, message 30', exact: true });
      await expect.poll(() => isFocusedAndVisible(page, target), { timeout: 10_000 }).toBe(true);
      expect(await target.textContent()).toContain('QUOKKA');
      // Only a window around it is drawn, not the 3,000 messages.
      expect(await tern.messages.count()).toBeLessThan(60);
      // The hits stay, to pick another.
      expect(await tern.messageHits.count()).toBe(1);
      await page.reload();
      await tern.heading.waitFor();
    }

    // Back to the newest messages in one step.
    await expect.poll(() => tern.heading.textContent()).toBe('Long history');
    await tern.searchBox.fill('quokka');
    await tern.messageHit('Long history').click();
    const newest = page.getByRole('button', { name: 'Newest messages' });
    await newest.click();
    await expect.poll(() => tern.message('Message number 3000 about').count()).toBe(1);
    await expect.poll(() => newest.count()).toBe(0);
    await context.close();
  });

  it('matches every word, any case and accent, says when nothing matches, and loads newer pages while scrolling down', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    await seed(page, env.server.url, [
      longHistory(),
      {
        id: 'cafe',
        title: 'Cafés',
        messages: [{ content: 'Un CAFÉ à Lisbonne, près du fleuve.' }, { content: 'café only' }],
      },
    ]);
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.indexed();
    await tern.searchBox.fill('cafe lisbonne');
    await expect.poll(() => tern.messageHits.count(), { timeout: 5000 }).toBe(1);
    expect(await tern.messageHit('Cafés').locator('mark').allTextContents()).toEqual([
      'CAFÉ',
      'Lisbonne',
    ]);
    // A hit whose message was deleted since says so.
    await tern.messageHit('Cafés').click();
    const found = tern.message('Un CAFÉ à Lisbonne');
    await expect.poll(() => found.evaluate((el) => el === document.activeElement)).toBe(true);
    await found.getByRole('button', { name: 'Delete' }).click();
    await found.getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => found.count()).toBe(0);
    await tern.messageHit('Cafés').click();
    await expect
      .poll(() => tern.notice('That message no longer exists. It may have been deleted.').count())
      .toBe(1);
    await expect.poll(() => tern.message('café only').count()).toBe(1);

    await tern.searchBox.fill('cafe nowhere');
    await expect.poll(() => tern.searchStatus.textContent()).toBe('No message matches');
    expect(await tern.messageHits.count()).toBe(0);

    await tern.searchBox.fill('quokka');
    await tern.messageHit('Long history').click();
    const target = page.getByRole('article', { name: 'Assistant, message 30', exact: true });
    await expect.poll(() => isFocusedAndVisible(page, target), { timeout: 10_000 }).toBe(true);
    const list = page.getByRole('region', { name: 'Messages' }).locator('div').first();
    const newestShown = async () =>
      Number(/Message number (\d+)/.exec((await tern.messages.last().textContent()) ?? '')?.[1]);
    await expect
      .poll(
        async () => {
          await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
          return newestShown();
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBeGreaterThan(150);
    await context.close();
  });

  it('works from the keyboard in the phone drawer, which closes on the chosen hit', async () => {
    const context = await newContext(env.browser, { viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await seed(page, env.server.url, [longHistory(), ...OTHERS]);
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.indexed();
    await page.keyboard.press('Control+k');
    await expect.poll(() => tern.sidebar.isVisible()).toBe(true);
    await page.keyboard.type('QUOKKA zoo');
    await expect.poll(() => tern.messageHits.count(), { timeout: 5000 }).toBe(1);
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => tern.messageHit('Long history').evaluate((el) => el === document.activeElement))
      .toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => tern.sidebar.isVisible()).toBe(false);
    const target = page.getByRole('article', { name: 'Assistant, message 30', exact: true });
    await expect.poll(() => isFocusedAndVisible(page, target), { timeout: 10_000 }).toBe(true);
    await context.close();
  });

  it('shows hostile message text as text in the snippet, and runs none of it', async () => {
    const context = await newContext(env.browser);
    await recordXss(context);
    const page = await context.newPage();
    const hostile = `<img src=x onerror="window.__xss('img')"> heron <script>window.__xss('script')</script> <svg onload="window.__xss('svg')">`;
    await seed(page, env.server.url, [
      {
        id: 'h',
        title: `<b onmouseover="window.__xss('title')">heron</b>`,
        messages: [{ content: hostile }],
      },
    ]);
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.indexed();
    await tern.searchBox.fill('heron onerror');
    await expect.poll(() => tern.messageHits.count()).toBe(1);
    const hits = tern.sidebar.getByRole('list', { name: 'In messages' });
    expect(await hits.getByRole('button').textContent()).toContain(hostile.slice(0, 40));
    expect(await hits.locator('mark').allTextContents()).toEqual(['onerror', 'heron']);
    const found = await hits.evaluate((el) => ({
      tags: [...el.querySelectorAll('*')]
        .map((e) => e.tagName.toLowerCase())
        .filter((t) => !['li', 'button', 'span', 'mark', 'time'].includes(t)),
      handlers: [...el.querySelectorAll('*')].flatMap((e) =>
        [...e.attributes].map((a) => a.name).filter((n) => n.startsWith('on')),
      ),
    }));
    expect(found).toEqual({ tags: [], handlers: [] });
    await hits.getByRole('button').hover();
    await hits.getByRole('button').click();
    await expect.poll(() => tern.message('heron <script>').count()).toBe(1);
    await page.waitForTimeout(300);
    expect(await xssRan(page)).toEqual([]);
    await context.close();
  });
});
