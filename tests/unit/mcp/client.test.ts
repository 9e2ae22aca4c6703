// The MCP client against real servers on 127.0.0.1: the reference server in Streamable HTTP mode
// (and its older SSE mode, for the fallback), and a tiny server of our own for the cases the
// reference one has no way to show.
import { describe, expect, it } from 'vitest';
import { McpManager } from '../../../src/lib/mcp/manager';
import type { McpCatalog, McpServerDef, McpStatus } from '../../../src/lib/mcp/types';
import { startEverything } from '../../helpers/mcp/everything';
import { startTinyServer } from '../../helpers/mcp/tiny-server';
import { useMcpServers } from '../../helpers/mcp/use-mcp-servers';
import { until } from '../chat/setup';

const { everything, tiny } = await useMcpServers();

function def(url: string, extra: Partial<McpServerDef> = {}): McpServerDef {
  return {
    id: `s-${Math.random()}`,
    name: 'Test server',
    url,
    headerName: '',
    headerValue: '',
    ...extra,
  };
}

function manager(backoffMs?: number[]) {
  const statuses: Record<string, McpStatus[]> = {};
  const catalogs: Record<string, McpCatalog> = {};
  const m = new McpManager(
    {
      onStatus: (id, s) => (statuses[id] ??= []).push(s),
      onCatalog: (id, c) => (catalogs[id] = c),
    },
    backoffMs ? { backoffMs } : {},
  );
  return { m, statuses, catalogs };
}

describe('connecting', () => {
  it('connects to the reference server and lists its tools, prompts and resources', async () => {
    const { m, catalogs } = manager();
    const d = def(everything.url);
    const conn = m.use(d);
    await conn.connect();
    expect(conn.current).toMatchObject({
      state: 'connected',
      serverName: expect.stringContaining('everything') as unknown,
      transport: 'streamable-http',
      protocolVersion: '2025-11-25',
    });
    const names = conn.lists.tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']),
    );
    expect(conn.lists.tools.find((t) => t.name === 'echo')?.description).toMatch(/echo/i);
    expect(conn.lists.prompts.length).toBeGreaterThan(0);
    expect(conn.lists.resources.length).toBeGreaterThan(0);
    expect(catalogs[d.id]?.tools.length).toBe(conn.lists.tools.length);
    const res = await conn.callTool('get-sum', { a: 2, b: 40 });
    expect(res).toEqual({ result: expect.stringContaining('42') as unknown, isError: false });
    await m.closeAll();
  });

  it('falls back to the older HTTP+SSE transport', async () => {
    const sse = await startEverything('sse');
    try {
      const { m } = manager();
      const conn = m.use(def(sse.url));
      await conn.connect();
      expect(conn.current).toMatchObject({ state: 'connected', transport: 'sse' });
      expect((await conn.callTool('echo', { message: 'over SSE' })).result).toContain('over SSE');
      await m.closeAll();
    } finally {
      await sse.close();
    }
  });

  it('says when the server is unreachable, and retries with backoff', async () => {
    const gone = await startTinyServer();
    const url = gone.url;
    await gone.close();
    const { m, statuses } = manager([50, 50]);
    const d = def(url);
    const conn = m.use(d);
    await conn.connect();
    expect(conn.current).toMatchObject({ state: 'failed', code: 'unreachable' });
    expect((conn.current as { retryAt: number | null }).retryAt).not.toBeNull();
    await until(() => (statuses[d.id] ?? []).filter((s) => s.state === 'connecting').length >= 2);
    await m.closeAll();
  });

  it('asks for the token on a 401, and says a wrong one was refused, without retrying', async () => {
    tiny.token = 'Bearer right';
    try {
      const { m } = manager();
      const none = m.use(def(tiny.url));
      await none.connect();
      expect(none.current).toMatchObject({ state: 'failed', code: 'unauthorized', retryAt: null });
      expect((none.current as { message: string }).message).toMatch(/asks for a token/);
      const wrong = m.use(def(tiny.url, { headerValue: 'Bearer wrong' }));
      await wrong.connect();
      expect((wrong.current as { message: string }).message).toMatch(/refused the token/);
      const right = m.use(
        def(tiny.url, { headerName: 'Authorization', headerValue: 'Bearer right' }),
      );
      await right.connect();
      expect(right.current.state).toBe('connected');
      await m.closeAll();
    } finally {
      tiny.token = null;
    }
  });

  it('names a protocol version it cannot speak', async () => {
    tiny.oddProtocol = true;
    try {
      const { m } = manager();
      const conn = m.use(def(tiny.url));
      await conn.connect();
      expect(conn.current).toMatchObject({ state: 'failed', code: 'protocol-version' });
      expect((conn.current as { message: string }).message).toContain('1999-01-01');
      await m.closeAll();
    } finally {
      tiny.oddProtocol = false;
    }
  });

  it('refuses an address that is not http(s)', async () => {
    const { m } = manager();
    const conn = m.use(def('ws://127.0.0.1:9/mcp'));
    await conn.connect();
    expect(conn.current).toMatchObject({ state: 'failed', code: 'invalid-url', retryAt: null });
    await m.closeAll();
  });
});

describe('tools', () => {
  it('refuses a huge schema with a note and keeps the other tools', async () => {
    const { m } = manager();
    const conn = m.use(def(tiny.url));
    await conn.connect();
    const huge = conn.lists.tools.find((t) => t.name === 'huge-schema');
    expect(huge?.refused).toMatch(/too big/);
    expect(conn.lists.tools.find((t) => t.name === 'slow')?.refused).toBeUndefined();
    await m.closeAll();
  });

  it('refreshes the tool list when the server says it changed', async () => {
    const { m } = manager();
    const conn = m.use(def(tiny.url));
    await conn.connect();
    expect(conn.lists.tools.some((t) => t.name === 'later')).toBe(false);
    await conn.callTool('add-tool', {});
    await until(() => conn.lists.tools.some((t) => t.name === 'later'));
    await m.closeAll();
  });

  it('reports progress, and a cancel reaches the server', async () => {
    const { m } = manager();
    const conn = m.use(def(tiny.url));
    await conn.connect();
    const notes: string[] = [];
    const controller = new AbortController();
    const before = tiny.slowCancelled;
    const call = conn.callTool(
      'slow',
      { seconds: 30 },
      {
        signal: controller.signal,
        onProgress: (n) => notes.push(n),
      },
    );
    await until(() => notes.length >= 2);
    expect(notes[0]).toMatch(/^Working… 1 of 300$/);
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'cancelled' });
    await until(() => tiny.slowCancelled === before + 1);
    await m.closeAll();
  });

  it('fails a call at once when the server disappears during it', async () => {
    const doomed = await startTinyServer();
    const { m } = manager([60_000]);
    const conn = m.use(def(doomed.url));
    await conn.connect();
    const call = conn.callTool('slow', { seconds: 60 });
    await until(() => doomed.slowStarted === 1);
    const t0 = Date.now();
    await doomed.vanish();
    await expect(call).rejects.toMatchObject({ code: 'unreachable' });
    expect(Date.now() - t0).toBeLessThan(15_000);
    await until(() => conn.current.state === 'failed');
    await m.closeAll();
  });
});
