// The exact shapes stored in IndexedDB (schema version 2 onwards). Field names are a contract with
// every database and export file in the wild: renaming one needs a new schema version and a
// transform. Times are epoch milliseconds. Booleans are stored but never indexed.

import type { MessageStatus, PermissionMode, Role } from './vocab';

export { OPEN_STATUSES } from './vocab';
export type { MessageStatus, OpenStatus, PermissionMode, Role } from './vocab';

export type MessagePart =
  | { type: 'text'; text: string }
  | { type: 'image'; imageId: string; mimeType?: string; alt?: string }
  | { type: 'tool-call'; toolCallId: string; name: string; arguments: string; signature?: string }
  | { type: 'tool-result'; toolCallId: string; name?: string; result: string; isError?: boolean }
  /**
   * Reasoning shown apart from the answer. `signature` is Anthropic's signature of the block, and
   * `redacted` the encrypted data of a block it redacted (then `text` is empty); both opaque, and
   * sent back as they came while extended thinking is on.
   */
  | { type: 'thinking'; text: string; signature?: string; redacted?: string };

/** Free JSON kept beside a row for whatever its producer needs (imports, providers, the UI). */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface WorkspaceRow {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface SessionRow {
  id: string;
  workspaceId: string;
  title: string;
  model: string | null;
  createdAt: number;
  updatedAt: number;
  lastActivityAt: number;
  /** null while live; the time it went to the trash otherwise. */
  deletedAt: number | null;
  messageCount: number;
  imageCount: number;
  totalTokens: number;
  /** Compactions in force (not reverted). */
  compactionCount: number;
  metadata: JsonObject;
}

export interface MessageError {
  code: string;
  message: string;
  /** Epoch ms after which a retry makes sense (e.g. from Retry-After). */
  retryAt?: number;
}

/**
 * What a message's `metadata` may say, beside anything else a producer keeps there (free JSON).
 * The known fields are checked on the way in (repositories and import), so readers can trust them.
 */
export type MessageMetadata = JsonObject & {
  /** A compaction's summary: how many messages it stands for. */
  archivedCount?: number;
  /** A compaction's summary: the event that wrote it, for bringing the messages back. */
  compactionEventId?: string;
  /** Why a reply ended, as the provider said (`stopped` when the user stopped it). */
  finishReason?: string;
  /** A compaction's summary: `model`, or `list` when no model could write it. */
  summarisedBy?: string;
  /** The model that wrote the reply or the summary (null: the provider's default). */
  model?: string | null;
  /** Where the message came from (`v1-chat`, or a tool call's origin). */
  origin?: string;
  /** A tool call: the server's name, and how far it has got. */
  server?: string;
  progress?: string;
};

export interface MessageRow {
  id: string;
  sessionId: string;
  /** Order within the session: unique and increasing, gaps allowed after deletes. */
  seq: number;
  role: Role;
  content: string;
  parts: MessagePart[];
  name: string | null;
  toolCallId: string | null;
  /** Tokens of this message, null where unknown. */
  tokens: number | null;
  status: MessageStatus;
  /** Equal to `status` while it is pending or streaming, absent otherwise: a sparse index. */
  openStatus?: MessageStatus;
  error?: MessageError | null;
  /** Kept as is when the session is compacted. */
  preserved: boolean;
  metadata: MessageMetadata;
  createdAt: number;
  updatedAt: number;
}

/** Where a first message's versions hang: the root of the conversation tree. */
export const BRANCH_ROOT = '';

/**
 * A message of a version not on screen (schema version 4). The active path's messages live in
 * `messages`; these hang off the message they follow.
 */
export interface BranchMessageRow extends Omit<MessageRow, 'openStatus'> {
  /** The message this one follows (on the active path or in a branch); BRANCH_ROOT for a first one. */
  parentId: string;
  /** When it left the active path: of several continuations, the latest set aside is shown. */
  setAsideAt: number;
}

export interface ImageRow {
  id: string;
  sessionId: string;
  messageId: string | null;
  /** The image itself; null where the browser refused Blobs and `data` holds the bytes. */
  blob: Blob | null;
  data: ArrayBuffer | null;
  mimeType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  isStyled: boolean;
  /** The image this one was made from. */
  parentId: string | null;
  meta: JsonObject;
  createdAt: number;
}

/**
 * An MCP server switched on for a session. The server itself (address, token) is defined app-wide
 * (Settings → MCP servers) under `serverId`; `name` and `url` are kept so the entry still says
 * which server it meant where that definition is missing. Entries from before app-wide servers
 * carry `headers` and no `serverId`, and are matched by address.
 */
export interface McpServerConfig {
  name: string;
  url: string;
  enabled: boolean;
  headers?: Record<string, string>;
  serverId?: string;
  /** The server's tools this session allows, by their own names; absent = all of them. */
  tools?: string[];
}

export interface ModelParams {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  stop?: string[];
  /** Tokens Claude and Gemini may think for before answering; absent or 0 = off. */
  thinkingBudget?: number;
  [key: string]: JsonValue | undefined;
}

export interface SessionSettingsRow {
  sessionId: string;
  systemPrompt: string;
  provider: string | null;
  model: string | null;
  params: ModelParams;
  allowedTools: string[];
  permissionMode: PermissionMode;
  mcpServers: McpServerConfig[];
  /**
   * Tools the user allowed "always for this session" in permission mode confirm, as
   * `<origin>/<tool>` (origin: `builtin` or an MCP server's id). Absent = none.
   */
  alwaysAllow?: string[];
  createdAt: number;
  updatedAt: number;
}

export interface CommandUsageRow {
  command: string;
  usageCount: number;
  lastUsedAt: number;
}

export interface CompactionEventRow {
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

export interface MessageArchiveRow {
  eventId: string;
  messageId: string;
  sessionId: string;
  /** The complete message row as it was when the compaction took it out. */
  row: MessageRow;
  archivedAt: number;
}

export interface MetaRow {
  key: string;
  value: JsonValue;
}

// Older versions' shapes are frozen apart, in schema/v1-rows.ts and schema/v2-rows.ts.

// Version 3: the search index (schema/v3.ts, domain/search-index/).

/** One indexed text: a message, or a session's title. */
export interface SearchDocRow {
  /** Document number: larger is more recent (see schema/v3.ts). */
  doc: number;
  /** The message id, or SEARCH_TITLE_PREFIX and the session id. */
  key: string;
  sessionId: string;
  /** For a title: the title as indexed, so that an unchanged one is not indexed again. */
  title?: string;
}

/** The documents of one range of document numbers that hold one word. */
export interface SearchPostingRow {
  term: string;
  block: number;
  /** Ascending document numbers. */
  docs: Uint32Array;
  /**
   * Where the word stands in each of `docs`, two numbers each in the same order: a mask of its word
   * positions modulo 64 (bit p of the first for p < 32, bit p - 32 of the second otherwise). Rows
   * written before positions were kept lack it, and then any place is possible.
   */
  at?: Uint32Array;
}

/** A text written since it was last indexed. */
export interface SearchQueueRow {
  key: string;
}

export const SEARCH_TITLE_PREFIX = 'title:';

// Version 5: sync (schema/v5.ts, db/sync-clock.ts, domain/sync/).

/** The clock of one synced record; with no record behind it, the record's tombstone. */
export interface SyncClockRow {
  /** `<kind>|<id>` (db/sync-kinds.ts). */
  key: string;
  /** Hybrid logical clock of the record's last change (db/hlc.ts). */
  c: string;
  /** 1 while the change is not on the server; absent once it is (a sparse index). */
  dirty?: 1;
}
