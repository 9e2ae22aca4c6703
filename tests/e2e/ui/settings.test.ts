import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from '../harness';
import type { TernPage } from '../pages/app';
import { openFresh } from '../pages/app';

const env = useApp();

const fresh = () => openFresh(env);

async function openSessionSettings(page: Page, tern: TernPage) {
  await page.getByRole('main').getByRole('button', { name: 'Session settings' }).click();
  const dialog = tern.dialog('Settings');
  await expect
    .poll(() => dialog.getByRole('tab', { name: 'Session' }).getAttribute('aria-selected'))
    .toBe('true');
  return dialog;
}

async function openSettingsTab(page: Page, tern: TernPage, tab: 'App' | 'Storage') {
  await tern.sidebar.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = tern.dialog('Settings');
  await dialog.getByRole('tab', { name: tab }).click();
  await expect
    .poll(() => dialog.getByRole('tab', { name: tab }).getAttribute('aria-selected'))
    .toBe('true');
  return dialog;
}

/** The page's background colour, as the user sees it. */
function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
}

describe('settings', () => {
  it('saves a session’s settings and shows them again after a reload', async () => {
    const { context, page, tern, errors } = await fresh();
    await tern.newSession();
    let dialog = await openSessionSettings(page, tern);
    await dialog.getByLabel('System prompt').fill('You are a terse travel agent.');
    await dialog.getByLabel('Temperature').fill('0.7');
    await dialog.getByLabel('Top P').fill('0.9');
    await dialog.getByLabel('Max tokens').fill('512');
    await dialog.getByLabel('Thinking budget (tokens)').fill('2048');
    await dialog.getByLabel('Permission mode').selectOption({ label: 'Run allowed tools' });
    await dialog.getByLabel('Allowed tools', { exact: true }).fill('search, calculator');
    await dialog.getByRole('button', { name: 'Save session settings' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Session settings saved.' }).count())
      .toBe(1);

    await page.reload();
    await tern.heading.waitFor();
    dialog = await openSessionSettings(page, tern);
    await expect
      .poll(() => dialog.getByLabel('System prompt').inputValue())
      .toBe('You are a terse travel agent.');
    expect(await dialog.getByLabel('Temperature').inputValue()).toBe('0.7');
    expect(await dialog.getByLabel('Top P').inputValue()).toBe('0.9');
    expect(await dialog.getByLabel('Max tokens').inputValue()).toBe('512');
    expect(await dialog.getByLabel('Thinking budget (tokens)').inputValue()).toBe('2048');
    expect(await dialog.getByLabel('Permission mode').inputValue()).toBe('auto');
    expect(await dialog.getByLabel('Allowed tools', { exact: true }).inputValue()).toBe(
      'search, calculator',
    );
    expect(errors.filter((e) => e.startsWith('pageerror')).join('\n')).toBe('');
    await context.close();
  });

  it('refuses an out-of-range value with a clear message and keeps what was stored', async () => {
    const { context, page, tern } = await fresh();
    await tern.newSession();
    let dialog = await openSessionSettings(page, tern);
    await dialog.getByLabel('Temperature').fill('0.5');
    await dialog.getByRole('button', { name: 'Save session settings' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Session settings saved.' }).count())
      .toBe(1);

    for (const [field, value, message] of [
      ['Temperature', '9', 'Temperature goes from 0 to 2.'],
      ['Temperature', 'warm', 'Temperature goes from 0 to 2.'],
      ['Top P', '5', 'Top P goes from 0 to 1.'],
      ['Max tokens', '-3', 'Max tokens is a whole number above 0.'],
      ['Thinking budget (tokens)', '1.5', 'Thinking budget is a whole number of tokens'],
    ] as const) {
      await dialog.getByLabel('System prompt').fill('Should not be kept');
      await dialog.getByLabel(field, { exact: true }).fill(value);
      await dialog.getByRole('button', { name: 'Save session settings' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain(message);
      await page.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click();
      await dialog.getByLabel(field, { exact: true }).fill('');
      if (field === 'Temperature') await dialog.getByLabel(field, { exact: true }).fill('0.5');
    }

    await page.reload();
    await tern.heading.waitFor();
    dialog = await openSessionSettings(page, tern);
    await expect.poll(() => dialog.getByLabel('Temperature').inputValue()).toBe('0.5');
    expect(await dialog.getByLabel('Top P').inputValue()).toBe('');
    expect(await dialog.getByLabel('Max tokens').inputValue()).toBe('');
    expect(await dialog.getByLabel('System prompt').inputValue()).toBe('');
    await context.close();
  });

  it('switches between dark and light, and keeps the choice after a reload', async () => {
    const { context, page, tern } = await fresh();
    let dialog = await openSettingsTab(page, tern, 'App');
    await dialog.getByRole('radio', { name: 'Dark' }).check();
    const dark = await background(page);
    await dialog.getByRole('radio', { name: 'Light' }).check();
    const light = await background(page);
    expect(dark).not.toBe(light);
    await dialog.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(() => background(page)).toBe(dark);

    await page.reload();
    await tern.heading.waitFor();
    await expect.poll(() => background(page)).toBe(dark);
    dialog = await openSettingsTab(page, tern, 'App');
    expect(await dialog.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
    await dialog.getByRole('radio', { name: 'Light' }).check();
    await page.reload();
    await tern.heading.waitFor();
    await expect.poll(() => background(page)).toBe(light);
    await context.close();
  });

  it('checks the data, shows how it is kept, and exports the session’s messages', async () => {
    const { context, page, tern, errors } = await fresh();
    await tern.newSession();
    await tern.send('Pack the blue umbrella');
    await expect.poll(() => tern.message('Pack the blue umbrella').count()).toBe(1);

    const dialog = await openSettingsTab(page, tern, 'Storage');
    await dialog.getByRole('button', { name: 'Check my data' }).click();
    await expect
      .poll(() => dialog.getByRole('status').filter({ hasText: 'All good' }).textContent())
      .toContain('All good: 1 session, 1 message and 0 images agree with each other.');

    await expect
      .poll(() => dialog.getByRole('heading', { name: 'Keeping your data' }).count())
      .toBe(1);
    const io = dialog.getByRole('region', { name: 'Import and export' });
    await expect.poll(() => io.getByRole('button', { name: 'Export everything' }).count()).toBe(1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      io.getByRole('button', { name: 'Export everything' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^tern-export-.*\.json$/);
    const path = await download.path();
    const file = JSON.parse(await readFile(path, 'utf8')) as {
      format?: unknown;
      sessions?: { messages?: { content?: unknown }[] }[];
    };
    expect(file.format).toBe('tern-export');
    expect(file.sessions?.length).toBe(1);
    expect(file.sessions?.[0]?.messages?.map((m) => m.content)).toEqual(['Pack the blue umbrella']);
    expect(errors.filter((e) => e.startsWith('pageerror')).join('\n')).toBe('');
    await context.close();
  });
});
