// Screenshots of the main screens at phone and desktop sizes, for review. Each is also a check
// that the screen shows what it should. They go to `screenshots/` (not tracked), or to
// `docs/screenshots` with `npm run screenshots`, so that a test run leaves the tree as it was.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApp, newContext, animationsSettled } from '../harness';
import { seed, TernPage } from '../pages/app';
import { makeGguf } from '../../../scripts/make-gguf.mjs';
import { makePng } from '../pages/png';
import { startTinyServer } from '../../helpers/mcp/tiny-server';
import { startCouchServer } from '../../helpers/couch-server';

const env = useApp();
const DIR = process.env.TERN_SCREENSHOTS_DIR ?? 'screenshots';
beforeAll(async () => {
  await mkdir(DIR, { recursive: true });
});

const SIZES = [
  { name: 'phone', width: 360, height: 740 },
  { name: 'desktop', width: 1280, height: 800 },
];

const CHAT = [
  { content: 'How do I read a file line by line in Python?' },
  {
    content:
      'Use a `with` block so the file is closed for you:\n\n```python\nwith open("notes.txt") as f:\n    for line in f:\n        print(line.rstrip())\n```\n\nIterating over the file object reads **one line at a time**, so it works for large files too.',
  },
  { content: 'And if the file is not UTF-8?' },
  { content: 'Pass the encoding: `open("notes.txt", encoding="latin-1")`.', status: 'interrupted' },
];

// A conversation compacted earlier: its summary first, then what followed.
const LONG = [
  {
    content:
      'The user is outlining a thesis on **migratory seabirds**: chapters on navigation, energy budgets and the Arctic tern’s pole-to-pole route were agreed; sources still to find for chapter 3.',
    role: 'system',
    metadata: { compactionEventId: 'e1', archivedCount: 24, summarisedBy: 'model', model: 'm' },
  },
  { content: 'Which sources would you start with for chapter 3?', role: 'user' },
  {
    content: 'Start with the tracking studies of Arctic terns from Greenland and Iceland.',
    role: 'assistant',
  },
];

describe('screenshots', () => {
  for (const size of SIZES) {
    it(`of the main screens at ${size.width}x${size.height}`, async () => {
      const context = await newContext(env.browser, { viewport: size });
      const page = await context.newPage();
      const tern = new TernPage(page, env.server.url);
      const shot = (what: string) => page.screenshot({ path: `${DIR}/${size.name}-${what}.png` });
      await tern.open();
      await expect
        .poll(() => page.getByRole('heading', { name: 'Welcome to Tern' }).count())
        .toBe(1);
      await shot('first-run');
      await seed(page, env.server.url, [
        {
          id: 'py',
          title: 'Reading files in Python',
          messages: CHAT,
          versions: [
            { at: 1, content: 'Call `readlines()` to get every line as a list.' },
            { at: 1, content: 'Open it and loop over it: `for line in open(path):`.' },
          ],
        },
        { id: 'trip', title: 'Trip to Lisbon', messages: [{ content: 'Three days in Lisbon?' }] },
        { id: 'long', title: 'Thesis outline', messages: LONG },
      ]);
      await tern.open();
      if (size.width < 800) {
        await page.getByRole('button', { name: 'Open sidebar' }).click();
        await expect.poll(() => tern.sidebar.isVisible()).toBe(true);
        // The drawer slides in: photograph it once it has arrived.
        await animationsSettled(page);
        await expect
          .poll(() => tern.sidebar.evaluate((el) => Math.round(el.getBoundingClientRect().left)))
          .toBe(0);
        await shot('sidebar');
      }
      // Search inside messages, from the sidebar (in the drawer on a phone).
      const search = tern.sidebar.getByRole('searchbox', { name: /Search/ });
      await search.fill('file');
      await expect
        .poll(() =>
          tern.sidebar.getByRole('list', { name: 'In messages' }).getByRole('listitem').count(),
        )
        .toBeGreaterThan(1);
      await shot('search');
      await search.fill('');
      await tern.session('Thesis outline').getByRole('button').first().click();
      await expect
        .poll(() => page.getByRole('article', { name: /^Summary of 24 earlier messages/ }).count())
        .toBe(1);
      await animationsSettled(page);
      await shot('summary');
      if (size.width < 800) {
        await page.getByRole('button', { name: 'Open sidebar' }).click();
        await expect.poll(() => tern.sidebar.isVisible()).toBe(true);
      }
      await tern.session('Reading files in Python').getByRole('button').first().click();
      await expect.poll(() => tern.message('one line at a time').count()).toBe(1);
      await expect.poll(() => page.locator('.hljs-string').count()).toBeGreaterThan(0);
      // The reply has two older versions: the switcher says which is on screen.
      await expect
        .poll(() => page.getByRole('group', { name: 'Versions' }).first().textContent())
        .toContain('3/3');
      await shot('conversation');
      await page
        .getByRole('group', { name: 'Versions' })
        .first()
        .getByRole('button', { name: 'Previous version' })
        .click();
      await expect.poll(() => tern.message('Open it and loop over it').count()).toBe(1);
      await expect
        .poll(() => page.getByRole('group', { name: 'Versions' }).first().textContent())
        .toContain('2/3');
      await animationsSettled(page);
      await shot('versions');
      await tern.composer.fill('/');
      await expect
        .poll(() => page.getByRole('listbox', { name: 'Commands' }).isVisible())
        .toBe(true);
      await shot('commands');
      await tern.composer.fill('');
      await page.getByRole('button', { name: 'Session settings' }).click();
      await expect.poll(() => tern.dialog('Settings').isVisible()).toBe(true);
      await shot('settings');
      await tern.dialog('Settings').getByRole('tab', { name: 'Storage' }).click();
      await tern.dialog('Settings').getByRole('button', { name: 'Check my data' }).click();
      await expect.poll(() => tern.dialog('Settings').getByText('All good').count()).toBe(1);
      await shot('storage');
      await context.close();
    });
  }

  // Light and dark side by side: the welcome, a conversation with code and an image, the model
  // picker, the session menu, the settings and (on a phone) the drawer.
  for (const size of SIZES) {
    for (const theme of ['light', 'dark'] as const) {
      it(`of the conversation and its pickers at ${size.width}x${size.height}, ${theme}`, async () => {
        const context = await newContext(env.browser, { viewport: size });
        await context.addInitScript((t) => localStorage.setItem('tern:theme', t), theme);
        const page = await context.newPage();
        const tern = new TernPage(page, env.server.url);
        const shot = (what: string) =>
          page.screenshot({ path: `${DIR}/${size.name}-${theme}-${what}.png` });
        await tern.open();
        await page.getByRole('heading', { name: 'Welcome to Tern' }).waitFor();
        await shot('welcome');
        await seed(page, env.server.url, [
          {
            id: 'py',
            title: 'Reading files in Python',
            messages: CHAT,
            versions: [
              { at: 1, content: 'Call `readlines()` to get every line as a list.' },
              { at: 1, content: 'Open it and loop over it: `for line in open(path):`.' },
            ],
          },
        ]);
        await tern.open();
        if (size.width < 800) {
          await page.getByRole('button', { name: 'Open sidebar' }).click();
          await animationsSettled(page);
          await shot('drawer');
        }
        await tern.session('Reading files in Python').getByRole('button').first().click();
        await expect.poll(() => page.locator('.hljs-string').count()).toBeGreaterThan(0);
        await page.getByLabel('Choose images', { exact: true }).setInputFiles({
          name: 'chart.png',
          mimeType: 'image/png',
          buffer: await makePng(page, 640, 360),
        });
        await page.getByRole('list', { name: 'Attached images' }).waitFor();
        await tern.send('Here is the chart the script drew.');
        const sent = tern.message('Here is the chart');
        await expect.poll(() => sent.getByRole('img', { name: 'Attached image' }).count()).toBe(1);
        await page.mouse.move(0, 0);
        await shot('conversation');
        await page.getByRole('button', { name: /^Model:/ }).click();
        await page.getByRole('dialog', { name: 'Choose a model' }).waitFor();
        await shot('model-picker');
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Session menu' }).click();
        await page.getByRole('menu', { name: 'Session' }).waitFor();
        await shot('menu');
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Session settings' }).click();
        await expect.poll(() => tern.dialog('Settings').isVisible()).toBe(true);
        await shot('settings');
        await context.close();
      });
    }
  }
});

describe('screenshots of the model on this device', () => {
  for (const size of SIZES) {
    it(`of its settings at ${size.width}x${size.height}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tern-shot-'));
      const file = join(dir, 'pocket-model.gguf');
      await writeFile(file, Buffer.concat(makeGguf()));
      const context = await newContext(env.browser, { viewport: size });
      const page = await context.newPage();
      const tern = new TernPage(page, env.server.url);
      await tern.open();
      const menu = page.getByRole('button', { name: 'Open sidebar' });
      if (await menu.isVisible()) await menu.click();
      await tern.sidebar.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.getByRole('tab', { name: 'App' }).click();
      await dialog.getByRole('button', { name: 'Add provider' }).click();
      const form = dialog.getByRole('form', { name: 'New provider' });
      await form.getByLabel('Kind').selectOption({ label: 'On this device' });
      await form.getByLabel('Add a GGUF file from this device').setInputFiles(file);
      await expect
        .poll(() => form.getByRole('listitem', { name: 'pocket-model.gguf' }).count())
        .toBe(1);
      await form.getByText('Suggested small models').click();
      await form.getByRole('list', { name: 'Suggested models' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${DIR}/${size.name}-local-model.png` });
      await context.close();
      await rm(dir, { recursive: true, force: true });
    });
  }
});

describe('screenshots of the MCP servers settings', () => {
  for (const size of SIZES) {
    it(`with a connected server and its tools at ${size.width}x${size.height}`, async () => {
      const tiny = await startTinyServer();
      const context = await newContext(env.browser, { viewport: size });
      const page = await context.newPage();
      const tern = new TernPage(page, env.server.url);
      await tern.open();
      const menu = page.getByRole('button', { name: 'Open sidebar' });
      if (await menu.isVisible()) await menu.click();
      await tern.sidebar.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.getByRole('tab', { name: 'MCP servers' }).click();
      await dialog.getByRole('button', { name: 'Add MCP server' }).click();
      const form = dialog.getByRole('form', { name: 'New MCP server' });
      await form.getByRole('textbox', { name: 'Name' }).fill('Tiny tools');
      await form.getByRole('textbox', { name: 'Address' }).fill(tiny.url);
      await form.getByRole('button', { name: 'Save and connect' }).click();
      await expect
        .poll(
          async () =>
            (await dialog.getByRole('status', { name: 'State of Tiny tools' }).textContent()) ?? '',
        )
        .toMatch(/Connected to tiny/);
      await dialog.getByText(/^Tools of Tiny tools/).click();
      // Every tab label on one line, even on a phone.
      const heights = await dialog
        .getByRole('tab')
        .evaluateAll((tabs) => tabs.map((t) => t.getBoundingClientRect().height));
      expect(new Set(heights).size).toBe(1);
      // Only the tool that is destructive and not read-only is marked as such.
      const tools = dialog.getByRole('list', { name: 'Tools of Tiny tools' });
      expect(
        await tools
          .getByRole('listitem')
          .filter({ hasText: 'may change things' })
          .locator('code')
          .allTextContents(),
      ).toEqual(['wipe']);
      await page.screenshot({ path: `${DIR}/${size.name}-mcp-servers.png`, fullPage: true });
      await context.close();
      await tiny.close();
    });
  }
});

describe('screenshots of the sync settings', () => {
  for (const size of SIZES) {
    it(`with sync on, and the sidebar's indicator, at ${size.width}x${size.height}`, async () => {
      const couch = await startCouchServer();
      const context = await newContext(env.browser, { viewport: size });
      const page = await context.newPage();
      const tern = new TernPage(page, env.server.url);
      await tern.open();
      const menu = page.getByRole('button', { name: 'Open sidebar' });
      if (await menu.isVisible()) await menu.click();
      await tern.sidebar.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.getByRole('tab', { name: 'Sync' }).click();
      await dialog.getByLabel('Server address').fill(couch.url);
      await dialog.getByLabel('Database name').fill('tern');
      await dialog.getByRole('button', { name: 'Test connection' }).click();
      await dialog.getByRole('button', { name: 'Create the database' }).click();
      await expect
        .poll(async () => (await dialog.getByRole('status').first().textContent()) ?? '')
        .toMatch(/Connected/);
      await page.screenshot({ path: `${DIR}/${size.name}-sync-setup.png`, fullPage: true });
      await dialog.getByRole('button', { name: 'Turn on sync' }).click();
      await expect
        .poll(() => dialog.getByText('Nothing waiting to be sent').count(), { timeout: 20_000 })
        .toBe(1);
      await expect
        .poll(() => dialog.getByText(/^Last synced/).count(), { timeout: 20_000 })
        .toBe(1);
      await page.screenshot({ path: `${DIR}/${size.name}-sync-on.png`, fullPage: true });
      await dialog.getByRole('button', { name: 'Close' }).first().click();
      const pill = tern.sidebar.getByRole('status', { name: 'Sync' });
      if (!(await pill.isVisible()) && (await menu.isVisible())) await menu.click();
      await expect
        .poll(
          async () =>
            (await tern.sidebar.getByRole('status', { name: 'Sync' }).textContent()) ?? '',
        )
        .toContain('Synced');
      await page.screenshot({ path: `${DIR}/${size.name}-sync-indicator.png` });
      await context.close();
      await couch.stop();
    });
  }
});
