// Everything that can go wrong between Tern and the user's CouchDB, or with the passphrase of an
// encrypted sync, as one typed error with a `code` and a sentence a user can act on. It is not a
// TernError: those carry codes the UI turns into fixed text (ui/error-text.ts), while a sync
// failure must say things only the transport knows, such as the exact CORS settings for this
// page's origin, so its message is written here and shown as it is (like providers/errors.ts).

export type SyncErrorCode =
  /** Not an http(s) address, or not a database name CouchDB accepts. */
  | 'bad-url'
  /** Nothing answered at the address. */
  | 'unreachable'
  /** The server answered, but the browser may not let the page read it. */
  | 'cors'
  /** 401: wrong user name or password, a token refused, or the server wants a credential. */
  | 'unauthorized'
  /** A token that is not a JWT (three base64url parts separated by dots). */
  | 'bad-token'
  /** 403: the user may not do this. */
  | 'forbidden'
  /** 404 on the database; `canCreate` is set. */
  | 'db-missing'
  /** Something answered, but not CouchDB (nor PouchDB Server). */
  | 'not-couch'
  /** 5xx. */
  | 'server'
  | 'timeout'
  /** A document update lost against another revision. */
  | 'conflict'
  /** The caller's signal stopped the request. */
  | 'aborted'
  /** An answer that is not the JSON shape CouchDB gives. */
  | 'bad-response'
  /** Encrypted data that this key cannot open. */
  | 'wrong-passphrase';

export class SyncError extends Error {
  readonly code: SyncErrorCode;
  /** The HTTP status, where there was one. */
  readonly status: number | null;
  /** For `db-missing`: the database can be made with createDatabase(). */
  readonly canCreate: boolean;
  override readonly cause: unknown;

  constructor(
    code: SyncErrorCode,
    message: string,
    extra: { status?: number | null; canCreate?: boolean; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'SyncError';
    this.code = code;
    this.status = extra.status ?? null;
    this.canCreate = extra.canCreate ?? false;
    this.cause = extra.cause;
  }
}

export function isSyncError(e: unknown, code?: SyncErrorCode): e is SyncError {
  return e instanceof SyncError && (code === undefined || e.code === code);
}
