// The conversation follows a reply as it streams, on a phone and a laptop: when it ends, its last
// line and its buttons are in view above the composer; a user who scrolls up mid-stream stays where
// they are, and "↓ New" takes them back. At 320 px nothing scrolls sideways, even with a
// 50,000-character word.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { newContext, watchErrors } from '../harness';
import { ChatPage } from './chat-page';
import { poll, useChatEnv } from './chat-env';

const env = useChatEnv();

// Paragraphs of ten words, so the reply is several screens tall at any width.
const tokens = (n: number) =>
  Array.from({ length: n }, (_, i) => (i % 10 === 9 ? ` w${i}\n\n` : ` w${i}`));

const SIZES = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
];

// Set up at laptop size (the sidebar is a drawer on phones), then looked at in the size under test.
async function ready(viewport: { width: number; height: number }) {
  const context = await newContext(env.browser);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const tern = new ChatPage(page, env.server.url);
  await tern.open();
  await tern.addProvider(`${env.provider.url}/v1`);
  await tern.newSession();
  await page.setViewportSize(viewport);
  return { context, page, tern, errors };
}

const scroller = (page: Page) =>
  page.getByRole('region', { name: 'Messages' }).locator(':scope > div').first();

/** Whether `el` is wholly inside the visible part of the message list. */
async function inView(page: Page, el: Locator): Promise<boolean> {
  const box = await el.boundingBox();
  const list = await scroller(page).boundingBox();
  if (!box || !list) return false;
  return box.y >= list.y - 1 && box.y + box.height <= list.y + list.height + 1;
}

describe('following a streamed reply', () => {
  for (const size of SIZES) {
    it(`keeps the end of a long reply and its buttons in view at ${size.width}×${size.height}`, async () => {
      const { context, page, tern, errors } = await ready(size);
      env.provider.scripts.push({ kind: 'reply', tokens: tokens(600), delayMs: 4 });
      await tern.send('Write a lot');
      const reply = tern.replies().last();
      await poll(() => reply.getByText('Writing…').count()).toBe(1);
      // While it streams, the newest words are on screen.
      await poll(() => reply.getByText(/w2\d\d/).count()).toBeGreaterThan(0);
      await poll(async () => inView(page, reply.getByText(/w\d+$/).last())).toBe(true);
      await poll(() => reply.getByText('Writing…').count()).toBe(0);
      const lastLine = reply.getByText('w599', { exact: false }).last();
      await poll(() => inView(page, lastLine)).toBe(true);
      await poll(() => inView(page, reply.getByRole('button', { name: 'Regenerate' }))).toBe(true);
      await poll(() => inView(page, reply.getByRole('button', { name: 'Copy' }))).toBe(true);
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`stays put when scrolled up mid-stream at ${size.width}×${size.height}, and "↓ New" goes back`, async () => {
      const { context, page, tern } = await ready(size);
      env.provider.scripts.push({ kind: 'reply', tokens: tokens(700), delayMs: 8 });
      await tern.send('Write a lot, slowly');
      const reply = tern.replies().last();
      await poll(() => reply.getByText(/w3\d\d/).count()).toBeGreaterThan(0);
      const list = scroller(page);
      await list.hover();
      await page.mouse.wheel(0, -600);
      await poll(() => page.getByRole('button', { name: '↓ New' }).count()).toBe(1);
      const before = await list.evaluate((el) => el.scrollTop);
      // More arrives below; the place the user scrolled to does not move.
      const seen = ((await reply.textContent()) ?? '').length;
      await poll(async () => ((await reply.textContent()) ?? '').length).toBeGreaterThan(
        seen + 200,
      );
      expect(Math.abs((await list.evaluate((el) => el.scrollTop)) - before)).toBeLessThan(2);
      await page.getByRole('button', { name: '↓ New' }).click();
      await poll(() => reply.getByText('Writing…').count()).toBe(0);
      await poll(() => inView(page, reply.getByRole('button', { name: 'Regenerate' }))).toBe(true);
      await context.close();
    });
  }

  it('keeps the composer and the last line in view when a phone keyboard takes half the screen', async () => {
    const { context, page, tern } = await ready({ width: 360, height: 740 });
    env.provider.scripts.push({ kind: 'reply', tokens: tokens(200), delayMs: 2 });
    await tern.send('Write some');
    const reply = tern.replies().last();
    await poll(() => reply.getByText('Writing…').count()).toBe(0);
    // The keyboard opening, as Android's resizes-content (and the visual viewport) shows it.
    await page.setViewportSize({ width: 360, height: 380 });
    await tern.composer.focus();
    await tern.composer.fill('line\n'.repeat(12));
    const box = await tern.composer.boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(380);
    await poll(() => inView(page, reply.getByText('w199', { exact: false }).last())).toBe(true);
    await context.close();
  });

  it('has no sideways scroll at 320 px, with a 50,000-character word folded behind "Show more"', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    const tern = new ChatPage(page, env.server.url);
    await tern.open();
    await tern.newSession();
    await page.setViewportSize({ width: 320, height: 640 });
    const word = 'a1b2c3d4'.repeat(6250);
    await tern.composer.fill(word);
    await tern.composer.press('Enter');
    const msg = tern.messages.last();
    await msg.getByRole('button', { name: /Show more/ }).waitFor();
    const overflow = () =>
      page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
    expect(await overflow()).toBe(0);
    await msg.getByRole('button', { name: /Show more/ }).click();
    await poll(() => msg.getByRole('button', { name: /Show more/ }).count()).toBe(0);
    expect(await overflow()).toBe(0);
    const box = await msg.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(320);
    await context.close();
  });
});
