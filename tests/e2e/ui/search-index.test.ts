// The search index as people meet it: a message just written is found at once and again after a
// reload; a library indexed for the first time is searchable while the indexer works, and says how
// far it has got; a large import is searchable while it is indexed; two tabs share one index.
import { describe, expect, it } from 'vitest';
import { useApp, newContext } from '../harness';
import { seed, TernPage, type SeedSession } from '../pages/app';
import { generateChatGpt } from '../../helpers/chatgpt-export';

const env = useApp();

describe('the search index', () => {
  it('finds a message just written, and again after a reload; Enter opens it', async () => {
    const context = await newContext(env.browser);
    const tern = new TernPage(await context.newPage(), env.server.url);
    await tern.open();
    await tern.newSession();
    await tern.send('The quetzal nests in Monteverde');
    await expect.poll(() => tern.message('The quetzal nests').count()).toBe(1);
    for (let round = 0; round < 2; round++) {
      await tern.searchBox.fill('quetz monte');
      await expect.poll(() => tern.messageHits.count()).toBe(1);
      expect(await tern.messageHits.locator('mark').allTextContents()).toEqual(['quetz', 'Monte']);
      await tern.searchBox.press('ArrowDown');
      await tern.page.keyboard.press('Enter');
      await expect
        .poll(() =>
          tern.message('The quetzal nests').evaluate((el) => el === document.activeElement),
        )
        .toBe(true);
      await tern.page.reload();
      await tern.heading.waitFor();
    }
    await context.close();
  });

  it('searches a library being indexed for the first time, saying how far it has got', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    const sessions: SeedSession[] = Array.from({ length: 40 }, (_, s) => ({
      id: `big${s}`,
      title: `Notes ${s}`,
      messages: Array.from({ length: 500 }, (_, i) => ({
        content: s === 0 && i === 3 ? 'the oldest axolotl' : `plain words ${s} ${i} river`,
      })),
    }));
    await seed(page, env.server.url, sessions);
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.searchBox.fill('axolotl');
    await expect
      .poll(() => page.getByText(/^Indexing your history: \d+%/).count(), { timeout: 20_000 })
      .toBe(1);
    // Found once the indexer reaches it, without typing again.
    await expect.poll(() => tern.messageHits.count(), { timeout: 120_000 }).toBe(1);
    await tern.indexed();
    await expect.poll(() => page.getByText(/^Indexing your history/).count()).toBe(0);
    await tern.searchBox.fill('river');
    await expect.poll(() => tern.messageHits.count()).toBe(50);
    await context.close();
  });

  it('finds a phrase of two common words wherever they stand side by side, and nowhere else', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    // "winter" and "forest" are in every message; side by side in 12 of the 2,400, across
    // punctuation, case and accents, and once past the 64th word.
    const side = [
      'Winter forest at dawn',
      'WINTER—Forest, then home',
      'a wínter fōrest trail',
      `${'winter and forest '.repeat(30)} winter forest`,
    ];
    const sessions: SeedSession[] = Array.from({ length: 40 }, (_, s) => ({
      id: `ph${s}`,
      title: `Walks ${s}`,
      messages: Array.from({ length: 60 }, (_, i) => ({
        content:
          (s * 60 + i) % 200 === 7
            ? (side[Math.floor((s * 60 + i) / 200) % side.length] ?? '')
            : `forest paths in winter; a forest ${s} ${i} in the winter`,
      })),
    }));
    await seed(page, env.server.url, sessions);
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.indexed();
    await tern.searchBox.fill('"winter forest"');
    await expect.poll(() => tern.messageHits.count(), { timeout: 10_000 }).toBe(12);
    await expect.poll(() => tern.searchStatus.textContent()).toContain('12 messages match');
    const marks = await tern.messageHits.locator('mark').allTextContents();
    expect(
      new Set(marks.map((m) => m.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase())),
    ).toEqual(new Set(['winter', 'forest']));
    await context.close();
  });

  it('finds imported messages while the import is still being indexed', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    const file = generateChatGpt(300, 20, 7);
    const convs = file.conversations as { title?: string }[];
    if (convs[0]) convs[0].title = 'Heron sightings';
    await tern.sidebar.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = tern.dialog('Settings');
    await dialog.getByRole('tab', { name: 'Storage' }).click();
    const io = dialog.getByRole('region', { name: 'Import and export' });
    await io.getByLabel('Choose files…').setInputFiles({
      name: 'conversations.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(file.conversations)),
    });
    await io
      .getByRole('status')
      .filter({ hasText: /The import is finished/ })
      .waitFor({ timeout: 120_000 });
    await page.keyboard.press('Escape');
    await tern.searchBox.fill('heron');
    await expect.poll(() => tern.messageHits.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => tern.messageHits.first().textContent()).toContain('Heron sightings');
    await tern.indexed();
    await tern.searchBox.fill('привет');
    await expect.poll(() => tern.messageHits.count(), { timeout: 10_000 }).toBe(50);
    await context.close();
  });

  it('shares one index between two tabs: a message written in one is found in the other', async () => {
    const context = await newContext(env.browser);
    const a = new TernPage(await context.newPage(), env.server.url);
    const b = new TernPage(await context.newPage(), env.server.url);
    await a.open();
    await b.open();
    await a.newSession();
    await a.send('a kakapo in tab A');
    await expect.poll(() => a.message('a kakapo in tab A').count()).toBe(1);
    await b.searchBox.fill('kakapo');
    await expect.poll(() => b.messageHits.count(), { timeout: 10_000 }).toBe(1);
    await b.newSession();
    await b.send('a takahe in tab B');
    await expect.poll(() => b.message('a takahe in tab B').count()).toBe(1);
    await a.searchBox.fill('takahe');
    await expect.poll(() => a.messageHits.count(), { timeout: 10_000 }).toBe(1);
    // One tab indexes: the queue empties however many tabs are open.
    await a.indexed();
    await context.close();
  });
});
