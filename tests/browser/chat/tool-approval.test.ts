// Tool calls in a session that asks first, through the app's chat state and its approval prompt,
// in Chromium: the model's call waits for the user, Allow once runs it and the model goes on, Deny
// tells the model so. Everything lands in a real IndexedDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { flushSync, mount, unmount } from 'svelte';
import { createStore } from 'idb-keyval';
import type { TernDB } from '../../../src/lib/db/database';
import { createPrefs } from '../../../src/lib/db/prefs';
import { allMessages } from '../../../src/lib/domain/messages';
import { setSettings } from '../../../src/lib/domain/settings';
import { chat } from '../../../src/lib/state/chat.svelte';
import { providers } from '../../../src/lib/state/providers.svelte';
import ToolApprovals from '../../../src/lib/components/chat/ToolApprovals.svelte';
import { deleteDb, openTestDb, type TestDeps } from '../../helpers/db';
import { providerServer, type RemoteProviderServer } from './provider-client';
import { newSession } from '../../helpers/builders';

let server: RemoteProviderServer;
let db: TernDB;
let deps: TestDeps;

beforeAll(async () => {
  server = await providerServer();
  ({ db, deps } = await openTestDb());
  await providers.load(createPrefs(createStore(`tern-prefs-test-${crypto.randomUUID()}`, 'p')));
  await providers.save({
    id: 'p1',
    kind: 'openai-compatible',
    label: 'Test AI',
    baseUrl: `${server.url}/v1`,
    apiKey: '',
    models: ['model-a'],
  });
  await chat.start(db);
});
afterAll(async () => {
  db.close();
  await deleteDb(deps);
  await server.close();
});

async function session() {
  const s = await newSession(db);
  await setSettings(db, s.id, { permissionMode: 'confirm' });
  const target = document.createElement('div');
  document.body.append(target);
  const component = mount(ToolApprovals, { target, props: { sessionId: s.id } });
  flushSync();
  return {
    id: s.id,
    rows: () => allMessages(db, s.id),
    done: async () => {
      await unmount(component);
      target.remove();
    },
  };
}

describe('tool calls that ask first', () => {
  it('waits for Allow, runs the tool, and the model answers with its result', async () => {
    await server.script(
      {
        kind: 'reply',
        toolCalls: [{ id: 'call_1', name: 'calculator', args: { expression: '6*7' } }],
      },
      { kind: 'reply', tokens: ['It is', ' 42.'] },
    );
    const s = await session();
    await chat.send(s.id, 'What is 6*7?');
    const prompt = page.getByRole('group', { name: 'Tool call calculator' });
    await expect.element(prompt).toHaveTextContent('The model asks to run calculator');
    await expect.element(prompt).toHaveTextContent('(built-in)');
    await expect.element(prompt).toHaveTextContent('{ "expression": "6*7" }');
    // Nothing ran yet.
    expect((await s.rows()).filter((r) => r.role === 'tool')).toEqual([]);

    await page.getByRole('button', { name: 'Allow calculator once' }).click();
    await expect.poll(async () => (await s.rows()).at(-1)?.content).toBe('It is 42.');
    const rows = await s.rows();
    expect(rows.map((r) => r.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(rows[2]).toMatchObject({ name: 'calculator', toolCallId: 'call_1', content: '42' });
    await expect.element(prompt).not.toBeInTheDocument();
    await s.done();
  });

  it('Deny tells the model the user refused', async () => {
    await server.script(
      { kind: 'reply', toolCalls: [{ id: 'call_2', name: 'current_time', args: {} }] },
      { kind: 'reply', tokens: ['Understood.'] },
    );
    const s = await session();
    await chat.send(s.id, 'What time is it?');
    await page.getByRole('button', { name: 'Deny current_time' }).click();
    await expect.poll(async () => (await s.rows()).at(-1)?.content).toBe('Understood.');
    const tool = (await s.rows()).find((r) => r.role === 'tool');
    expect(tool?.content).toBe('The user refused this tool call.');
    await s.done();
  });
});
