// The built-in tools a model may call. They are safe by construction: no network, no storage, no
// code evaluation (the calculator parses arithmetic itself instead of calling eval).
import type { SessionSettingsRow } from '../../db/rows';
import type { ToolSpec } from '../../providers/types';

export interface BuiltinTool {
  spec: ToolSpec;
  run(args: Record<string, unknown>): string;
}

export class ToolInputError extends Error {}

/** + - * / % ^, parentheses, unary minus, decimals, and sqrt(). Recursive descent. */
export function calculate(expression: string): number {
  const src = expression.replace(/\s+/g, '');
  let pos = 0;
  const peek = () => src[pos];
  const fail = (): never => {
    throw new ToolInputError(`Cannot read “${expression}” as arithmetic.`);
  };
  const primary = (): number => {
    if (peek() === '(') {
      pos++;
      const v = sum();
      if (peek() !== ')') fail();
      pos++;
      return v;
    }
    if (src.startsWith('sqrt(', pos)) {
      pos += 4;
      return Math.sqrt(primary());
    }
    if (peek() === '-') {
      pos++;
      return -power();
    }
    const m = /^\d+(\.\d+)?|^\.\d+/.exec(src.slice(pos));
    if (!m) return fail();
    pos += m[0].length;
    return Number(m[0]);
  };
  const power = (): number => {
    const base = primary();
    if (peek() === '^') {
      pos++;
      return base ** power();
    }
    return base;
  };
  const product = (): number => {
    let v = power();
    for (let c = peek(); c === '*' || c === '/' || c === '%'; c = peek()) {
      pos++;
      const r = power();
      v = c === '*' ? v * r : c === '/' ? v / r : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    for (let c = peek(); c === '+' || c === '-'; c = peek()) {
      pos++;
      const r = product();
      v = c === '+' ? v + r : v - r;
    }
    return v;
  };
  if (src === '' || src.length > 500) fail();
  const value = sum();
  if (pos !== src.length) fail();
  if (!Number.isFinite(value)) throw new ToolInputError(`“${expression}” has no finite value.`);
  return value;
}

export const BUILTIN_TOOLS: Record<string, BuiltinTool> = {
  current_time: {
    spec: {
      name: 'current_time',
      description: 'The current date and time, optionally in a given IANA time zone.',
      parameters: {
        type: 'object',
        properties: { timeZone: { type: 'string', description: 'e.g. Europe/Paris' } },
      },
    },
    run(args) {
      const now = new Date();
      const timeZone =
        typeof args.timeZone === 'string' && args.timeZone ? args.timeZone : undefined;
      let local: string;
      try {
        local = now.toLocaleString('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'long' });
      } catch {
        throw new ToolInputError(`Unknown time zone “${String(timeZone)}”.`);
      }
      return JSON.stringify({ iso: now.toISOString(), local, timeZone: timeZone ?? 'device' });
    },
  },
  calculator: {
    spec: {
      name: 'calculator',
      description: 'Evaluates an arithmetic expression: + - * / % ^, parentheses and sqrt().',
      parameters: {
        type: 'object',
        properties: { expression: { type: 'string', description: 'e.g. (2+3)*4^2' } },
        required: ['expression'],
      },
    },
    run(args) {
      if (typeof args.expression !== 'string')
        throw new ToolInputError('An expression is required.');
      return String(calculate(args.expression));
    },
  },
};

/** What a call gives back to the model (and the user reads): a tool's error included. */
export interface ToolOutcome {
  result: string;
  isError: boolean;
}

export interface ToolRunContext {
  signal: AbortSignal;
  /** Progress as words, shown while the call runs. */
  onProgress(note: string): void;
}

/** A tool a session offers: a built-in, or one from an MCP server the session switched on. */
export interface SessionTool {
  /** As offered to the model: its name is unique in the session (namespaced on a collision). */
  spec: ToolSpec;
  /** `builtin`, or the MCP server's id. */
  origin: string;
  /** Shown to the user: "Built-in" or the server's name. */
  originLabel: string;
  /** The tool's own name at its origin. */
  toolName: string;
  /** Its origin says calling it may destroy something: asked about even in mode `auto`. */
  alwaysAsk?: boolean;
  run(args: Record<string, unknown>, ctx: ToolRunContext): ToolOutcome | Promise<ToolOutcome>;
}

/** The tools a session's MCP servers offer now (the state layer connects them). */
export type ToolSource = (
  sessionId: string,
  settings: SessionSettingsRow,
) => Promise<SessionTool[]>;

/** What "always for this session" remembers: the origin with the tool's own name. */
export function toolKey(tool: Pick<SessionTool, 'origin' | 'toolName'>): string {
  return `${tool.origin}/${tool.toolName}`;
}

const BUILTIN = 'builtin';

/** The built-in tools a session offers: none when tools are denied; else the allowed ones (all
 *  when the session names none). */
export function offeredTools(
  permissionMode: string,
  allowedTools: readonly string[],
): SessionTool[] {
  if (permissionMode === 'deny') return [];
  return Object.values(BUILTIN_TOOLS)
    .filter((t) => allowedTools.length === 0 || allowedTools.includes(t.spec.name))
    .map((t) => ({
      spec: t.spec,
      origin: BUILTIN,
      originLabel: 'Built-in',
      toolName: t.spec.name,
      run: (args) => ({ result: t.run(args), isError: false }),
    }));
}

const SAFE_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function safeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'tool';
}

/**
 * One name per tool: built-ins keep theirs; a server's tool whose name another tool already has is
 * offered as `mcp__<server>__<tool>`, never shadowing it. Names providers refuse are made safe.
 */
export function uniqueNames(tools: readonly SessionTool[]): SessionTool[] {
  const taken = new Set<string>();
  const out: SessionTool[] = [];
  const ordered = [
    ...tools.filter((t) => t.origin === BUILTIN),
    ...tools.filter((t) => t.origin !== BUILTIN),
  ];
  for (const t of ordered) {
    let name = SAFE_NAME.test(t.spec.name) ? t.spec.name : safeName(t.spec.name);
    if (taken.has(name) && t.origin !== BUILTIN)
      name = safeName(`mcp__${safeName(t.originLabel).slice(0, 20)}__${t.toolName}`);
    for (let i = 2; taken.has(name); i++) name = `${name.slice(0, 60)}_${i}`;
    taken.add(name);
    out.push(name === t.spec.name ? t : { ...t, spec: { ...t.spec, name } });
  }
  return out;
}

/** Runs a call; the outcome is what goes back to the model, an error included. */
export async function runTool(
  tools: readonly SessionTool[],
  name: string,
  argsText: string,
  ctx: ToolRunContext,
): Promise<ToolOutcome> {
  const tool = tools.find((t) => t.spec.name === name);
  if (!tool)
    return { result: `The tool “${name}” is not available in this session.`, isError: true };
  let args: unknown;
  try {
    args = JSON.parse(argsText || '{}');
  } catch {
    return { result: 'The arguments were not valid JSON.', isError: true };
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    return { result: 'The arguments must be a JSON object.', isError: true };
  try {
    return await tool.run(args as Record<string, unknown>, ctx);
  } catch (e) {
    return { result: e instanceof Error ? e.message : 'The tool failed.', isError: true };
  }
}
