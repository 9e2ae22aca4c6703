// The built-in tools a model may call. They are safe by construction: no network, no storage, no
// code evaluation (the calculator parses arithmetic itself instead of calling eval).
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

/** The tools a session offers: none when tools are denied; else the allowed built-ins (all when
 *  the session names none). */
export function offeredTools(
  permissionMode: string,
  allowedTools: readonly string[],
): BuiltinTool[] {
  if (permissionMode === 'deny') return [];
  return Object.values(BUILTIN_TOOLS).filter(
    (t) => allowedTools.length === 0 || allowedTools.includes(t.spec.name),
  );
}

/** Runs a call; the result is what goes back to the model, an error included. */
export function runTool(
  tools: readonly BuiltinTool[],
  name: string,
  argsText: string,
): { result: string; isError: boolean } {
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
    return { result: tool.run(args as Record<string, unknown>), isError: false };
  } catch (e) {
    return { result: e instanceof Error ? e.message : 'The tool failed.', isError: true };
  }
}
