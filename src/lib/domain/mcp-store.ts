// Where the app-wide MCP server definitions are kept (the prefs store, like provider configs), as
// one list under one key: read by the MCP state, and by the app settings of a full export or backup.
import type { Prefs } from '../db/prefs';
import { TernError } from '../errors';
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

const MAX_SERVERS = 100;
const MAX_TEXT = 200;
const MAX_URL = 2048;
const MAX_TOKEN = 8192;
// An HTTP header name (RFC 9110 token); the value may not break out of its header line.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]*$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Names where the servers come from in a refusal: a file, or another device's list. */
function refuser(what: string) {
  return (why: string): never => {
    throw new TernError('invalid-input', `${what} were not taken: ${why}`);
  };
}

function cleanDef(v: unknown, i: number, refuse: (why: string) => never): McpServerDef {
  if (!isMcpServerDef(v)) refuse(`entry ${i + 1} is not a server definition.`);
  const { id, name, url, headerName, headerValue } = v;
  if (!id || id.length > MAX_TEXT || CONTROL.test(id)) refuse(`entry ${i + 1} has an unusable id.`);
  if (name.length > MAX_TEXT || CONTROL.test(name)) refuse(`entry ${i + 1} has an unusable name.`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    refuse(`entry ${i + 1} has an address that is not a URL.`);
  }
  if (url.length > MAX_URL || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    refuse(`entry ${i + 1} has an address that is not http:// or https://.`);
  if (parsed.username || parsed.password)
    refuse(`entry ${i + 1} has an address with a user name or password in it.`);
  if (headerName.length > MAX_TEXT || !HEADER_NAME.test(headerName))
    refuse(`entry ${i + 1} has an unusable header name.`);
  if (headerValue.length > MAX_TOKEN || CONTROL.test(headerValue))
    refuse(`entry ${i + 1} has an unusable token.`);
  // Only the known fields: nothing else a file carries reaches the store.
  return { id, name, url, headerName, headerValue };
}

/**
 * MCP server definitions from outside (a file, another device: untrusted): all of them, checked, or
 * an error saying why, which begins with `what`.
 */
export function cleanMcpServers(v: unknown, what = 'The MCP servers in this file'): McpServerDef[] {
  const refuse: (why: string) => never = refuser(what);
  if (!Array.isArray(v)) refuse('they are not a list.');
  if (v.length > MAX_SERVERS) refuse(`there are more than ${MAX_SERVERS}.`);
  const defs = v.map((d, i) => cleanDef(d, i, refuse));
  if (new Set(defs.map((d) => d.id)).size !== defs.length) refuse('two of them share an id.');
  return defs;
}
