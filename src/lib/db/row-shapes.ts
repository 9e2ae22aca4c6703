// The checked fields of the rows that come from outside (a caller of a repository, an export file),
// described once: the repositories and the Tern-format reader both check against these tables, so
// both accept and refuse the same values, and a value that fails says which field and why. Pure
// code: no storage, so import code may use it too.
import type { BranchMessageRow, JsonObject, MessageMetadata, MessageRow, SessionRow } from './rows';
import { isOneOf, MESSAGE_STATUSES, ROLES } from './vocab';

/** A field that does not hold what its row needs: which one, its name for people, and why. */
export interface FieldProblem {
  /** The field's path in the row, e.g. `params.temperature` or `mcpServers.0.url`. */
  field: string;
  /** The field as a person would name it, e.g. `Temperature`. */
  label: string;
  reason: string;
}

/**
 * How one field is checked. `label` names it for people (without one, a field is named by its
 * place under the row's own label: "A message's metadata.model"); `reason` says what a good value
 * is, after the label.
 */
export type FieldCheck = {
  label?: string;
  reason?: string;
  /** May be left out (undefined). */
  optional?: true;
  nullable?: true;
} & (
  | { kind: 'number'; min?: number; max?: number; whole?: true }
  | { kind: 'text' }
  /** Text that still holds something once made one line (see `oneLine`). */
  | { kind: 'title' }
  | { kind: 'oneOf'; of: readonly string[] }
  | { kind: 'names' }
  | { kind: 'textMap' }
  | { kind: 'fields'; of: Shape }
  | { kind: 'list'; of: Shape }
);

/** Checks by field name. */
export type Shape = Readonly<Record<string, FieldCheck>>;

/** The named fields of T (not its index signature). */
type KnownKeys<T> = keyof {
  [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K];
};

/**
 * A description of every named field of a row but `Unchecked` (those no value from outside is
 * checked for: the repository sets them, or they are free JSON). A field added to the row type
 * and to neither fails type checking, and so does one in both.
 */
export type ShapeOf<T, Unchecked extends KnownKeys<T>> = {
  readonly [K in Exclude<KnownKeys<T>, Unchecked>]-?: FieldCheck;
} & { readonly [K in Unchecked]?: never };

export const TITLE_MAX = 500;

/** Text as one line of at most TITLE_MAX characters; '' for anything else. */
export function oneLine(v: unknown): string {
  return typeof v === 'string' ? v.replace(/\s+/g, ' ').trim().slice(0, TITLE_MAX) : '';
}

/**
 * The fields of MessageMetadata whose type is known (the rest is free JSON). `model` may be null:
 * a reply asked of the provider's default model says so.
 */
const METADATA_SHAPE = {
  archivedCount: { kind: 'number', optional: true },
  compactionEventId: { kind: 'text', optional: true },
  finishReason: { kind: 'text', optional: true },
  summarisedBy: { kind: 'text', optional: true },
  model: { kind: 'text', optional: true, nullable: true },
  origin: { kind: 'text', optional: true },
  server: { kind: 'text', optional: true },
  progress: { kind: 'text', optional: true },
} as const satisfies ShapeOf<MessageMetadata, never>;

export const MESSAGE_SHAPE = {
  // Read from files only (the repository numbers messages itself), so named by its field.
  seq: { kind: 'number', whole: true, min: 1, reason: 'is a whole number above 0' },
  role: { kind: 'oneOf', of: ROLES, label: "A message's role" },
  status: { kind: 'oneOf', of: MESSAGE_STATUSES, label: "A message's status" },
  tokens: {
    kind: 'number',
    min: 0,
    nullable: true,
    optional: true,
    label: 'A token count',
    reason: 'must be a number of zero or more',
  },
  metadata: { kind: 'fields', of: METADATA_SHAPE, label: "A message's metadata" },
} as const satisfies ShapeOf<
  MessageRow,
  | 'id'
  | 'sessionId'
  | 'content'
  | 'parts'
  | 'name'
  | 'toolCallId'
  | 'openStatus'
  | 'error'
  | 'preserved'
  | 'createdAt'
  | 'updatedAt'
>;

/** A message of a version not on screen: a message, and where it hangs. */
export const BRANCH_MESSAGE_SHAPE = {
  ...MESSAGE_SHAPE,
  parentId: { kind: 'text', reason: "is not a message's id" },
  setAsideAt: { kind: 'number', reason: 'is not a time' },
} as const satisfies ShapeOf<
  BranchMessageRow,
  | 'id'
  | 'sessionId'
  | 'content'
  | 'parts'
  | 'name'
  | 'toolCallId'
  | 'error'
  | 'preserved'
  | 'createdAt'
  | 'updatedAt'
>;

export const SESSION_SHAPE = {
  title: { kind: 'title', label: 'A session' },
  workspaceId: { kind: 'text', label: 'A workspace id' },
  model: { kind: 'text', nullable: true, optional: true, label: "A session's model" },
} as const satisfies ShapeOf<
  SessionRow,
  | 'id'
  | 'createdAt'
  | 'updatedAt'
  | 'lastActivityAt'
  | 'deletedAt'
  | 'messageCount'
  | 'imageCount'
  | 'totalTokens'
  | 'compactionCount'
  | 'metadata'
>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why `v` is not a good value of a field without fields of its own, or null. */
function reasonFor(c: FieldCheck, v: unknown): string | null {
  switch (c.kind) {
    case 'number':
      return typeof v === 'number' &&
        Number.isFinite(v) &&
        (!c.whole || Number.isInteger(v)) &&
        v >= (c.min ?? -Infinity) &&
        v <= (c.max ?? Infinity)
        ? null
        : (c.reason ?? 'is not a number');
    case 'text':
      return typeof v === 'string' ? null : (c.reason ?? 'is not text');
    case 'title':
      return oneLine(v) !== '' ? null : (c.reason ?? 'needs a name');
    case 'oneOf':
      return isOneOf(c.of, v) ? null : `is not one of ${c.of.join(', ')}`;
    case 'names':
      return Array.isArray(v) && v.every((x) => typeof x === 'string')
        ? null
        : (c.reason ?? 'are names');
    case 'textMap':
      return isObject(v) && Object.values(v).every((x) => typeof x === 'string')
        ? null
        : (c.reason ?? 'are names and text');
    case 'list':
      return Array.isArray(v) ? null : 'is not a list';
    default:
      return isObject(v) ? null : 'is not an object';
  }
}

function fieldProblem(
  field: string,
  c: FieldCheck,
  v: unknown,
  label = c.label ?? field,
): FieldProblem | null {
  if ((v === undefined && c.optional) || (v === null && c.nullable)) return null;
  const reason = reasonFor(c, v);
  if (reason !== null) return { field, label, reason };
  if (c.kind === 'fields')
    return shapeProblem(c.of, v as Record<string, unknown>, { prefix: `${field}.`, label });
  if (c.kind !== 'list') return null;
  for (const [i, x] of (v as unknown[]).entries()) {
    const p = isObject(x)
      ? shapeProblem(c.of, x, { prefix: `${field}.${i}.` })
      : { field: `${field}.${i}`, label, reason: 'is not an object' };
    if (p) return p;
  }
  return null;
}

/**
 * The first described field of `row` that does not hold a good value, or null. With `patch`, a
 * field left out is not looked at (a patch changes only what it names). `prefix` goes before each
 * field's name, and `label` before the name of a field without a label of its own (the path and
 * the label of a row inside another).
 */
export function shapeProblem(
  shape: Shape,
  row: Readonly<Record<string, unknown>>,
  { prefix = '', patch = false, label }: { prefix?: string; patch?: boolean; label?: string } = {},
): FieldProblem | null {
  for (const [field, check] of Object.entries(shape)) {
    const v = row[field];
    if (patch && v === undefined) continue;
    const named = check.label ?? (label ? `${label}.${field}` : prefix + field);
    const p = fieldProblem(prefix + field, check, v, named);
    if (p) return p;
  }
  return null;
}

/** The first known field of `metadata` whose value has the wrong type, or null. */
export const metadataProblem = (metadata: JsonObject): FieldProblem | null =>
  fieldProblem('metadata', MESSAGE_SHAPE.metadata, metadata);

/** `metadata` without the known fields whose value has the wrong type (old files may hold those). */
export function cleanMetadata(metadata: JsonObject): MessageMetadata {
  let out: JsonObject | null = null;
  for (const [field, check] of Object.entries(METADATA_SHAPE)) {
    if (!fieldProblem(field, check, metadata[field])) continue;
    out ??= { ...metadata };
    delete out[field];
  }
  return out ?? metadata;
}

/** A problem as one sentence for the person who gave the value ("Temperature goes from 0 to 2."). */
export const sentence = (p: FieldProblem): string => `${p.label} ${p.reason}.`;
