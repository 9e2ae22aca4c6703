// A conversation longer than the model can read, in real Chromium against the built app: the
// provider's 400 is explained on the reply with "Compact and retry"; pressing it sets the older
// messages aside behind the model's summary and the reply arrives; the request carries the
// summary and not what was set aside; "Bring them back" restores every message; all of it holds
// after a reload. And /compact from the composer, with no provider, lists what was set aside.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { watchErrors } from '../harness';
import { seed } from '../pages/app';
import { ChatPage } from './chat-page';
import { poll, useChatEnv } from './chat-env';

const env = useChatEnv();

const posts = () => env.provider.requests.filter((r) => r.method === 'POST');

/** Fifteen answered questions: Question 1, Answer 1, … Answer 15. */
const LONG = Array.from({ length: 15 }, (_, i) => [
  { content: `Question ${i + 1}` },
  { content: `Answer ${i + 1}` },
]).flat();

/** A message whose text is exactly `text` (Question 1 is not Question 10). */
function exact(tern: ChatPage, text: string) {
  return tern.messages.filter({ has: tern.page.getByText(text, { exact: true }) });
}

/** Scrolls the message list to its top, so the oldest messages are rendered. */
async function toTop(page: Page) {
  await page
    .getByRole('region', { name: 'Messages' })
    .locator('div')
    .first()
    .evaluate((el) => (el.scrollTop = 0));
}

const summaryOf = (tern: ChatPage, n: number) =>
  tern.page.getByRole('article', { name: new RegExp(`^Summary of ${n} earlier messages`) });

/** The text `locator` finds with the list at its top; empty while it is not rendered. */
async function topText(page: Page, locator: Locator): Promise<string> {
  await toTop(page);
  return (await locator.allTextContents()).join('');
}

/**
 * Clicks what `locator` finds near the top of the list. The list may still be settling at its end
 * (it keeps the newest message in view while heights are measured), so scroll and try again.
 */
async function clickAtTop(page: Page, locator: Locator): Promise<void> {
  await poll(async () => {
    await toTop(page);
    return locator.click({ timeout: 500 }).then(
      () => true,
      () => false,
    );
  }).toBe(true);
}

async function atTop<T>(page: Page, fn: () => Promise<T>): Promise<T> {
  await toTop(page);
  return fn();
}

describe('a conversation longer than the model can read', () => {
  it('explains the refusal, compacts and retries, sends the summary, and brings the messages back', async () => {
    const page = await env.context.newPage();
    const errors = watchErrors(page);
    const tern = new ChatPage(page, env.server.url);
    await seed(page, env.server.url, [{ id: 'long', title: 'A long talk', messages: LONG }]);
    await tern.open();
    await tern.addProvider(`${env.provider.url}/v1`);
    await tern.session('A long talk').getByRole('button').first().click();
    await poll(() => exact(tern, 'Answer 15').count()).toBe(1);

    env.provider.scripts.push({ kind: 'context-too-long' });
    await tern.send('Question 16');
    const failed = tern.replies().last();
    await poll(async () => (await failed.textContent()) ?? '').toContain(
      'This conversation is longer than the model can read at once. Compact older messages (/compact), or start a new session.',
    );
    const compact = failed.getByRole('button', { name: 'Compact and retry' });
    await poll(() => compact.count()).toBe(1);

    env.provider.scripts.push(
      { kind: 'reply', tokens: ['Earlier,', ' the user asked', ' five questions about terns.'] },
      { kind: 'reply', tokens: ['The', ' answer', ' at last.'] },
    );
    await compact.click();
    await poll(async () => (await tern.replies().last().textContent()) ?? '').toContain(
      'The answer at last.',
    );
    await poll(() => tern.session('A long talk').getByText('23 messages').count()).toBe(1);
    const summary = summaryOf(tern, 10);
    await poll(() => topText(page, summary)).toContain(
      'Earlier, the user asked five questions about terns.',
    );
    await poll(() => topText(page, summary)).toContain('Written by model-a');
    await poll(() => atTop(page, () => exact(tern, 'Question 6').count())).toBe(1);
    expect(await exact(tern, 'Question 1').count()).toBe(0);

    // The failed request, the summary's, then the retry: summary in, set-aside messages out.
    expect(posts().length).toBe(3);
    const asked = JSON.stringify(posts()[1]?.body);
    expect(asked).toContain('User: Question 1');
    expect(asked).not.toContain('Question 6');
    const retry = posts()[2]?.body as { messages: { role: string; content: string }[] };
    expect(retry.messages[0]?.role).toBe('system');
    expect(retry.messages[0]?.content).toContain('Summary of 10 earlier messages');
    expect(retry.messages[0]?.content).toContain('five questions about terns.');
    const contents = retry.messages.slice(1).map((m) => m.content);
    expect(contents[0]).toBe('Question 6');
    expect(contents.at(-1)).toBe('Question 16');
    for (let i = 1; i <= 5; i++) {
      expect(contents).not.toContain(`Question ${i}`);
      expect(contents).not.toContain(`Answer ${i}`);
    }

    await page.reload();
    await poll(() => tern.session('A long talk').getByText('23 messages').count()).toBe(1);
    await poll(async () => (await tern.replies().last().textContent()) ?? '').toContain(
      'The answer at last.',
    );
    await poll(() => topText(page, summaryOf(tern, 10))).toContain('five questions about terns.');
    expect(await exact(tern, 'Question 1').count()).toBe(0);

    await clickAtTop(page, summaryOf(tern, 10).getByRole('button', { name: 'Bring them back' }));
    await poll(() => tern.page.getByText('10 messages brought back.').count()).toBe(1);
    await poll(() => tern.session('A long talk').getByText('32 messages').count()).toBe(1);
    await poll(() => atTop(page, () => exact(tern, 'Question 1').count())).toBe(1);
    expect(await tern.page.getByRole('article', { name: /^Summary of/ }).count()).toBe(0);

    await page.reload();
    await poll(() => tern.session('A long talk').getByText('32 messages').count()).toBe(1);
    await poll(async () => (await tern.replies().last().textContent()) ?? '').toContain(
      'The answer at last.',
    );
    await poll(() => atTop(page, () => exact(tern, 'Question 1').count())).toBe(1);
    expect(await tern.page.getByRole('article', { name: /^Summary of/ }).count()).toBe(0);

    // The counters agree with the rows.
    await tern.openAppSettings();
    const dialog = tern.dialog('Settings');
    await dialog.getByRole('tab', { name: 'Storage' }).click();
    await dialog.getByRole('button', { name: 'Check my data' }).click();
    await poll(() => dialog.getByText('All good').count()).toBe(1);
    // The browser logs the provider's 400 itself; nothing else went wrong.
    expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });

  it('compacts with /compact and lists what was set aside when no model is set up', async () => {
    const page = await env.context.newPage();
    const errors = watchErrors(page);
    const tern = new ChatPage(page, env.server.url);
    await seed(page, env.server.url, [{ id: 'long', title: 'A long talk', messages: LONG }]);
    await tern.open();
    await tern.session('A long talk').getByRole('button').first().click();
    await poll(() => exact(tern, 'Answer 15').count()).toBe(1);

    await tern.composer.fill('/compact');
    await page.getByRole('option', { name: /compact/ }).waitFor();
    await tern.composer.press('Enter');
    await poll(() => tern.page.getByText('10 earlier messages set aside').count()).toBe(1);
    await poll(() => tern.session('A long talk').getByText('21 messages').count()).toBe(1);
    await poll(() => topText(page, summaryOf(tern, 10))).toContain('No model could summarise them');
    await poll(() => topText(page, summaryOf(tern, 10))).toContain(
      '10 earlier messages were set aside',
    );
    await poll(() => topText(page, summaryOf(tern, 10))).toContain('Question 5');
    expect(posts().length).toBe(0);
    expect(errors).toEqual([]);
  });
});
