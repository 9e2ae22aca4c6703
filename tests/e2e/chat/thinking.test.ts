// Thinking on request, as a Claude user sets it up: a budget in the session's settings, the
// reasoning folded away above the answer, and its signed block sent back with the next turn.
import { describe, expect, it } from 'vitest';
import { watchErrors } from '../harness';
import { ChatPage } from './chat-page';
import { poll, useChatEnv } from './chat-env';

const env = useChatEnv();

interface AnthropicBody {
  thinking?: { type: string; budget_tokens: number };
  temperature?: number;
  max_tokens: number;
  messages: { role: string; content: string | { type: string; signature?: string }[] }[];
}
const bodies = () =>
  env.provider.requests
    .filter((r) => r.method === 'POST' && r.path === '/v1/messages')
    .map((r) => r.body as AnthropicBody);

describe('thinking', () => {
  it('asks Claude to think within the budget, folds the thinking away, and sends it back signed', async () => {
    const page = await env.context.newPage();
    const errors = watchErrors(page);
    const tern = new ChatPage(page, env.server.url);
    await tern.open();
    await tern.addProvider(env.provider.url, { kind: 'Anthropic', name: 'Claude' });
    await tern.newSession();

    await page.getByRole('main').getByRole('button', { name: 'Session settings' }).click();
    const dialog = tern.dialog('Settings');
    await dialog.getByLabel('Temperature').fill('0.3');
    await dialog.getByLabel('Thinking budget (tokens)').fill('2048');
    await dialog.getByRole('button', { name: 'Save session settings' }).click();
    await poll(() =>
      page.getByRole('status').filter({ hasText: 'Session settings saved.' }).count(),
    ).toBe(1);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    env.provider.scripts.push({
      kind: 'reply',
      thinking: ['Six times seven', ' is forty-two.'],
      tokens: ['Forty', '-two.'],
      thinkingSignature: 'sig-from-claude',
    });
    await tern.send('What is six times seven?');
    const reply = tern.replies().last();
    await poll(async () => (await reply.textContent()) ?? '').toContain('Forty-two.');
    // The reasoning is there, folded away until asked for.
    const thinking = reply.getByRole('group').filter({ hasText: 'Thinking' });
    await poll(() => thinking.count()).toBe(1);
    expect(await reply.getByText('Six times seven is forty-two.').isVisible()).toBe(false);
    await thinking.getByText('Thinking', { exact: true }).click();
    await poll(() => reply.getByText('Six times seven is forty-two.').isVisible()).toBe(true);

    const first = bodies()[0];
    expect(first?.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(first?.temperature).toBeUndefined();
    expect(first?.max_tokens).toBeGreaterThan(2048);

    // After a reload, the next turn carries the signed thinking back, ahead of the answer.
    await page.reload();
    await tern.heading.waitFor();
    await poll(() => tern.replies().last().getByText('Thinking', { exact: true }).count()).toBe(1);
    env.provider.scripts.push({ kind: 'reply', tokens: ['Yes.'] });
    await tern.send('Sure?');
    await poll(() => bodies().length).toBe(2);
    const assistant = bodies()[1]?.messages.find((m) => m.role === 'assistant');
    const blocks = Array.isArray(assistant?.content) ? assistant.content : [];
    expect(blocks[0]).toMatchObject({ type: 'thinking', signature: 'sig-from-claude' });
    expect(blocks.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(errors.filter((e) => e.startsWith('pageerror')).join('\n')).toBe('');
  });
});
