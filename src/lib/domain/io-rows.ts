// The stored row shapes and the row transforms, as the import/export code sees them. lib/io stays
// free of storage code; it reaches the rows and the transforms of old layouts through here, so an
// old export file goes through exactly the transform an old database does.
import { v1ToV2, type V2Rows } from '../db/transforms/v1-to-v2';
import type { V1ChatRow, V1WorkspaceRow } from '../db/schema/v1-rows';

export type {
  CommandUsageRow,
  CompactionEventRow,
  ImageRow,
  JsonObject,
  JsonValue,
  McpServerConfig,
  MessageArchiveRow,
  MessagePart,
  MessageRow,
  MessageStatus,
  ModelParams,
  PermissionMode,
  Role,
  SessionRow,
  SessionSettingsRow,
  WorkspaceRow,
} from '../db/rows';
export type { V1ChatRow, V1WorkspaceRow } from '../db/schema/v1-rows';
export { CURRENT_VERSION } from '../db/schema';
export { DEFAULT_WORKSPACE_ID } from '../db/database';
export { LEGACY_TITLE } from '../db/transforms/v1-to-v2';
export type { V2Rows };

/** Version-1 rows (workspaces and flat chats) to version 2, as the v2 upgrade does it. */
export function upgradeV1Rows(input: {
  workspaces: readonly V1WorkspaceRow[];
  chats: readonly V1ChatRow[];
}): V2Rows {
  return v1ToV2(input);
}
