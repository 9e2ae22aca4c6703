// The checked fields of a session's settings, described as row-shapes.ts describes rows: checked by
// the settings repository and the Tern-format reader alike. Apart from row-shapes.ts because only
// code loaded later (the settings, import) needs them, not the first screen.
import type { McpServerConfig, ModelParams, SessionSettingsRow } from './rows';
import type { ShapeOf } from './row-shapes';
import { PERMISSION_MODES } from './vocab';

export const PARAMS_SHAPE = {
  temperature: {
    kind: 'number',
    min: 0,
    max: 2,
    optional: true,
    label: 'Temperature',
    reason: 'goes from 0 to 2',
  },
  topP: {
    kind: 'number',
    min: 0,
    max: 1,
    optional: true,
    label: 'Top P',
    reason: 'goes from 0 to 1',
  },
  maxTokens: {
    kind: 'number',
    whole: true,
    min: 1,
    optional: true,
    label: 'Max tokens',
    reason: 'is a whole number above 0',
  },
  thinkingBudget: {
    kind: 'number',
    whole: true,
    min: 0,
    optional: true,
    label: 'Thinking budget',
    reason: 'is a whole number of tokens (0 = off)',
  },
} as const satisfies ShapeOf<ModelParams, 'presencePenalty' | 'frequencyPenalty' | 'stop'>;

export const MCP_SERVER_SHAPE = {
  name: { kind: 'text', label: "An MCP server's name" },
  url: { kind: 'text', label: "An MCP server's address" },
  serverId: { kind: 'text', optional: true, label: "An MCP server's id" },
  tools: {
    kind: 'names',
    optional: true,
    label: "An MCP server's allowed tools",
  },
  headers: {
    kind: 'textMap',
    optional: true,
    label: "An MCP server's headers",
  },
} as const satisfies ShapeOf<McpServerConfig, 'enabled'>;

export const SETTINGS_SHAPE = {
  systemPrompt: { kind: 'text', label: 'A system prompt' },
  provider: { kind: 'text', nullable: true, label: 'A provider' },
  model: { kind: 'text', nullable: true, label: 'A model' },
  params: { kind: 'fields', of: PARAMS_SHAPE, label: 'Model parameters' },
  allowedTools: { kind: 'names', label: 'Allowed tools' },
  alwaysAllow: {
    kind: 'names',
    optional: true,
    label: 'Always-allowed tools',
  },
  permissionMode: { kind: 'oneOf', of: PERMISSION_MODES, label: 'A permission mode' },
  mcpServers: { kind: 'list', of: MCP_SERVER_SHAPE, label: 'MCP servers' },
} as const satisfies ShapeOf<SessionSettingsRow, 'sessionId' | 'createdAt' | 'updatedAt'>;
