// An MCP server's tools as the neutral tool specs every provider adapter translates (OpenAI
// `function.parameters`, Anthropic `input_schema`, Gemini `parametersJsonSchema`). A server is
// untrusted input: a schema that is not a JSON object schema, or is too big to send every turn, is
// refused with a note instead of being passed on; names are made safe for every provider.
import type { JsonSchema, ToolSpec } from '../providers/types';
import type { McpToolInfo } from './types';

/** A schema past this size (as JSON) would cost every request more than the tool is worth. */
export const MAX_SCHEMA_CHARS = 16_000;
/** Descriptions go to the model each turn: long ones are cut. */
export const MAX_DESCRIPTION_CHARS = 2_000;
const MAX_DEPTH = 12;

/** Providers take tool names of 1–64 letters, digits, `_` and `-`. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function safeToolName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return cleaned === '' ? 'tool' : cleaned;
}

/** The name a tool gets when its own collides: `mcp__<server>__<tool>`, within 64 characters. */
export function namespacedToolName(serverName: string, toolName: string): string {
  const server = safeToolName(serverName).slice(0, 20);
  return safeToolName(`mcp__${server}__${toolName}`);
}

function depth(v: unknown, d = 0): number {
  if (d > MAX_DEPTH || typeof v !== 'object' || v === null) return d;
  let max = d;
  for (const x of Object.values(v)) max = Math.max(max, depth(x, d + 1));
  return max;
}

/**
 * The schema as providers take it, or why it is refused. `$schema` goes (Gemini refuses unknown
 * keys in places); a schema without `type` is read as an object, as MCP requires.
 */
export function toolParameters(
  input: unknown,
): { ok: true; parameters: JsonSchema } | { ok: false; reason: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, reason: 'Its input schema is not a JSON object.' };
  const schema = input as Record<string, unknown>;
  if (schema.type !== undefined && schema.type !== 'object')
    return { ok: false, reason: 'Its input schema does not describe an object.' };
  if (
    schema.properties !== undefined &&
    (typeof schema.properties !== 'object' ||
      schema.properties === null ||
      Array.isArray(schema.properties))
  )
    return { ok: false, reason: 'Its input schema has malformed properties.' };
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch {
    return { ok: false, reason: 'Its input schema cannot be read as JSON.' };
  }
  if (text.length > MAX_SCHEMA_CHARS)
    return {
      ok: false,
      reason: `Its input schema is too big (${text.length.toLocaleString('en')} characters; the limit is ${MAX_SCHEMA_CHARS.toLocaleString('en')}).`,
    };
  if (depth(schema) > MAX_DEPTH)
    return { ok: false, reason: 'Its input schema is nested too deeply.' };
  const rest = JSON.parse(text) as Record<string, unknown>;
  delete rest.$schema;
  return { ok: true, parameters: { ...rest, type: 'object', properties: rest.properties ?? {} } };
}

/** A tool as listed by its server, checked. */
export function readTool(raw: {
  name: string;
  description?: string;
  inputSchema?: unknown;
  annotations?: { title?: string; readOnlyHint?: boolean; destructiveHint?: boolean };
}): McpToolInfo {
  const params = toolParameters(raw.inputSchema ?? { type: 'object' });
  const description = (raw.description ?? '').slice(0, MAX_DESCRIPTION_CHARS);
  const annotations = raw.annotations
    ? {
        ...(typeof raw.annotations.title === 'string' ? { title: raw.annotations.title } : {}),
        ...(raw.annotations.readOnlyHint === true ? { readOnlyHint: true } : {}),
        ...(raw.annotations.destructiveHint === true ? { destructiveHint: true } : {}),
      }
    : undefined;
  return {
    name: raw.name,
    description,
    inputSchema: params.ok ? params.parameters : {},
    ...(annotations ? { annotations } : {}),
    ...(params.ok ? {} : { refused: params.reason }),
  };
}

/** The spec offered to models, under `name` (the tool's own, or namespaced on a collision). */
export function toolSpec(tool: McpToolInfo, name: string): ToolSpec {
  return { name, description: tool.description, parameters: tool.inputSchema };
}
