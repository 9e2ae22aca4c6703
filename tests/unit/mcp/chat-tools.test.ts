// MCP tools through whole chat turns: the local wire-protocol server plays the model and asks for
// a tool; the reference MCP server and our tiny one answer it. Every permission mode, progress,
// errors, cancel, a name collision, a long result, a server down, and reloads while a call waits
// or runs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { McpServerConfig } from '../../../src/lib/db/rows';
import type { ChatEngine } from '../../../src/lib/domain/chat/engine';
import { getSettings } from '../../../src/lib/domain/settings';
import { mcp } from '../../../src/lib/state/mcp.svelte';
import { memoryPrefs } from '../../helpers/mcp/memory-prefs';
import { startTinyServer } from '../../helpers/mcp/tiny-server';
import { useMcpServers } from '../../helpers/mcp/use-mcp-servers';
import { useProviderServer } from '../../helpers/use-provider-server';
import { engineFor, setup, until } from '../chat/setup';

const server = await useProviderServer();
const { everything, tiny } = await useMcpServers();

beforeAll(() => mcp.load(memoryPrefs()));
afterAll(async () => {
  for (const d of mcp.servers) await mcp.remove(d.id);
});
beforeEach(async () => {
  for (const d of mcp.servers) await mcp.remove(d.id);
  await mcp.save({
    id: 'ev',
    name: 'Everything',
    url: everything.url,
    headerName: '',
    headerValue: '',
  });
  await mcp.save({ id: 'tiny', name: 'Tiny', url: tiny.url, headerName: '', headerValue: '' });
});

const on = (serverId: string, extra: Partial<McpServerConfig> = {}): McpServerConfig => ({
  name: serverId,
  url: '',
  enabled: true,
  serverId,
  ...extra,
});

type Mode = 'confirm' | 'auto' | 'deny';
async function mcpSetup(mode: Mode, servers: McpServerConfig[]) {
  return setup(server, {
    settings: { permissionMode: mode, mcpServers: servers },
    toolSource: mcp.toolSource,
  });
}

function offered(i: number): string[] {
  const body = server.requests[i]?.body as { tools?: { function: { name: string } }[] };
  return (body.tools ?? []).map((t) => t.function.name);
}

function sentToolResults(i: number): string[] {
  const body = server.requests[i]?.body as { messages: { role: string; content: string }[] };
  return body.messages.filter((m) => m.role === 'tool').map((m) => m.content);
}

describe('permission modes', () => {
  it('confirm: shows where the tool comes from, waits, then runs what the user allows once', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'c1', name: 'echo', args: { message: 'hello MCP' } }] },
      { kind: 'reply', tokens: ['Done.'] },
    );
    const { engine, session, messages } = await mcpSetup('confirm', [on('ev')]);
    await engine.send(session.id, 'Echo something');
    await engine.idle();
    expect(offered(0)).toEqual(
      expect.arrayContaining(['echo', 'get-sum', 'calculator', 'current_time']),
    );
    expect((await engine.pendingApprovals(session.id))?.calls.map((c) => c.name)).toEqual(['echo']);
    expect(await engine.callOrigins(session.id)).toEqual({ c1: 'Everything' });
    expect(server.requests.length).toBe(1);

    await engine.answerToolCall(session.id, 'c1', 'once');
    await engine.idle();
    const rows = await messages();
    expect(rows.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
      ['tool', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(rows[2]).toMatchObject({ name: 'echo', content: 'Echo: hello MCP' });
    expect(rows[2]?.metadata).toMatchObject({ origin: 'ev', server: 'Everything' });
    expect(sentToolResults(1)).toEqual(['Echo: hello MCP']);
    expect(await engine.pendingApprovals(session.id)).toBeNull();
  });

  it('confirm: a denied call never reaches the server and the model hears it was refused', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'c2', name: 'fail', args: {} }] },
      { kind: 'reply', tokens: ['OK.'] },
    );
    const before = tiny.calls.length;
    const { engine, session, messages } = await mcpSetup('confirm', [on('tiny')]);
    await engine.send(session.id, 'Try it');
    await engine.idle();
    await engine.answerToolCall(session.id, 'c2', 'deny');
    await engine.idle();
    expect(tiny.calls.length).toBe(before);
    expect((await messages())[2]?.content).toMatch(/refused/);
    expect(sentToolResults(1)[0]).toMatch(/refused/);
  });

  it('confirm: "always for this session" runs the same tool later without asking', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'a1', name: 'echo', args: { message: 'one' } }] },
      { kind: 'reply', toolCalls: [{ id: 'a2', name: 'echo', args: { message: 'two' } }] },
      { kind: 'reply', tokens: ['Both done.'] },
    );
    const { db, engine, session, messages } = await mcpSetup('confirm', [on('ev')]);
    await engine.send(session.id, 'Echo twice');
    await engine.idle();
    await engine.answerToolCall(session.id, 'a1', 'always');
    await engine.idle();
    expect((await getSettings(db, session.id)).alwaysAllow).toEqual(['ev/echo']);
    const rows = await messages();
    expect(rows.filter((r) => r.role === 'tool').map((r) => r.content)).toEqual([
      'Echo: one',
      'Echo: two',
    ]);
    expect(rows.at(-1)?.content).toBe('Both done.');
  });

  it('auto: runs the allowed tool at once; a tool the session does not allow is not offered', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'u1', name: 'get-sum', args: { a: 1, b: 2 } }] },
      { kind: 'reply', tokens: ['3.'] },
    );
    const { engine, session, messages } = await mcpSetup('auto', [
      on('ev', { tools: ['get-sum'] }),
    ]);
    await engine.send(session.id, 'Add');
    await engine.idle();
    expect(offered(0)).toContain('get-sum');
    expect(offered(0)).not.toContain('echo');
    expect((await messages())[2]?.content).toMatch(/3/);
  });

  it('auto: a tool the server calls destructive is still asked about, and runs only when allowed', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'w1', name: 'wipe', args: {} }] },
      { kind: 'reply', tokens: ['Wiped.'] },
    );
    const before = tiny.calls.filter((c) => c === 'wipe').length;
    const { engine, session, messages } = await mcpSetup('auto', [on('tiny')]);
    await engine.send(session.id, 'Wipe it');
    await engine.idle();
    expect((await engine.pendingApprovals(session.id))?.calls.map((c) => c.name)).toEqual(['wipe']);
    expect(tiny.calls.filter((c) => c === 'wipe').length).toBe(before);
    expect(server.requests.length).toBe(1);

    await engine.answerToolCall(session.id, 'w1', 'once');
    await engine.idle();
    expect(tiny.calls.filter((c) => c === 'wipe').length).toBe(before + 1);
    expect((await messages()).map((m) => m.content).slice(2)).toEqual(['wiped', 'Wiped.']);
  });

  it('auto: a read-only hint next to a destructive one runs without a question', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'p1', name: 'peek', args: {} }] },
      { kind: 'reply', tokens: ['Peeked.'] },
    );
    const { engine, session, messages } = await mcpSetup('auto', [on('tiny')]);
    await engine.send(session.id, 'Peek');
    await engine.idle();
    expect(await engine.pendingApprovals(session.id)).toBeNull();
    expect((await messages()).map((m) => m.content).slice(2)).toEqual(['peeked', 'Peeked.']);
  });

  it('confirm: a read-only hint never skips the question', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'p2', name: 'peek', args: {} }] },
      { kind: 'reply', tokens: ['No.'] },
    );
    const before = tiny.calls.filter((c) => c === 'peek').length;
    const { engine, session } = await mcpSetup('confirm', [on('tiny')]);
    await engine.send(session.id, 'Peek');
    await engine.idle();
    expect((await engine.pendingApprovals(session.id))?.calls.map((c) => c.name)).toEqual(['peek']);
    expect(tiny.calls.filter((c) => c === 'peek').length).toBe(before);
  });

  it('deny: offers no tools at all, and refuses a call made anyway', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'd1', name: 'echo', args: { message: 'x' } }] },
      { kind: 'reply', tokens: ['OK.'] },
    );
    const { engine, session, messages } = await mcpSetup('deny', [on('ev')]);
    await engine.send(session.id, 'Echo');
    await engine.idle();
    expect(offered(0)).toEqual([]);
    expect((await messages())[2]?.content).toMatch(/turned off/);
  });
});

describe('results', () => {
  it('shows progress while the call runs, then the result', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'p1', name: 'slow', args: { seconds: 1.5 } }] },
      { kind: 'reply', tokens: ['Waited.'] },
    );
    const { engine, session, messages } = await mcpSetup('auto', [on('tiny')]);
    await engine.send(session.id, 'Wait');
    await until(async () => {
      const tool = (await messages()).find((r) => r.role === 'tool');
      return typeof tool?.metadata.progress === 'string';
    });
    const running = (await messages()).find((r) => r.role === 'tool');
    expect(running?.status).toBe('streaming');
    expect(running?.metadata.progress).toMatch(/^Working… \d+ of 15$/);
    await engine.idle();
    const done = (await messages()).find((r) => r.role === 'tool');
    expect(done).toMatchObject({ status: 'complete', content: 'Waited 1.5 s.' });
  });

  it('a tool error is stored as an error and sent back to the model', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'e1', name: 'fail', args: { why: 'disk full' } }] },
      { kind: 'reply', tokens: ['Sorry.'] },
    );
    const { engine, session, messages } = await mcpSetup('auto', [on('tiny')]);
    await engine.send(session.id, 'Fail');
    await engine.idle();
    const tool = (await messages())[2];
    expect(tool?.content).toBe('It failed: disk full');
    expect(tool?.parts[0]).toMatchObject({ type: 'tool-result', isError: true });
    expect(sentToolResults(1)).toEqual(['It failed: disk full']);
  });

  it('a cancelled call tells the server, and the model hears it was cancelled', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'x1', name: 'slow', args: { seconds: 30 } }] },
      { kind: 'reply', tokens: ['Stopped.'] },
    );
    const before = tiny.slowCancelled;
    const { engine, session, messages } = await mcpSetup('auto', [on('tiny')]);
    await engine.send(session.id, 'Wait long');
    await until(() => engine.isToolRunning('x1'));
    expect(engine.cancelToolCall('x1')).toBe(true);
    await engine.idle();
    await until(() => tiny.slowCancelled === before + 1);
    const tool = (await messages())[2];
    expect(tool?.content).toMatch(/cancelled/);
    expect(tool?.parts[0]).toMatchObject({ isError: true });
    expect((await messages()).at(-1)?.content).toBe('Stopped.');
  });

  it('a name that collides with a built-in is namespaced, never shadowing it', async () => {
    server.scripts.push(
      {
        kind: 'reply',
        toolCalls: [
          { id: 'n1', name: 'calculator', args: { expression: '2+2' } },
          { id: 'n2', name: 'mcp__Tiny__calculator', args: { expression: '2+2' } },
        ],
      },
      { kind: 'reply', tokens: ['Both.'] },
    );
    const { engine, session, messages } = await mcpSetup('auto', [on('tiny')]);
    await engine.send(session.id, 'Compute');
    await engine.idle();
    expect(offered(0)).toEqual(expect.arrayContaining(['calculator', 'mcp__Tiny__calculator']));
    expect(offered(0)).not.toContain('huge-schema');
    const results = (await messages()).filter((r) => r.role === 'tool').map((r) => r.content);
    expect(results.sort()).toEqual(['4', 'tiny calculator got 2+2']);
  });

  it('a huge result is stored whole and reaches the model cut, with a note', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'b1', name: 'big', args: { chars: 60_000 } }] },
      { kind: 'reply', tokens: ['Long.'] },
    );
    const { engine, session, messages } = await mcpSetup('auto', [on('tiny')]);
    await engine.send(session.id, 'Big');
    await engine.idle();
    const stored = (await messages())[2]?.content ?? '';
    expect(stored.length).toBe(60_000);
    expect(stored.endsWith('END')).toBe(true);
    const sent = sentToolResults(1)[0] ?? '';
    expect(sent.length).toBeLessThan(21_000);
    expect(sent).toMatch(/Result cut: only the first 20,000 of 60,000 characters/);
  });
});

describe('servers down and reloads', () => {
  it('a server that is down leaves its tools out; the session goes on and says which is missing', async () => {
    const gone = await startTinyServer();
    await mcp.save({ id: 'gone', name: 'Gone', url: gone.url, headerName: '', headerValue: '' });
    await gone.close();
    const { engine, session, messages } = await mcpSetup('auto', [on('ev'), on('gone')]);
    await engine.send(session.id, 'Hello');
    await engine.idle();
    expect((await messages()).at(-1)?.status).toBe('complete');
    expect(offered(0)).toContain('echo');
    expect(mcp.missing({ mcpServers: [on('ev'), on('gone')] })).toEqual([
      { name: 'Gone', reason: expect.stringMatching(/cannot be reached/) as unknown },
    ]);
  });

  it('reload while a call waits for permission: the question is asked again, and it runs once', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'r1', name: 'add-tool', args: {} }] },
      { kind: 'reply', tokens: ['Added.'] },
    );
    const before = tiny.calls.filter((c) => c === 'add-tool').length;
    const a = await mcpSetup('confirm', [on('tiny')]);
    await a.engine.send(a.session.id, 'Add a tool');
    await a.engine.idle();
    // The reloaded page: a new engine on the same database.
    const b = engineFor(a.db, server, { toolSource: mcp.toolSource });
    await b.recover();
    expect((await b.pendingApprovals(a.session.id))?.calls.map((c) => c.id)).toEqual(['r1']);
    await b.answerToolCall(a.session.id, 'r1', 'once');
    await expect(a.engine.answerToolCall(a.session.id, 'r1', 'once')).rejects.toMatchObject({
      code: 'not-found',
    });
    await b.idle();
    expect(tiny.calls.filter((c) => c === 'add-tool').length).toBe(before + 1);
    expect((await a.messages()).at(-1)?.content).toBe('Added.');
  });

  it('reload while a call runs: it is marked interrupted, never run again, and the model hears so', async () => {
    server.scripts.push(
      { kind: 'reply', toolCalls: [{ id: 'i1', name: 'slow', args: { seconds: 30 } }] },
      { kind: 'reply', tokens: ['It was cut.'] },
    );
    const started = tiny.slowStarted;
    const a = await mcpSetup('auto', [on('tiny')]);
    await a.engine.send(a.session.id, 'Wait long');
    await until(() => a.engine.isToolRunning('i1'));
    const b: ChatEngine = engineFor(a.db, server, { toolSource: mcp.toolSource });
    await b.recover();
    await b.idle();
    const rows = await a.messages();
    const tool = rows.find((r) => r.role === 'tool');
    expect(tool?.status).toBe('interrupted');
    expect(tool?.content).toMatch(/interrupted .* not run again/);
    expect(rows.at(-1)?.content).toBe('It was cut.');
    expect(await b.pendingApprovals(a.session.id)).toBeNull();
    // The old page's call ending later changes nothing of what the user was told.
    a.engine.cancelToolCall('i1');
    await a.engine.idle();
    expect((await a.messages()).find((r) => r.role === 'tool')?.status).toBe('interrupted');
    expect(tiny.slowStarted).toBe(started + 1);
  });

  it('two servers: the tools of both are offered', async () => {
    const { engine, session } = await mcpSetup('auto', [on('ev'), on('tiny')]);
    await engine.send(session.id, 'Hi');
    await engine.idle();
    expect(offered(0)).toEqual(expect.arrayContaining(['echo', 'slow', 'fail']));
  });
});
