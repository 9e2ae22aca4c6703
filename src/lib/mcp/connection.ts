// One connection to one MCP server in this tab, through the official SDK: Streamable HTTP, falling
// back to the older HTTP+SSE transport when the endpoint refuses a POST the way old servers do
// (404/405). Reconnects with backoff when the server goes away; refreshes its lists when the server
// says they changed. The SDK handles the session id and the protocol version negotiation.
import './zod-jitless';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
// No eval: ajv compiles validators with new Function, which a strict CSP forbids.
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
import { describeFailure } from './errors';
import { progressText, resultText } from './result-text';
import { readTool } from './schema';
import {
  McpError,
  type McpCallOptions,
  type McpCatalog,
  type McpServerDef,
  type McpStatus,
  type McpToolOutcome,
} from './types';

export const CLIENT_INFO = { name: 'Tern', version: '1' };
const CONNECT_TIMEOUT_MS = 15_000;
/** A call that reports no progress for this long fails; progress resets the clock. */
const CALL_TIMEOUT_MS = 120_000;
const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
// Failures the user has to fix: retrying on a timer would only repeat them.
const FINAL: ReadonlySet<McpError['code']> = new Set([
  'invalid-url',
  'unauthorized',
  'protocol-version',
  'cors',
]);

export interface ConnectionHooks {
  onStatus(status: McpStatus): void;
  onCatalog(catalog: McpCatalog): void;
}

export interface ConnectionOptions {
  fetch?: typeof fetch;
  /** Backoff delays, shortened in tests. */
  backoffMs?: readonly number[];
}

const EMPTY: McpCatalog = { tools: [], prompts: [], resources: [] };

async function collect<T, C extends { nextCursor?: string }>(
  page: (cursor?: string) => Promise<C>,
  items: (c: C) => T[],
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  // A server that pages forever is cut off after 50 pages.
  for (let i = 0; i < 50; i++) {
    const res = await page(cursor);
    out.push(...items(res));
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return out;
}

export class McpConnection {
  private client: Client | null = null;
  private status: McpStatus = { state: 'idle' };
  private catalog: McpCatalog = EMPTY;
  private opening: Promise<void> | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly fetchImpl: typeof fetch;

  constructor(
    readonly def: McpServerDef,
    private readonly hooks: ConnectionHooks,
    private readonly options: ConnectionOptions = {},
  ) {
    this.fetchImpl = options.fetch ?? ((...a) => fetch(...a));
  }

  get current(): McpStatus {
    return this.status;
  }

  get lists(): McpCatalog {
    return this.catalog;
  }

  private setStatus(s: McpStatus): void {
    this.status = s;
    this.hooks.onStatus(s);
  }

  private headers(): Record<string, string> {
    const value = this.def.headerValue.trim();
    return value ? { [this.def.headerName.trim() || 'Authorization']: value } : {};
  }

  /** Connects unless connected or connecting; resolves when that attempt has ended either way. */
  connect(): Promise<void> {
    if (this.status.state === 'connected' || this.closed) return Promise.resolve();
    this.opening ??= this.open().finally(() => (this.opening = null));
    return this.opening;
  }

  /** Drops the connection and connects again now (the settings' Reconnect, a changed token). */
  async reconnect(): Promise<void> {
    this.clearTimer();
    this.attempt = 0;
    await this.opening;
    await this.dropClient();
    this.setStatus({ state: 'idle' });
    await this.connect();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async open(): Promise<void> {
    this.clearTimer();
    this.attempt++;
    this.setStatus({ state: 'connecting', attempt: this.attempt });
    try {
      let url: URL;
      try {
        url = new URL(this.def.url);
      } catch {
        throw new McpError('invalid-url', 'The address is not a URL.');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new McpError('invalid-url', 'MCP servers are reached over http:// or https://.');
      const { client, transport } = await this.openClient(url);
      if (this.closed) {
        await client.close();
        return;
      }
      this.client = client;
      this.attempt = 0;
      const version = client.getServerVersion();
      this.catalog = await this.readCatalog(client);
      this.setStatus({
        state: 'connected',
        serverName: version?.name ?? this.def.name,
        serverVersion: version?.version ?? '',
        protocolVersion: (transport as { protocolVersion?: string }).protocolVersion ?? 'unknown',
        transport: transport instanceof SSEClientTransport ? 'sse' : 'streamable-http',
      });
      this.hooks.onCatalog(this.catalog);
    } catch (e) {
      await this.dropClient();
      const error = await describeFailure(e, {
        url: this.def.url,
        headerName: this.def.headerName || 'Authorization',
        hasToken: this.def.headerValue.trim() !== '',
        fetch: this.fetchImpl,
      });
      this.fail(error);
    }
  }

  private fail(error: McpError): void {
    const retry = !FINAL.has(error.code) && !this.closed;
    const delays = this.options.backoffMs ?? BACKOFF_MS;
    const delay = delays[Math.min(this.attempt - 1, delays.length - 1)] ?? 30_000;
    this.setStatus({
      state: 'failed',
      code: error.code,
      message: error.message,
      retryAt: retry ? Date.now() + delay : null,
    });
    if (retry) this.timer = setTimeout(() => void this.connect(), delay);
  }

  private newClient(): Client {
    const client = new Client(CLIENT_INFO, {
      capabilities: {},
      jsonSchemaValidator: new CfWorkerJsonSchemaValidator(),
    });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => this.refresh());
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => this.refresh());
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => this.refresh());
    return client;
  }

  private async openClient(url: URL): Promise<{ client: Client; transport: Transport }> {
    const requestInit = { headers: this.headers() };
    const streamable = new StreamableHTTPClientTransport(url, {
      requestInit,
      fetch: this.fetchImpl,
      reconnectionOptions: {
        initialReconnectionDelay: 500,
        maxReconnectionDelay: 5_000,
        reconnectionDelayGrowFactor: 2,
        maxRetries: 2,
      },
    });
    let client = this.newClient();
    try {
      await client.connect(streamable, { timeout: CONNECT_TIMEOUT_MS });
      this.watch(client);
      return { client, transport: streamable };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      await client.close().catch(() => {});
      // Servers of the older HTTP+SSE transport answer a POST to their SSE endpoint like this.
      if (code !== 404 && code !== 405) throw e;
    }
    const sse = new SSEClientTransport(url, { requestInit, fetch: this.fetchImpl });
    client = this.newClient();
    await client.connect(sse, { timeout: CONNECT_TIMEOUT_MS });
    this.watch(client);
    return { client, transport: sse };
  }

  // The SDK reports a lost server as an error on its background stream, or closes; either way,
  // a ping decides, and a dead connection is closed (failing the calls waiting on it) and retried.
  private watch(client: Client): void {
    client.onclose = () => {
      if (this.client !== client || this.closed) return;
      this.client = null;
      this.fail(new McpError('unreachable', 'The connection to the server was lost.'));
    };
    client.onerror = () => {
      if (this.client !== client) return;
      client.ping({ timeout: 5_000 }).catch(() => {
        if (this.client === client) void client.close();
      });
    };
  }

  private async readCatalog(client: Client): Promise<McpCatalog> {
    const caps = client.getServerCapabilities() ?? {};
    const [tools, prompts, resources] = await Promise.all([
      caps.tools
        ? collect(
            (cursor) => client.listTools(cursor ? { cursor } : {}),
            (r) => r.tools.map(readTool),
          )
        : [],
      caps.prompts
        ? collect(
            (cursor) => client.listPrompts(cursor ? { cursor } : {}),
            (r) =>
              r.prompts.map((p) => ({
                name: p.name,
                description: p.description ?? '',
                arguments: (p.arguments ?? []).map((a) => ({
                  name: a.name,
                  ...(a.description ? { description: a.description } : {}),
                  ...(a.required ? { required: true } : {}),
                })),
              })),
          )
        : [],
      caps.resources
        ? collect(
            (cursor) => client.listResources(cursor ? { cursor } : {}),
            (r) =>
              r.resources.map((x) => ({
                uri: x.uri,
                name: x.name,
                ...(x.description ? { description: x.description } : {}),
                ...(x.mimeType ? { mimeType: x.mimeType } : {}),
              })),
          )
        : [],
    ]);
    return { tools, prompts, resources };
  }

  private async refresh(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      this.catalog = await this.readCatalog(client);
      this.hooks.onCatalog(this.catalog);
    } catch {
      // The next connection reads the lists again.
    }
  }

  private ready(): Client {
    if (!this.client)
      throw new McpError(
        'not-connected',
        this.status.state === 'failed'
          ? `The server ${this.def.name} is not connected: ${this.status.message}`
          : `The server ${this.def.name} is not connected.`,
      );
    return this.client;
  }

  /** Calls a tool; a tool's own error comes back as an outcome with isError, not as a throw. */
  async callTool(
    name: string,
    args: Record<string, unknown>,
    options: McpCallOptions = {},
  ): Promise<McpToolOutcome> {
    const client = this.ready();
    try {
      const res = await client.callTool({ name, arguments: args }, undefined, {
        ...(options.signal ? { signal: options.signal } : {}),
        onprogress: (p) => options.onProgress?.(progressText(p)),
        timeout: CALL_TIMEOUT_MS,
        resetTimeoutOnProgress: true,
      });
      return resultText(res);
    } catch (e) {
      if (options.signal?.aborted)
        throw new McpError('cancelled', 'The call was cancelled; the server was told.');
      const message = e instanceof Error ? e.message : String(e);
      if (/Connection closed/i.test(message))
        throw new McpError('unreachable', `The server ${this.def.name} went away during the call.`);
      if (/timed out/i.test(message))
        throw new McpError('timeout', `The server ${this.def.name} took too long to answer.`);
      throw await describeFailure(e, {
        url: this.def.url,
        headerName: this.def.headerName,
        hasToken: this.def.headerValue !== '',
        fetch: this.fetchImpl,
      });
    }
  }

  async getPrompt(name: string, args: Record<string, string>): Promise<string> {
    const res = await this.ready().getPrompt({ name, arguments: args });
    return res.messages
      .map((m) => resultText({ content: [m.content] }).result)
      .filter((t) => t !== '')
      .join('\n\n');
  }

  async readResource(uri: string): Promise<string> {
    const res = await this.ready().readResource({ uri });
    return resultText({
      content: res.contents.map((c) => ({ type: 'resource', resource: c })),
    }).result;
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    const transport = client.transport;
    // Ends the server's session (DELETE), then the connection; a server already gone is fine.
    if (transport instanceof StreamableHTTPClientTransport)
      await transport.terminateSession().catch(() => {});
    await client.close().catch(() => {});
  }

  /** For good: no more reconnects. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.opening?.catch(() => {});
    await this.dropClient();
  }
}
