// Reading untrusted JSON. Every importer copies out only the fields it knows, through these
// helpers, so nothing from a file reaches the database by accident: `__proto__` keys are dropped
// (a parser may have turned them into a prototype), nesting deeper than any real export is refused,
// and a wrong type becomes a typed error that names the field.
import type { JsonObject, JsonValue } from '../db/rows';
import { oneLine } from '../db/row-shapes';
import type { ImportErrorCode } from './types';

export const MAX_DEPTH = 64;

export class InputError extends Error {
  readonly code: ImportErrorCode;
  constructor(code: ImportErrorCode, message: string) {
    super(message);
    this.name = 'InputError';
    this.code = code;
  }
}

export const invalid = (why: string): InputError => new InputError('invalid-conversation', why);

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw invalid(`${what} is not an object.`);
  return v;
}

export function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw invalid(`${what} is not a list.`);
  return v;
}

export function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw invalid(`${what} is not text.`);
  return v;
}

export function optStr(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`${what} is not a number.`);
  return v;
}

export function optNum(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw invalid(`${what} is not true or false.`);
  return v;
}

/** A copy of a JSON value made of own, plain data only. */
export function json(v: unknown, depth = 0): JsonValue {
  if (depth > MAX_DEPTH) throw new InputError('too-deep', 'It is nested deeper than any export.');
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map((x) => json(x, depth + 1));
  if (typeof v === 'object') {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') continue;
      out[k] = json((v as Obj)[k], depth + 1);
    }
    return out;
  }
  return null;
}

export function jsonObj(v: unknown): JsonObject {
  const j = isObj(v) ? json(v) : {};
  return isObj(j) ? j : {};
}

/** A title as a single line of text, as the repositories keep one; the UI shows it as text. */
export function title(v: unknown, fallback: string): string {
  const t = oneLine(v);
  return t === '' ? fallback : t;
}

/** ISO-8601 text or epoch seconds/milliseconds to epoch milliseconds. */
export function isoMs(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
}

export function secondsMs(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1000) : null;
}
