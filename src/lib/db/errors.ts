// Maps what IndexedDB and Dexie throw onto TernError codes. A full disk arrives in several shapes:
// a QuotaExceededError, a Dexie AbortError whose `inner` is one (Chromium aborts the transaction),
// or a BulkError whose failures are. All of them become 'quota-exceeded'.
import { TernError } from '../errors';

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  inner?: unknown;
  failures?: unknown;
}

function names(e: unknown, depth = 0): string[] {
  if (depth > 4 || typeof e !== 'object' || e === null) return [];
  const err = e as ErrorLike;
  const out = typeof err.name === 'string' ? [err.name] : [];
  out.push(...names(err.inner, depth + 1));
  if (Array.isArray(err.failures)) for (const f of err.failures) out.push(...names(f, depth + 1));
  if (err instanceof TernError) out.push(...names(err.cause, depth + 1));
  return out;
}

export function isQuotaError(e: unknown): boolean {
  return names(e).includes('QuotaExceededError');
}

export function toTernError(e: unknown): TernError {
  if (e instanceof TernError) return e;
  const found = names(e);
  const message = e instanceof Error ? e.message : String(e);
  if (found.includes('QuotaExceededError'))
    return new TernError('quota-exceeded', 'The device has no room left to store this.', e);
  if (found.includes('DatabaseClosedError'))
    return new TernError('database-closed', 'The database is closed.', e);
  if (found.includes('MissingAPIError') || found.includes('InvalidStateError'))
    return new TernError('storage-unavailable', 'Storage is not available here.', e);
  if (found.includes('ConstraintError'))
    // Said to the user as it is (ui/error-text.ts), like every other refusal of this code.
    return new TernError('conflict', 'That item already exists.', e);
  return new TernError('unknown', message, e);
}

/** Runs a database call and rethrows whatever it throws as a TernError. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toTernError(e);
  }
}
