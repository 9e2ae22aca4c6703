// What can go wrong with a model kept on this device, as one error with a `code`. Messages are
// written for the user: what happened and what to do.
export type LocalModelErrorCode =
  | 'not-gguf'
  | 'truncated'
  | 'quota-exceeded'
  | 'download-failed'
  | 'download-aborted'
  | 'exists'
  | 'not-found'
  | 'out-of-memory'
  | 'engine'
  | 'unsupported';

export class LocalModelError extends Error {
  readonly code: LocalModelErrorCode;
  constructor(code: LocalModelErrorCode, message: string) {
    super(message);
    this.name = 'LocalModelError';
    this.code = code;
  }
}

export function isLocalModelError(e: unknown, code?: LocalModelErrorCode): e is LocalModelError {
  return e instanceof LocalModelError && (code === undefined || e.code === code);
}

/** A full disk arrives as QuotaExceededError, sometimes wrapped. */
export function isQuotaError(e: unknown): boolean {
  if (!(e instanceof Error) && !(e instanceof DOMException)) return false;
  const name = (e as { name?: string }).name;
  if (name === 'QuotaExceededError') return true;
  const inner = (e as { inner?: unknown; cause?: unknown }).cause;
  return inner !== undefined && isQuotaError(inner);
}

/** Sizes in the messages this layer writes (the UI has its own formatter for the rest). */
export function megabytes(n: number): string {
  const mb = n / 1048576;
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${mb.toFixed(mb < 10 ? 1 : 0)} MB`;
}
