// One error type for everything below the UI. Repositories and the database layer throw it with a
// `code`; only the UI edge turns a code into words (see lib/ui/error-text.ts), so the same failure
// reads the same wherever it surfaces.

export type ErrorCode =
  | 'quota-exceeded'
  | 'not-found'
  | 'session-trashed'
  | 'read-only'
  | 'database-closed'
  | 'storage-unavailable'
  | 'upgrade-blocked'
  | 'upgrade-failed'
  | 'upgrade-incomplete'
  | 'snapshot-failed'
  | 'backup-failed'
  | 'invalid-input'
  | 'conflict'
  | 'aborted'
  | 'keys-locked'
  | 'wrong-passphrase'
  | 'unknown';

export class TernError extends Error {
  readonly code: ErrorCode;
  override readonly cause: unknown;

  constructor(code: ErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = 'TernError';
    this.code = code;
    this.cause = cause;
  }
}

export function isTernError(e: unknown, code?: ErrorCode): e is TernError {
  return e instanceof TernError && (code === undefined || e.code === code);
}
