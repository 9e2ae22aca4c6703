// The whole chat flow in real Chromium against the built app, with the wire-protocol server on
// another 127.0.0.1 port (so every request is cross-origin and CORS is real): setting up a
// provider, a reply streaming in, stop, each error on the reply, a reload in the middle.
import { describe, expect, it } from 'vitest';
import { startProviderServer, type Script } from '../../helpers/provider-server';
import { ChatPage } from './chat-page';
import { openChat, poll, useChatEnv } from './chat-env';

const env = useChatEnv();

const words = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ` w${from + i}`);
const posts = () => env.provider.requests.filter((r) => r.method === 'POST').length;

const ready = (options: { stallSeconds?: number } = {}) => openChat(env, options);

describe('chatting with a provider', () => {
  it('sets up a provider in the settings, streams a reply in, and keeps it after a reload', async () => {
    const { page, tern, errors } = await ready();
    const tokens = words(40);
    env.provider.scripts.push({ kind: 'reply', tokens, delayMs: 40 });
    await tern.send('Count to forty');
    const reply = tern.messages.filter({ has: page.getByText('Assistant', { exact: true }) });
    // Part of it is on screen while the rest is still coming.
    await poll(() => reply.getByText('Writing…').count()).toBe(1);
    await poll(async () => (await reply.textContent()) ?? '').toContain('w5');
    expect(await reply.textContent()).not.toContain('w39');
    await poll(() => tern.stopButton.count()).toBe(1);
    await poll(async () => (await reply.textContent()) ?? '').toContain('w39');
    await poll(() => reply.getByText('Writing…').count()).toBe(0);
    await poll(() => tern.stopButton.count()).toBe(0);
    expect(posts()).toBe(1);
    const sent = env.provider.requests.find((r) => r.method === 'POST')?.body as {
      model: string;
      messages: { role: string; content: string }[];
    };
    expect(sent.model).toBe('model-a');
    expect(sent.messages.at(-1)).toEqual({ role: 'user', content: 'Count to forty' });
    // The session is named after the first message.
    await poll(() => tern.heading.textContent()).toBe('Count to forty');

    await page.reload();
    const after = tern.messages.filter({ has: page.getByText('Assistant', { exact: true }) });
    await poll(async () => (await after.textContent()) ?? '').toContain(tokens.join('').trim());
    await poll(() => tern.message('Count to forty').count()).toBe(1);
    expect(posts()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('stops a reply with the button or Escape, keeping what arrived', async () => {
    const { page, tern } = await ready();
    env.provider.scripts.push({ kind: 'reply', tokens: words(300), delayMs: 30 });
    await tern.send('Go on and on');
    const reply = tern.messages.filter({ has: page.getByText('Assistant', { exact: true }) });
    await poll(async () => (await reply.textContent()) ?? '').toContain('w5');
    await tern.stopButton.click();
    await poll(() => reply.getByText('Stopped').count()).toBe(1);
    const kept = (await reply.textContent()) ?? '';
    expect(kept).toContain('w5');
    expect(kept).not.toContain('w299');
    await poll(() => env.provider.open).toBe(0);

    env.provider.scripts.push({ kind: 'reply', tokens: words(300, 1000), delayMs: 30 });
    await tern.send('And again');
    const second = reply.last();
    await poll(async () => (await second.textContent()) ?? '').toContain('w1005');
    await tern.composer.press('Escape');
    await poll(() => second.getByText('Stopped').count()).toBe(1);

    await page.reload();
    await poll(() => tern.replies().getByText('Stopped').count()).toBe(2);
    const first = (await tern.replies().first().textContent()) ?? '';
    expect(first).toContain('w5');
    expect(first).not.toContain('w299');
    // A stopped reply can be continued.
    await poll(() => tern.replies().last().getByRole('button', { name: 'Continue' }).count()).toBe(
      1,
    );
  });

  it('stops a reply from another tab showing the same session', async () => {
    const { page, tern } = await ready();
    env.provider.scripts.push({ kind: 'reply', tokens: words(300), delayMs: 30 });
    await tern.send('Keep talking');
    const reply = tern.replies();
    await poll(async () => (await reply.textContent()) ?? '').toContain('w5');

    // The other tab only watches the reply arrive; the request belongs to the first tab.
    const other = new ChatPage(await env.context.newPage(), env.server.url);
    await other.open();
    await other.session('New chat').getByRole('button').first().click();
    await poll(async () => (await other.replies().textContent()) ?? '').toContain('w');
    await other.stopButton.click();

    await poll(() => reply.getByText('Stopped').count()).toBe(1);
    await poll(() => other.replies().getByText('Stopped').count()).toBe(1);
    await poll(() => env.provider.open).toBe(0);
    const kept = (await reply.textContent()) ?? '';
    expect(kept).toContain('w5');
    expect(kept).not.toContain('w299');
    await poll(() => other.stopButton.count()).toBe(0);
    await page.close();
  });

  const FAILURES: { name: string; script: Script; says: string }[] = [
    {
      name: 'a refused key',
      script: { kind: 'status', status: 401 },
      says: 'refused the API key (401)',
    },
    {
      name: 'a rate limit',
      script: { kind: 'status', status: 429, headers: { 'retry-after': '7' } },
      says: 'Try again in 7 s',
    },
    { name: 'a server error', script: { kind: 'status', status: 500 }, says: 'server error (500)' },
    {
      name: 'a broken stream',
      script: { kind: 'reply', tokens: words(6), fault: { after: 4, type: 'cut' } },
      says: 'broke in the middle of the reply',
    },
    {
      name: 'a stalled stream',
      script: { kind: 'reply', tokens: words(6), fault: { after: 3, type: 'stall' } },
      says: 'stopped sending for 1 s',
    },
    {
      name: 'a malformed stream',
      script: { kind: 'reply', tokens: words(6), fault: { after: 3, type: 'malformed' } },
      says: 'not valid JSON',
    },
  ];

  it('shows each failure on the reply in words, keeps the question, and retries it', async () => {
    const { page, tern } = await ready({ stallSeconds: 1 });
    for (const [i, f] of FAILURES.entries()) {
      env.provider.scripts.push(f.script);
      const question = `Question ${i + 1} (${f.name})`;
      await tern.send(question);
      const reply = tern.replies().last();
      await poll(async () => (await reply.textContent()) ?? '').toContain(f.says);
      await poll(() => reply.getByRole('button', { name: 'Retry' }).count()).toBe(1);
      await poll(() => tern.message(question).count()).toBe(1);
      expect(await reply.textContent()).not.toMatch(/failed to fetch/i);
    }
    expect(posts()).toBe(FAILURES.length);

    await page.reload();
    const last = tern.replies().last();
    await poll(async () => (await last.textContent()) ?? '').toContain('not valid JSON');
    await poll(() => tern.message('Question 6').count()).toBe(1);
    // No reply completed, so the session keeps its first name; every message is still there.
    await poll(() =>
      tern
        .session('New chat')
        .getByText(`${FAILURES.length * 2} messages`)
        .count(),
    ).toBe(1);

    env.provider.scripts.push({ kind: 'reply', tokens: ['It', ' works', ' now.'] });
    await last.getByRole('button', { name: 'Retry' }).click();
    await poll(async () => (await tern.replies().last().textContent()) ?? '').toContain(
      'It works now.',
    );
    await poll(() => tern.message('Question 6').count()).toBe(1);
    const retried = env.provider.requests.at(-1)?.body as {
      messages: { role: string; content: string }[];
    };
    expect(retried.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Question 6 (a malformed stream)',
    });
  });

  it('leaves a reply cut by a reload interrupted, then continues or regenerates it', async () => {
    const { page, tern } = await ready();
    env.provider.scripts.push({ kind: 'reply', tokens: words(300), delayMs: 30 });
    await tern.send('A long answer please');
    const reply = tern.replies().last();
    await poll(async () => (await reply.textContent()) ?? '').toContain('w8');
    await page.reload();
    const cut = tern.replies().last();
    await poll(() => cut.getByText('Interrupted').count()).toBe(1);
    const partial = (await cut.textContent()) ?? '';
    expect(partial).toContain('w8');
    expect(partial).not.toContain('w299');
    await poll(() => cut.getByRole('button', { name: 'Continue' }).count()).toBe(1);
    await poll(() => cut.getByRole('button', { name: 'Regenerate' }).count()).toBe(1);

    env.provider.scripts.push({ kind: 'reply', tokens: [' and', ' the', ' end.'] });
    await cut.getByRole('button', { name: 'Continue' }).click();
    await poll(async () => (await cut.textContent()) ?? '').toContain('and the end.');
    await poll(() => cut.getByText('Interrupted').count()).toBe(0);
    const text = (await cut.textContent()) ?? '';
    expect(text.indexOf('w8')).toBeLessThan(text.indexOf('and the end.'));

    await page.reload();
    await poll(async () => (await tern.replies().last().textContent()) ?? '').toContain(
      'and the end.',
    );
    await poll(() => tern.replies().count()).toBe(1);

    env.provider.scripts.push({ kind: 'reply', tokens: ['Brand', ' new.'] });
    await tern.replies().last().getByRole('button', { name: 'Regenerate' }).click();
    await poll(async () => (await tern.replies().last().textContent()) ?? '').toContain(
      'Brand new.',
    );
    expect(await tern.replies().last().textContent()).not.toContain('and the end.');
  });

  it('uses the provider and model a session picks from those set up', async () => {
    const other = await startProviderServer();
    try {
      const { page, tern } = await ready();
      await tern.addProvider(`${other.url}/v1`, { name: 'Other server' });
      await page.getByRole('button', { name: 'Session settings' }).click();
      const dialog = tern.dialog('Settings');
      const picker = dialog.getByRole('combobox', { name: 'Provider' });
      await poll(() => picker.locator('option').allTextContents()).toEqual([
        'Default (Test server)',
        'Test server',
        'Other server',
      ]);
      await picker.selectOption({ label: 'Other server' });
      await dialog.getByRole('combobox', { name: 'Model' }).fill('model-b');
      await dialog.getByRole('button', { name: 'Save session settings' }).click();
      await dialog.getByRole('button', { name: 'Close' }).click();
      other.scripts.push({ kind: 'reply', tokens: ['From', ' the', ' other.'] });
      await tern.send('Which one answers?');
      await poll(async () => (await tern.replies().last().textContent()) ?? '').toContain(
        'From the other.',
      );
      const sent = other.requests.find((r) => r.method === 'POST')?.body as { model: string };
      expect(sent.model).toBe('model-b');
      expect(posts()).toBe(0);
    } finally {
      await other.close();
    }
  });
});
