// MCP servers from the page itself, in real Chromium against the built app: the reference server
// and our tiny one on other 127.0.0.1 ports (so CORS is real), the wire-protocol server as the
// model. Setting a server up, its state in words (connected, refused by CORS, asking for a token),
// switching it on for a session, a tool call asked about, a reload while it waits, then allowed.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useMcpServers } from '../../helpers/mcp/use-mcp-servers';
import type { ChatPage } from '../chat/chat-page';
import { openChat, poll, useChatEnv } from '../chat/chat-env';

const env = useChatEnv();
const { everything, tiny } = await useMcpServers();

const ready = () => openChat(env);

async function openMcpSettings(tern: ChatPage) {
  await tern.sidebar.getByRole('button', { name: 'Settings' }).click();
  const dialog = tern.dialog('Settings');
  await dialog.getByRole('tab', { name: 'MCP servers' }).click();
  return dialog;
}

async function addServer(tern: ChatPage, name: string, url: string, token = '') {
  const dialog = await openMcpSettings(tern);
  await dialog.getByRole('button', { name: 'Add MCP server' }).click();
  const form = dialog.getByRole('form', { name: 'New MCP server' });
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  await form.getByRole('textbox', { name: 'Address' }).fill(url);
  if (token) await form.getByLabel('Token').fill(token);
  await form.getByRole('button', { name: 'Save and connect' }).click();
  return dialog;
}

function stateOf(page: Page, name: string) {
  return page.getByRole('status', { name: `State of ${name}` });
}

describe('MCP servers', () => {
  it('connects, lists the tools, asks before a call, asks again after a reload, then runs it once', async () => {
    const { page, tern, errors } = await ready();
    const dialog = await addServer(tern, 'Everything', everything.url);
    await poll(async () => (await stateOf(page, 'Everything').textContent()) ?? '').toMatch(
      /Connected to .*everything.* \(MCP 2025-11-25\): \d+ tools, \d+ prompts, \d+ resources\./,
    );
    await dialog.getByText(/^Tools of Everything/).click();
    const tools = dialog.getByRole('list', { name: 'Tools of Everything' });
    await poll(() => tools.getByText('echo', { exact: true }).count()).toBe(1);
    expect(await tools.textContent()).toMatch(/Echoes back the input/i);

    // Switched on for this session, with its tools; permission mode stays "ask first".
    await dialog.getByRole('tab', { name: 'Session' }).click();
    await dialog.getByRole('checkbox', { name: 'Use Everything in this session' }).check();
    await poll(() => dialog.getByText(/^Allowed tools of Everything/).count()).toBe(1);
    await dialog.getByRole('button', { name: 'Save session settings' }).click();
    await poll(() =>
      page.getByRole('status').filter({ hasText: 'Session settings saved.' }).count(),
    ).toBe(1);
    await dialog.getByRole('button', { name: 'Close' }).click();

    env.provider.scripts.push(
      {
        kind: 'reply',
        toolCalls: [{ id: 'e1', name: 'echo', args: { message: 'from the page' } }],
      },
      { kind: 'reply', tokens: ['It echoed.'] },
    );
    await tern.send('Echo something');
    const ask = page.getByRole('group', { name: 'Tool call echo' });
    await poll(() => ask.count()).toBe(1);
    await poll(async () => (await ask.textContent()) ?? '').toContain('(from Everything)');
    expect(await ask.locator('pre').textContent()).toBe('{\n  "message": "from the page"\n}');
    const sent = env.provider.requests.find((r) => r.method === 'POST')?.body as {
      tools: { function: { name: string } }[];
    };
    expect(sent.tools.map((t) => t.function.name)).toEqual(
      expect.arrayContaining(['echo', 'calculator']),
    );

    // A reload while the call waits: the question is asked again, and nothing ran meanwhile.
    await page.reload();
    await tern.heading.waitFor();
    await poll(() => ask.count()).toBe(1);
    await ask.getByRole('button', { name: 'Allow echo once' }).click();
    await poll(() => tern.message('It echoed.').count()).toBe(1);
    await poll(() => page.getByText('Result of echo (Everything)').count()).toBe(1);
    expect(await ask.count()).toBe(0);
    const posts = env.provider.requests.filter((r) => r.method === 'POST');
    expect(posts.length).toBe(2);
    expect(JSON.stringify(posts[1]?.body)).toContain('Echo: from the page');
    expect(errors).toEqual([]);
  });

  it('says when a server refuses the page (CORS), and what it must allow', async () => {
    tiny.refuseCors = true;
    try {
      const { page, tern } = await ready();
      await addServer(tern, 'Closed', tiny.url);
      const text = () => stateOf(page, 'Closed').textContent();
      await poll(async () => (await text()) ?? '').toMatch(
        /refuses requests from this page \(CORS\)/,
      );
      const origin = new URL(env.server.url).origin;
      expect(await text()).toContain(`Access-Control-Allow-Origin: ${origin}`);
      expect(await text()).toContain('mcp-session-id');
    } finally {
      tiny.refuseCors = false;
    }
  });

  it('asks for the token on a 401, and connects once it is entered', async () => {
    tiny.token = 'Bearer e2e-secret';
    try {
      const { page, tern } = await ready();
      const dialog = await addServer(tern, 'Locked', tiny.url);
      await poll(async () => (await stateOf(page, 'Locked').textContent()) ?? '').toMatch(
        /asks for a token \(401\)/,
      );
      await dialog.getByRole('button', { name: 'Enter the token' }).click();
      const form = dialog.getByRole('form', { name: 'Edit MCP server' });
      await form.getByLabel('Token').fill('Bearer e2e-secret');
      await form.getByRole('button', { name: 'Save and connect' }).click();
      await poll(async () => (await stateOf(page, 'Locked').textContent()) ?? '').toMatch(
        /^Connected to tiny 0\.0\.1/,
      );
    } finally {
      tiny.token = null;
    }
  });
});
