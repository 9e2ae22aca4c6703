// Where the app-wide MCP server definitions are kept (the prefs store, like provider configs), as
// one list under one key: read by the MCP state, and by the export for a full backup.
import type { Prefs } from '../db/prefs';
import type { McpServerDef } from '../mcp/types';

const KEY = 'mcpServers';

export function isMcpServerDef(d: unknown): d is McpServerDef {
  if (typeof d !== 'object' || d === null) return false;
  const r = d as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.name === 'string' &&
    typeof r.url === 'string' &&
    typeof r.headerName === 'string' &&
    typeof r.headerValue === 'string'
  );
}

export async function loadMcpServers(prefs: Prefs): Promise<McpServerDef[]> {
  const stored = await prefs.get<{ list?: unknown[] }>(KEY);
  return (stored?.list ?? []).filter(isMcpServerDef);
}

export function saveMcpServers(prefs: Prefs, list: McpServerDef[]): Promise<void> {
  return prefs.set(KEY, { list });
}
