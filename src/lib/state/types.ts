// The row shapes components render, re-exported so that components never import the db layer.
export type {
  ImageRow,
  MessagePart,
  MessageRow,
  MessageStatus,
  PermissionMode,
  McpServerConfig,
  SessionRow,
  SessionSettingsRow,
  WorkspaceRow,
} from '../db/rows';
