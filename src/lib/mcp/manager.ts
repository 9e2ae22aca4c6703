// The tab's MCP connections: one per server, made on first use and kept while the server is
// defined. This module and the SDK under it load only when a session with an MCP server is used,
// or the MCP settings are opened (see state/mcp.svelte.ts).
import { McpConnection, type ConnectionOptions } from './connection';
import type { McpCatalog, McpServerDef, McpStatus } from './types';

export interface ManagerHooks {
  onStatus(serverId: string, status: McpStatus): void;
  onCatalog(serverId: string, catalog: McpCatalog): void;
}

function sameEndpoint(a: McpServerDef, b: McpServerDef): boolean {
  return a.url === b.url && a.headerName === b.headerName && a.headerValue === b.headerValue;
}

export class McpManager {
  private readonly connections = new Map<string, McpConnection>();

  constructor(
    private readonly hooks: ManagerHooks,
    private readonly options: ConnectionOptions = {},
  ) {}

  /** The server's connection, connecting it if needed; a changed address or token reconnects. */
  use(def: McpServerDef): McpConnection {
    const known = this.connections.get(def.id);
    if (known && sameEndpoint(known.def, def)) {
      if (known.def.name !== def.name) Object.assign(known.def, { name: def.name });
      void known.connect();
      return known;
    }
    if (known) void known.close();
    const conn = new McpConnection(
      { ...def },
      {
        onStatus: (s) => this.hooks.onStatus(def.id, s),
        onCatalog: (c) => this.hooks.onCatalog(def.id, c),
      },
      this.options,
    );
    this.connections.set(def.id, conn);
    void conn.connect();
    return conn;
  }

  get(serverId: string): McpConnection | undefined {
    return this.connections.get(serverId);
  }

  /** Connects these servers and resolves once each is connected or has failed once. */
  async settle(defs: readonly McpServerDef[]): Promise<void> {
    await Promise.all(defs.map((d) => this.use(d).connect()));
  }

  async remove(serverId: string): Promise<void> {
    const conn = this.connections.get(serverId);
    this.connections.delete(serverId);
    await conn?.close();
  }

  /** Servers down or offline come back on their own timers; going online tries them now. */
  retryFailed(): void {
    for (const c of this.connections.values())
      if (c.current.state === 'failed' && c.current.retryAt !== null) void c.connect();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((id) => this.remove(id)));
  }
}
