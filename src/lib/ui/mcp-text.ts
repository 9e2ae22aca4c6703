// An MCP server's state in words, for the settings and the session.
import type { McpCatalog, McpStatus } from '../mcp/types';
import { plural } from './format';

export function statusText(status: McpStatus | undefined, catalog?: McpCatalog): string {
  if (!status || status.state === 'idle') return 'Not connected yet.';
  if (status.state === 'connecting')
    return status.attempt > 1 ? `Connecting again (attempt ${status.attempt})…` : 'Connecting…';
  if (status.state === 'failed') {
    const retry =
      status.retryAt !== null
        ? ` Tern tries again in ${Math.max(1, Math.round((status.retryAt - Date.now()) / 1000))} s.`
        : '';
    return `${status.message}${retry}`;
  }
  const c = catalog ?? { tools: [], prompts: [], resources: [] };
  const version = status.serverVersion ? ` ${status.serverVersion}` : '';
  const via = status.transport === 'sse' ? ', over the older HTTP+SSE transport' : '';
  return (
    `Connected to ${status.serverName}${version} (MCP ${status.protocolVersion}${via}): ` +
    `${plural(c.tools.length, 'tool')}, ${plural(c.prompts.length, 'prompt')}, ` +
    `${plural(c.resources.length, 'resource')}.`
  );
}
