// The offline outbox in real Chromium: a message written offline is stored at once as waiting,
// says so, and goes out exactly once when the network is back, even with two tabs open. Requests
// are counted at the wire-protocol server.
import { describe, expect, it } from 'vitest';
import { ChatPage } from './chat-page';
import { poll, useChatEnv } from './chat-env';
import { sleep } from '../../helpers/sleep';

const env = useChatEnv();

const posts = () => env.provider.requests.filter((r) => r.method === 'POST').length;

async function tab(): Promise<ChatPage> {
  const tern = new ChatPage(await env.context.newPage(), env.server.url);
  await tern.open();
  return tern;
}

describe('the offline outbox', () => {
  it('stores a message written offline as waiting, says so, and sends it once online', async () => {
    const tern = await tab();
    await tern.addProvider(`${env.provider.url}/v1`);
    await tern.newSession();
    await env.context.setOffline(true);
    await poll(async () => (await tern.connection.textContent()) ?? '').toContain('Offline');
    await tern.send('Written on the train');
    const mine = tern.message('Written on the train');
    await poll(() => mine.getByText('Waiting to send').count()).toBe(1);
    await poll(async () => (await tern.connection.textContent()) ?? '').toContain(
      '1 message waiting to send',
    );
    await sleep(300);
    expect(posts()).toBe(0);

    await env.context.setOffline(false);
    await poll(async () => (await tern.replies().last().textContent()) ?? '').toContain(
      'Hello from the test server.',
    );
    await poll(() => mine.getByText('Waiting to send').count()).toBe(0);
    await poll(async () => (await tern.connection.textContent()) ?? '').not.toContain('waiting');
    expect(posts()).toBe(1);

    await tern.page.reload();
    await poll(async () => (await tern.replies().last().textContent()) ?? '').toContain(
      'Hello from the test server.',
    );
    await poll(() => tern.replies().count()).toBe(1);
    await sleep(300);
    expect(posts()).toBe(1);
  });

  it('sends messages left waiting when the app next starts online, in order, once', async () => {
    const tern = await tab();
    await tern.addProvider(`${env.provider.url}/v1`);
    await tern.newSession();
    await env.context.setOffline(true);
    await tern.send('First thought');
    await poll(() => tern.message('First thought').getByText('Waiting to send').count()).toBe(1);
    await tern.send('Second thought');
    await poll(() => tern.messages.getByText('Waiting to send').count()).toBe(2);
    await tern.page.close();
    await env.context.setOffline(false);
    const next = await tab();
    await poll(async () => (await next.replies().last().textContent()) ?? '').toContain(
      'Hello from the test server.',
    );
    await poll(() => next.messages.getByText('Waiting to send').count()).toBe(0);
    expect(posts()).toBe(1);
    const body = env.provider.requests.find((r) => r.method === 'POST')?.body as {
      messages: { role: string; content: string }[];
    };
    expect(body.messages.map((m) => m.content)).toEqual(['First thought', 'Second thought']);
  });

  it('sends a pending outbox exactly once with two tabs open', async () => {
    const a = await tab();
    await a.addProvider(`${env.provider.url}/v1`);
    await a.newSession();
    const b = await tab();
    await b.session('New chat').getByRole('button').first().click();
    await env.context.setOffline(true);
    await a.send('Only once please');
    await poll(() => b.message('Only once please').getByText('Waiting to send').count()).toBe(1);
    await poll(async () => (await b.connection.textContent()) ?? '').toContain(
      '1 message waiting to send',
    );

    await env.context.setOffline(false);
    for (const t of [a, b])
      await poll(async () => (await t.replies().last().textContent()) ?? '').toContain(
        'Hello from the test server.',
      );
    await sleep(500);
    expect(posts()).toBe(1);

    // Two tabs starting up with a message waiting: still one request.
    await env.context.setOffline(true);
    await a.send('Waiting for the next start');
    await poll(() =>
      a.message('Waiting for the next start').getByText('Waiting to send').count(),
    ).toBe(1);
    await a.page.close();
    await b.page.close();
    await env.context.setOffline(false);
    const [c, d] = await Promise.all([tab(), tab()]);
    for (const t of [c, d]) await poll(() => t.replies().count()).toBe(2);
    await sleep(500);
    expect(posts()).toBe(2);
  });
});
