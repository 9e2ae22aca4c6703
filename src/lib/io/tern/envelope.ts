// Tern's own export format. The envelope says what the file is and which row layout it carries;
// docs/export-format.md and docs/export-format.schema.json describe it. Every format version and
// every schema version ever written stays importable: a new one is added, none is changed.
import type {
  BranchMessageRow,
  CommandUsageRow,
  CompactionEventRow,
  JsonObject,
  MessageArchiveRow,
  MessageRow,
  SessionRow,
  SessionSettingsRow,
  WorkspaceRow,
} from '../../db/rows';
import type { V1ChatRow, V1WorkspaceRow } from '../../db/schema/v1-rows';

export const FORMAT_NAME = 'tern-export';
/**
 * 1: the active path only. 2: each session also carries `branchMessages`, the messages of its
 * other versions (a file of format 1 reads as sessions of one version).
 */
export const FORMAT_VERSION = 2;

export type ScopeInFile =
  { kind: 'session'; id: string } | { kind: 'workspace'; id: string } | { kind: 'all' };

export interface Envelope {
  format: typeof FORMAT_NAME;
  formatVersion: number;
  /** The database layout the rows are in (the schema version of the app that wrote it). */
  schemaVersion: number;
  appVersion: string;
  exportedAt: number;
  scope: ScopeInFile;
  images: 'included' | 'omitted';
  secrets: 'included' | 'omitted';
}

/** An image row with its bytes as base64 (null when the file was written without images). */
export interface ImageInFile {
  id: string;
  sessionId: string;
  messageId: string | null;
  mimeType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  isStyled: boolean;
  parentId: string | null;
  meta: JsonObject;
  createdAt: number;
  base64: string;
}

export interface SessionInFile {
  session: SessionRow;
  settings: SessionSettingsRow | null;
  messages: MessageRow[];
  /** Format 2 onwards. */
  branchMessages?: BranchMessageRow[];
  images: ImageInFile[];
  compactionEvents: CompactionEventRow[];
  messageArchive: MessageArchiveRow[];
}

/** Schema version 2 onwards. */
export interface TernFileV2 extends Envelope {
  workspaces: WorkspaceRow[];
  sessions: SessionInFile[];
  commandUsage: CommandUsageRow[];
}

/** Written by the version-1 era: flat chats per workspace, no sessions. */
export interface TernFileV1 extends Envelope {
  schemaVersion: 1;
  workspaces: V1WorkspaceRow[];
  chats: V1ChatRow[];
}
