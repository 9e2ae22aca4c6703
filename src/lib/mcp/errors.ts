// What went wrong with an MCP server, in words the user can act on. A page cannot read why a
// cross-origin request failed: a no-cors probe tells "reachable but refused by CORS" from
// "unreachable" (the probe's opaque answer means something is there).
import { McpError } from './types';

/** What a server must send for a page to talk to it (the wording the settings show). */
export function corsAdvice(origin: string, headerName: string): string {
  const headers = ['content-type', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id'];
  if (headerName) headers.push(headerName.toLowerCase());
  return (
    `The server is there but refuses requests from this page (CORS). It must answer with ` +
    `Access-Control-Allow-Origin: ${origin} (or *), Access-Control-Allow-Headers: ${headers.join(', ')}, ` +
    `Access-Control-Expose-Headers: mcp-session-id, mcp-protocol-version, and allow the methods ` +
    `GET, POST and DELETE.`
  );
}

function status(e: unknown): number | null {
  if (typeof e !== 'object' || e === null) return null;
  const code = (e as { code?: unknown }).code;
  const name = (e as { name?: unknown }).name;
  if (name === 'UnauthorizedError') return 401;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : null;
}

function isNetworkFailure(e: unknown): boolean {
  return (
    e instanceof TypeError ||
    (e instanceof Error &&
      /fetch failed|Failed to fetch|NetworkError|ECONNREFUSED/i.test(e.message))
  );
}

async function reachableButRefused(url: string, fetchImpl: typeof fetch): Promise<boolean> {
  if (typeof location === 'undefined' || new URL(url).origin === location.origin) return false;
  try {
    await fetchImpl(url, { mode: 'no-cors', method: 'GET', cache: 'no-store' });
    return true;
  } catch {
    return false;
  }
}

/** Any failure while connecting or calling, as an McpError with a code and a sentence. */
export async function describeFailure(
  e: unknown,
  ctx: { url: string; headerName: string; hasToken: boolean; fetch: typeof fetch },
): Promise<McpError> {
  if (e instanceof McpError) return e;
  const code = status(e);
  const message = e instanceof Error ? e.message : String(e);
  if (code === 401 || code === 403)
    return new McpError(
      'unauthorized',
      ctx.hasToken
        ? `The server refused the token (${code}). Check the token in this server's settings.`
        : `The server asks for a token (${code}). Enter it in this server's settings.`,
    );
  const version = /protocol version is not supported: (.+)$/.exec(message);
  if (version)
    return new McpError(
      'protocol-version',
      `The server speaks MCP protocol version ${version[1]}, which Tern cannot speak.`,
    );
  if (isNetworkFailure(e)) {
    if (await reachableButRefused(ctx.url, ctx.fetch))
      return new McpError(
        'cors',
        corsAdvice(typeof location === 'undefined' ? '' : location.origin, ctx.headerName),
      );
    return new McpError(
      'unreachable',
      'The server cannot be reached. Check the address, and that the server is running.',
    );
  }
  if (code !== null)
    return new McpError('protocol', `The server answered HTTP ${code} instead of speaking MCP.`);
  if (/timed out/i.test(message))
    return new McpError('timeout', 'The server took too long to answer.');
  return new McpError('protocol', `The server's answer made no sense: ${message.slice(0, 200)}`);
}
