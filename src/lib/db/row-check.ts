// Checks of row fields that come from outside (a caller of a repository, an export file), shared by
// the repositories and the Tern-format reader so both accept and refuse the same values. A value
// that fails says which field and why. Pure code: no storage, so import code may use it too.
import type { JsonObject, MessageMetadata } from './rows';

/** The fields of MessageMetadata whose type is known, and that type. */
const METADATA_FIELDS = {
  archivedCount: 'number',
  compactionEventId: 'string',
  finishReason: 'string',
  summarisedBy: 'string',
  model: 'string',
  origin: 'string',
  server: 'string',
  progress: 'string',
} as const satisfies Record<Exclude<keyof MessageMetadata, number>, 'number' | 'string'>;

/** Known fields that may also be null: a reply asked of the provider's default model says so. */
const NULLABLE = new Set<string>(['model']);

const fits = (field: string, v: unknown, type: string) =>
  v === undefined || typeof v === type || (v === null && NULLABLE.has(field));

/** A field that does not hold what its row needs: which one, and why. */
export interface FieldProblem {
  field: string;
  reason: string;
}

/** The first known field of `metadata` whose value has the wrong type, or null. */
export function metadataProblem(metadata: JsonObject): FieldProblem | null {
  for (const [field, type] of Object.entries(METADATA_FIELDS)) {
    const v = metadata[field];
    if (!fits(field, v, type)) return { field: `metadata.${field}`, reason: `is not a ${type}` };
  }
  return null;
}

/** `metadata` without the known fields whose value has the wrong type (old files may hold those). */
export function cleanMetadata(metadata: JsonObject): MessageMetadata {
  let out: JsonObject | null = null;
  for (const [field, type] of Object.entries(METADATA_FIELDS)) {
    const v = metadata[field];
    if (fits(field, v, type)) continue;
    out ??= { ...metadata };
    delete out[field];
  }
  return out ?? metadata;
}
