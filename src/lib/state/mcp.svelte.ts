// MCP servers: defined once for the app (kept in the prefs store like provider configs; the token
// stays on this device), switched on per session. The client (the SDK, ~95 KB gzipped) loads only
// when a session with a server is used or the MCP settings open.
//
// API for the UI:
//   mcp.servers                          McpServerDef[] (reactive)
//   mcp.status[id]                       McpStatus of a server this tab has used (reactive)
//   mcp.catalogs[id]                     its tools, prompts and resources once connected
//   await mcp.load(prefs)                done when this module is first imported (nothing on the
//                                        first screen imports it)
//   await mcp.reload()                   after sync took another device's list
//   mcp.get(id)                          a server's definition
//   await mcp.save(def) / mcp.remove(id) a changed address or token reconnects
//   mcp.connect(id) / mcp.reconnect(id)  (loads the client)
//   mcp.sessionServers(settings)         the servers a session switched on, with allowed tools
//   mcp.use(settings)                    connects them (opening a session)
//   mcp.missing(settings)                those switched on but not connected, with why
//   mcp.toolSource                       for the chat engine: the session's tools now
//   mcp.prompt(id, name, args)           a prompt's text; mcp.resource(id, uri) a resource's
import { createPrefs, type Prefs } from '../db/prefs';
import type { McpServerConfig, SessionSettingsRow } from '../db/rows';
import type { SessionTool, ToolSource } from '../domain/chat/tools';
import type { McpManager } from '../mcp/manager';
import { toolSpec } from '../mcp/schema';
import type { McpCatalog, McpServerDef, McpStatus } from '../mcp/types';
import { loadMcpServers, saveMcpServers } from '../domain/mcp-store';

export type { McpCatalog, McpServerDef, McpStatus };

/** Opening a session waits this long at most for its servers before the model is asked. */
const CONNECT_WAIT_MS = 10_000;

export interface SessionServer {
  def: McpServerDef;
  /** Allowed tools by their own names; undefined = all. */
  tools: string[] | undefined;
}

/** The definition a session's entry means: by id, else (older entries) by address. */
export function definitionFor(
  entry: McpServerConfig,
  defs: readonly McpServerDef[],
): McpServerDef | undefined {
  return (
    (entry.serverId ? defs.find((d) => d.id === entry.serverId) : undefined) ??
    defs.find((d) => d.url === entry.url)
  );
}

class McpState {
  #servers = $state.raw<McpServerDef[]>([]);
  #status = $state<Record<string, McpStatus>>({});
  #catalogs = $state.raw<Record<string, McpCatalog>>({});

  get servers() {
    return this.#servers;
  }
  get status() {
    return this.#status;
  }
  get catalogs() {
    return this.#catalogs;
  }

  private prefs: Prefs | null = null;
  private manager: Promise<McpManager> | null = null;
  private loading: Promise<void> = Promise.resolve();

  load(prefs: Prefs): Promise<void> {
    this.prefs = prefs;
    this.loading = loadMcpServers(prefs).then((list) => {
      if (this.prefs === prefs) this.#servers = list;
    });
    return this.loading;
  }

  /** Reads the stored list again (another device's, taken by sync); removed servers disconnect. */
  async reload(): Promise<void> {
    if (!this.prefs) return;
    const before = this.#servers;
    await this.load(this.prefs);
    const kept = new Set(this.#servers.map((d) => d.id));
    for (const gone of before.filter((d) => !kept.has(d.id))) {
      delete this.#status[gone.id];
      const catalogs = { ...this.#catalogs };
      delete catalogs[gone.id];
      this.#catalogs = catalogs;
      if (this.manager) await (await this.manager).remove(gone.id);
    }
  }

  private async persist(): Promise<void> {
    if (this.prefs) await saveMcpServers(this.prefs, $state.snapshot(this.#servers));
  }

  /** The client, loaded on first use. */
  private client(): Promise<McpManager> {
    this.manager ??= import('../mcp/manager').then(({ McpManager }) => {
      const m = new McpManager({
        onStatus: (id, s) => (this.#status[id] = s),
        onCatalog: (id, c) => (this.#catalogs = { ...this.#catalogs, [id]: c }),
      });
      if (typeof window !== 'undefined') window.addEventListener('online', () => m.retryFailed());
      return m;
    });
    return this.manager;
  }

  get(id: string): McpServerDef | undefined {
    return this.#servers.find((d) => d.id === id);
  }

  async save(def: McpServerDef): Promise<McpServerDef> {
    const clean: McpServerDef = {
      ...def,
      name: def.name.trim() || def.url.trim(),
      url: def.url.trim(),
      headerName: def.headerName.trim(),
      headerValue: def.headerValue.trim(),
    };
    const i = this.#servers.findIndex((d) => d.id === clean.id);
    this.#servers =
      i < 0 ? [...this.#servers, clean] : this.#servers.map((d) => (d.id === clean.id ? clean : d));
    await this.persist();
    return clean;
  }

  async remove(id: string): Promise<void> {
    this.#servers = this.#servers.filter((d) => d.id !== id);
    delete this.#status[id];
    const catalogs = { ...this.#catalogs };
    delete catalogs[id];
    this.#catalogs = catalogs;
    await this.persist();
    if (this.manager) await (await this.manager).remove(id);
  }

  /** Connects (or keeps) a server; resolves once connected or failed once. */
  async connect(id: string): Promise<void> {
    const def = this.get(id);
    if (!def) return;
    const m = await this.client();
    await m.use($state.snapshot(def)).connect();
  }

  async reconnect(id: string): Promise<void> {
    const def = this.get(id);
    if (!def) return;
    const m = await this.client();
    await m.use($state.snapshot(def)).reconnect();
  }

  sessionServers(settings: Pick<SessionSettingsRow, 'mcpServers'>): SessionServer[] {
    return settings.mcpServers.flatMap((entry) => {
      const def = entry.enabled ? definitionFor(entry, this.#servers) : undefined;
      return def ? [{ def, tools: entry.tools }] : [];
    });
  }

  /** Connects a session's servers; resolves when each has connected or failed (or after 10 s). */
  async use(settings: Pick<SessionSettingsRow, 'mcpServers'>): Promise<void> {
    await this.loading.catch(() => {});
    const servers = this.sessionServers(settings);
    if (servers.length === 0) return;
    const m = await this.client();
    await Promise.race([
      m.settle(servers.map((s) => $state.snapshot(s.def))),
      new Promise((r) => setTimeout(r, CONNECT_WAIT_MS)),
    ]);
  }

  /** Servers a session switched on whose tools it is going without, and why. */
  missing(settings: Pick<SessionSettingsRow, 'mcpServers'>): { name: string; reason: string }[] {
    const out: { name: string; reason: string }[] = [];
    for (const entry of settings.mcpServers) {
      if (!entry.enabled) continue;
      const def = definitionFor(entry, this.#servers);
      const s = def ? this.#status[def.id] : undefined;
      if (!def) out.push({ name: entry.name, reason: 'not set up in Settings → MCP servers' });
      else if (s?.state === 'failed') out.push({ name: def.name, reason: s.message });
    }
    return out;
  }

  readonly toolSource: ToolSource = async (_sessionId, settings) => {
    await this.loading.catch(() => {});
    const servers = this.sessionServers(settings);
    if (servers.length === 0) return [];
    await this.use(settings);
    const m = await this.client();
    const out: SessionTool[] = [];
    for (const { def, tools: allowed } of servers) {
      const conn = m.get(def.id);
      if (conn?.current.state !== 'connected') continue;
      for (const tool of conn.lists.tools) {
        if (tool.refused || (allowed && !allowed.includes(tool.name))) continue;
        out.push({
          spec: toolSpec(tool, tool.name),
          origin: def.id,
          originLabel: def.name,
          toolName: tool.name,
          // readOnlyHint is only a hint: it never skips a question; destructiveHint always asks.
          ...(tool.annotations?.destructiveHint && !tool.annotations.readOnlyHint
            ? { alwaysAsk: true }
            : {}),
          run: (args, ctx) =>
            conn.callTool(tool.name, args, {
              signal: ctx.signal,
              onProgress: (note) => ctx.onProgress(note),
            }),
        });
      }
    }
    return out;
  };

  async prompt(id: string, name: string, args: Record<string, string>): Promise<string> {
    await this.connect(id);
    const conn = (await this.client()).get(id);
    if (!conn) throw new Error('That server is not set up.');
    return conn.getPrompt(name, args);
  }

  async resource(id: string, uri: string): Promise<string> {
    await this.connect(id);
    const conn = (await this.client()).get(id);
    if (!conn) throw new Error('That server is not set up.');
    return conn.readResource(uri);
  }
}

export const mcp = new McpState();
if (typeof indexedDB !== 'undefined') void mcp.load(createPrefs()).catch(() => {});
