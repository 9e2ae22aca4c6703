// Accessibility of the main screens, checked by axe-core (WCAG 2.1 A and AA, contrast included)
// in both themes, at phone and desktop sizes. axe runs inside the page; a violation is reported
// with the rule, the elements and axe's own explanation so that it can be fixed from the log.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp, newContext, animationsSettled } from '../harness';
import { seed, TernPage } from '../pages/app';

const env = useApp();
// Run as the test driver's own evaluation: the app's Content-Security-Policy and Trusted Types
// refuse a script element added to the page, as they should.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function audit(page: Page, screen: string): Promise<string[]> {
  // Let transitions settle: axe reads colours as they are painted.
  await animationsSettled(page);
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: object) => Promise<unknown> } }).axe;
    const result = (await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })) as { violations: Violation[] };
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations.map(
    (v) =>
      `${screen}: ${v.id} (${v.help}) at ${v.nodes
        .map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`)
        .join(' | ')}`,
  );
}

const CHAT = [
  {
    content: 'The user asked about **Python** files: opening, closing, and `with` blocks.',
    role: 'system',
    metadata: { compactionEventId: 'e1', archivedCount: 12, summarisedBy: 'model', model: 'm' },
  },
  { content: 'How do I read a file line by line in Python?', role: 'user' },
  {
    role: 'assistant',
    content:
      'Use a `with` block:\n\n```python\nwith open("notes.txt") as f:\n    for line in f:\n        print(line)\n```\n\nSee [the docs](https://docs.python.org/3/).',
  },
  { content: 'And if it is not UTF-8?', role: 'user' },
  { content: 'Pass the encoding.', role: 'assistant', status: 'interrupted' },
  { content: 'Still there?', role: 'user', status: 'pending' },
  {
    content: 'The provider refused.',
    role: 'assistant',
    status: 'error',
    error: 'The server refused the key.',
  },
];

describe('accessibility', () => {
  for (const theme of ['light', 'dark'] as const) {
    for (const size of [
      { name: 'phone', width: 360, height: 740 },
      { name: 'desktop', width: 1280, height: 800 },
    ]) {
      it(`has no WCAG A/AA violation on the main screens (${theme}, ${size.name})`, async () => {
        const context = await newContext(env.browser, { viewport: size });
        await context.addInitScript((t) => localStorage.setItem('tern:theme', t), theme);
        const page = await context.newPage();
        const tern = new TernPage(page, env.server.url);
        const found: string[] = [];

        await tern.open();
        await page.getByRole('heading', { name: 'Welcome to Tern' }).waitFor();
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
        found.push(...(await audit(page, 'first run')));

        await seed(page, env.server.url, [
          { id: 'py', title: 'Reading files in Python', messages: CHAT },
          { id: 'trip', title: 'Trip to Lisbon', messages: [{ content: 'Three days?' }] },
        ]);
        await tern.open();
        if (size.width < 800) {
          await page.getByRole('button', { name: 'Open sidebar' }).click();
          found.push(...(await audit(page, 'drawer')));
        }
        await tern.session('Reading files in Python').getByRole('button').first().click();
        await expect.poll(() => tern.message('Pass the encoding.').count()).toBe(1);
        await expect.poll(() => page.locator('.hljs-string').count()).toBeGreaterThan(0);
        found.push(...(await audit(page, 'conversation')));
        // A compaction's summary, at the top of the conversation.
        const summary = page.getByRole('article', { name: /^Summary of 12 earlier messages/ });
        await expect
          .poll(async () => {
            await page
              .getByRole('region', { name: 'Messages' })
              .locator('div')
              .first()
              .evaluate((el) => (el.scrollTop = 0));
            return summary.getByRole('button', { name: 'Bring them back' }).count();
          })
          .toBe(1);
        found.push(...(await audit(page, 'conversation with a summary')));

        await tern.composer.fill('/');
        await page.getByRole('listbox', { name: 'Commands' }).waitFor();
        found.push(...(await audit(page, 'commands')));
        await tern.composer.fill('');

        // The header's model picker and session menu, open.
        await page.getByRole('button', { name: /^Model:/ }).click();
        await page.getByRole('dialog', { name: 'Choose a model' }).waitFor();
        found.push(...(await audit(page, 'model picker')));
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Session menu' }).click();
        await page.getByRole('menu', { name: 'Session' }).waitFor();
        found.push(...(await audit(page, 'session menu')));
        await page.keyboard.press('Escape');
        await page.getByRole('menu', { name: 'Session' }).waitFor({ state: 'detached' });
        // A message's actions, shown by hovering it (a tap on a phone), once fully shown.
        const asked = tern.message('And if it is not UTF-8?');
        if (size.width < 800) await asked.locator('header').click();
        else await asked.hover();
        await expect
          .poll(() => asked.locator('time').evaluate((t) => getComputedStyle(t).opacity))
          .toBe('1');
        found.push(...(await audit(page, 'message actions')));

        await page.getByRole('button', { name: 'Session settings' }).click();
        const dialog = tern.dialog('Settings');
        await dialog.waitFor();
        found.push(...(await audit(page, 'session settings')));
        for (const tab of ['App', 'Sync', 'Storage']) {
          await dialog.getByRole('tab', { name: tab }).click();
          await expect
            .poll(() => dialog.getByRole('tab', { name: tab }).getAttribute('aria-selected'))
            .toBe('true');
          // Its panel loads with the tab.
          if (tab === 'Sync') await dialog.getByLabel('Server address').waitFor();
          found.push(...(await audit(page, `${tab.toLowerCase()} settings`)));
          if (tab === 'App') {
            await dialog.getByRole('button', { name: 'Add provider' }).click();
            const form = dialog.getByRole('form', { name: 'New provider' });
            await form.waitFor();
            found.push(...(await audit(page, 'new provider form')));
            await form.getByLabel('Kind').selectOption({ label: 'On this device' });
            await form.getByText('Suggested small models').click();
            await form.getByRole('list', { name: 'Suggested models' }).waitFor();
            await form.getByText('Runs in this page').waitFor();
            found.push(...(await audit(page, 'on this device form')));
          }
        }
        await dialog.getByRole('button', { name: 'Close' }).click();
        await dialog.waitFor({ state: 'detached' });

        if (size.width < 800) await page.getByRole('button', { name: 'Open sidebar' }).click();
        await tern.searchBox.fill('encoding');
        await expect.poll(() => tern.messageHits.count()).toBe(1);
        await expect.poll(() => tern.searchStatus.textContent()).toBe('1 message matches');
        found.push(...(await audit(page, 'search')));
        await tern.searchBox.fill('');
        await tern.sidebar.getByRole('button', { name: 'Trash' }).click();
        await page.getByRole('heading', { name: 'Trash' }).waitFor();
        found.push(...(await audit(page, 'trash')));
        expect(found).toEqual([]);
        await context.close();
      });
    }
  }
});
