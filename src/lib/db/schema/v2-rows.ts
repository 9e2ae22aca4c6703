// The row shapes of version 2 as it shipped, frozen and written out in full (nothing imported from
// today's ../rows.ts): the v2 upgrade and the import of version-1 files produce these, so changing
// today's rows cannot change what a shipped upgrade writes. Today's rows only ever widen them
// (tests/unit/frozen-rows.test.ts checks each is still accepted where today's is expected).

export type V2Role = 'system' | 'user' | 'assistant' | 'tool';

export type V2MessageStatus = 'complete' | 'pending' | 'streaming' | 'error' | 'interrupted';

export type V2MessagePart =
  | { type: 'text'; text: string }
  | { type: 'image'; imageId: string; mimeType?: string; alt?: string }
  | { type: 'tool-call'; toolCallId: string; name: string; arguments: string }
  | { type: 'tool-result'; toolCallId: string; name?: string; result: string; isError?: boolean }
  | { type: 'thinking'; text: string };

export type V2JsonValue =
  string | number | boolean | null | V2JsonValue[] | { [key: string]: V2JsonValue };
export type V2JsonObject = { [key: string]: V2JsonValue };

export interface V2WorkspaceRow {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface V2SessionRow {
  id: string;
  workspaceId: string;
  title: string;
  model: string | null;
  createdAt: number;
  updatedAt: number;
  lastActivityAt: number;
  deletedAt: number | null;
  messageCount: number;
  imageCount: number;
  totalTokens: number;
  compactionCount: number;
  metadata: V2JsonObject;
}

export interface V2MessageError {
  code: string;
  message: string;
  retryAt?: number;
}

export interface V2MessageRow {
  id: string;
  sessionId: string;
  seq: number;
  role: V2Role;
  content: string;
  parts: V2MessagePart[];
  name: string | null;
  toolCallId: string | null;
  tokens: number | null;
  status: V2MessageStatus;
  openStatus?: V2MessageStatus;
  error?: V2MessageError | null;
  preserved: boolean;
  metadata: V2JsonObject;
  createdAt: number;
  updatedAt: number;
}

export interface V2ImageRow {
  id: string;
  sessionId: string;
  messageId: string | null;
  blob: Blob | null;
  data: ArrayBuffer | null;
  mimeType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  isStyled: boolean;
  parentId: string | null;
  meta: V2JsonObject;
  createdAt: number;
}

export type V2PermissionMode = 'auto' | 'confirm' | 'deny';

export interface V2McpServerConfig {
  name: string;
  url: string;
  enabled: boolean;
  headers?: Record<string, string>;
}

export interface V2ModelParams {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  stop?: string[];
  [key: string]: V2JsonValue | undefined;
}

export interface V2SessionSettingsRow {
  sessionId: string;
  systemPrompt: string;
  provider: string | null;
  model: string | null;
  params: V2ModelParams;
  allowedTools: string[];
  permissionMode: V2PermissionMode;
  mcpServers: V2McpServerConfig[];
  createdAt: number;
  updatedAt: number;
}

export interface V2CommandUsageRow {
  command: string;
  usageCount: number;
  lastUsedAt: number;
}

export interface V2CompactionEventRow {
  id: string;
  sessionId: string;
  createdAt: number;
  strategy: string;
  tokensBefore: number;
  tokensAfter: number;
  archivedMessageIds: string[];
  preservedMessageIds: string[];
  summaryMessageId: string | null;
  revertedAt: number | null;
}

export interface V2MessageArchiveRow {
  eventId: string;
  messageId: string;
  sessionId: string;
  row: V2MessageRow;
  archivedAt: number;
}

export interface V2MetaRow {
  key: string;
  value: V2JsonValue;
}
