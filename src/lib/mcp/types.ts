// The MCP vocabulary shared by the client module, its state and the UI. Nothing here loads the SDK:
// these are plain shapes, so the first load can name them without paying for the client.
import type { JsonSchema } from '../providers/types';

/** An MCP server the user set up, app-wide. The token stays on this device. */
export interface McpServerDef {
  id: string;
  name: string;
  /** The Streamable HTTP endpoint (or an older HTTP+SSE one), e.g. https://example.com/mcp. */
  url: string;
  /** The header the token goes in; Authorization when empty. */
  headerName: string;
  /** The header's value, e.g. "Bearer …"; empty for none. A secret. */
  headerValue: string;
}

export type McpErrorCode =
  | 'invalid-url'
  | 'unreachable'
  | 'cors'
  | 'unauthorized'
  | 'protocol-version'
  | 'protocol'
  | 'not-connected'
  | 'timeout'
  | 'cancelled';

export class McpError extends Error {
  constructor(
    readonly code: McpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'McpError';
  }
}

export interface McpToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
}

export interface McpToolInfo {
  /** The tool's own name on its server. */
  name: string;
  description: string;
  inputSchema: JsonSchema;
  annotations?: McpToolAnnotations;
  /** Why the tool is not offered to models (a schema too big or malformed); absent when fine. */
  refused?: string;
}

export interface McpPromptArgument {
  name: string;
  description?: string;
  required?: boolean;
}

export interface McpPromptInfo {
  name: string;
  description: string;
  arguments: McpPromptArgument[];
}

export interface McpResourceInfo {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

export interface McpCatalog {
  tools: McpToolInfo[];
  prompts: McpPromptInfo[];
  resources: McpResourceInfo[];
}

export type McpStatus =
  | { state: 'idle' }
  | { state: 'connecting'; attempt: number }
  | {
      state: 'connected';
      serverName: string;
      serverVersion: string;
      protocolVersion: string;
      transport: 'streamable-http' | 'sse';
    }
  | { state: 'failed'; code: McpErrorCode; message: string; retryAt: number | null };

export interface McpToolOutcome {
  /** The result as text for the model and for the user. */
  result: string;
  isError: boolean;
}

export interface McpCallOptions {
  signal?: AbortSignal;
  /** Progress the server reports, as words: "3 of 5". */
  onProgress?: (note: string) => void;
}
