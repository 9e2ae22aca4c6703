// One request to the user's CouchDB, and every way it can fail turned into a SyncError whose
// message says what happened in words a user can act on. The public calls are in couch.ts.
import { bytesToBase64 } from './base64';
import { SyncError } from './errors';
import { expiredText, tokenExpiry, tokenShapeProblem, tokenSubject } from './jwt';

export interface CouchConfig {
  /** The server's address, e.g. https://couch.example.org or http://127.0.0.1:5984/couch. */
  url: string;
  db: string;
  username?: string;
  password?: string;
  /**
   * A JWT the server checks, sent as `Authorization: Bearer`; when set, it is the only credential
   * (no user name or password is sent, not even one typed into the address).
   */
  token?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** How long one request may take before it fails with `timeout`. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** A checked config: where to send requests and how to sign them. */
export interface Target {
  /** The server's address without a trailing slash. */
  base: string;
  /** The database's path segment, encoded. */
  dbPath: string;
  db: string;
  origin: string;
  authorization: string | null;
  /** Which credential the requests carry: it decides what a 401 means. */
  credential: 'password' | 'token' | null;
  /** The user name sent, or the token's user (its `sub`), for the messages. */
  username: string | null;
  /** When the token expires (its `exp`, in ms); null without a token or without the claim. */
  expiry: number | null;
}

// CouchDB's own rule; PouchDB Server is laxer, but a name must work on both.
const DB_NAME = /^[a-z][a-z0-9_$()+/-]*$/;

export function targetOf(config: CouchConfig): Target {
  let url: URL;
  try {
    url = new URL(config.url.trim());
  } catch {
    throw new SyncError(
      'bad-url',
      `“${config.url}” is not a web address. Enter the server's address starting with https:// (or http:// for a server on your own network).`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SyncError(
      'bad-url',
      `“${config.url}” is not an http(s) address. Enter the server's address starting with https:// (or http:// for a server on your own network).`,
    );
  if (!DB_NAME.test(config.db))
    throw new SyncError(
      'bad-url',
      `“${config.db}” cannot be a CouchDB database name: it must start with a lowercase letter and hold only lowercase letters, digits and _ $ ( ) + - /.`,
    );
  if (config.token !== undefined) {
    const problem = tokenShapeProblem(config.token);
    if (problem !== null) throw new SyncError('bad-token', problem);
  }
  // A browser refuses to fetch a URL that carries credentials, so ones typed into the address
  // are taken out of it and sent in the Authorization header like the others.
  const username = config.username || decodeURIComponent(url.username) || null;
  const password = config.username ? (config.password ?? '') : decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const place = {
    base: url.href.replace(/\/+$/, ''),
    dbPath: `/${encodeURIComponent(config.db)}`,
    db: config.db,
    origin: url.origin,
  };
  if (config.token !== undefined) {
    const token = config.token.trim();
    return {
      ...place,
      authorization: `Bearer ${token}`,
      credential: 'token',
      username: tokenSubject(token),
      expiry: tokenExpiry(token),
    };
  }
  return {
    ...place,
    authorization:
      username === null
        ? null
        : `Basic ${bytesToBase64(new TextEncoder().encode(`${username}:${password}`))}`,
    credential: username === null ? null : 'password',
    username,
    expiry: null,
  };
}

export function callOptions<T extends CallOptions>(opts: T | AbortSignal | undefined): Partial<T> {
  if (!opts) return {};
  return isAbortSignal(opts) ? ({ signal: opts } as Partial<T>) : opts;
}

function isAbortSignal(x: unknown): x is AbortSignal {
  return typeof AbortSignal !== 'undefined' && x instanceof AbortSignal;
}

export interface Reply {
  status: number;
  /** The parsed body; undefined when it was not JSON. */
  json: unknown;
  /** A longpoll whose answer was cut off by the deadline after the server accepted it. */
  cutOff: boolean;
}

interface RequestSpec {
  method?: 'GET' | 'PUT' | 'POST';
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The request is a longpoll: the deadline firing once the server has started answering means
   * "nothing changed" (PouchDB Server ignores `timeout` and keeps the request open).
   */
  longpoll?: boolean;
}

/** One request to `target.base + path`; throws SyncError for network failures and timeouts. */
export async function request(target: Target, path: string, init: RequestSpec): Promise<Reply> {
  const url = target.base + path;
  const deadline = AbortSignal.timeout(init.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.authorization) headers.authorization = target.authorization;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal,
      // The Authorization header is the only credential; no cookies, nothing cached.
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw await failure(target, url, e, init.signal, deadline);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    if (init.longpoll && res.ok && deadline.aborted && !init.signal?.aborted)
      return { status: res.status, json: undefined, cutOff: true };
    if (init.signal?.aborted || deadline.aborted)
      throw await failure(target, url, e, init.signal, deadline);
    throw new SyncError(
      'unreachable',
      `The connection to the server at ${target.origin} broke off before its answer was complete. Try again.`,
      { status: res.status, cause: e },
    );
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, cutOff: false };
}

async function failure(
  target: Target,
  url: string,
  error: unknown,
  signal: AbortSignal | undefined,
  deadline: AbortSignal,
): Promise<SyncError> {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof DOMException && reason.name === 'TimeoutError')
      return timedOut(target, error);
    return new SyncError('aborted', 'Sync was stopped before the server answered.', {
      cause: error,
    });
  }
  if (deadline.aborted) return timedOut(target, error);
  return explainUnreachable(target, url, error);
}

function timedOut(target: Target, cause: unknown): SyncError {
  return new SyncError(
    'timeout',
    `The server at ${target.origin} did not answer in time. It may be overloaded or the connection may be poor; try again.`,
    { cause },
  );
}

/**
 * A browser reports a refused CORS request and an unreachable server with the same bare
 * TypeError. An opaque `no-cors` request tells them apart: it succeeds whenever the server
 * answered at all. Outside a page (Node) there is no CORS, so a failure is a failure.
 */
async function explainUnreachable(target: Target, url: string, cause: unknown): Promise<SyncError> {
  const inPage = typeof location !== 'undefined';
  if (inPage && typeof navigator !== 'undefined' && navigator.onLine === false)
    return new SyncError(
      'unreachable',
      `This device is offline, so the server at ${target.origin} cannot be reached. Sync resumes when you are back online.`,
      { cause },
    );
  if (inPage) {
    const answered = await fetch(url, {
      mode: 'no-cors',
      credentials: 'omit',
      signal: AbortSignal.timeout(5_000),
    }).then(
      () => true,
      () => false,
    );
    if (answered) return corsError(target, cause);
    if (location.protocol === 'https:' && target.base.startsWith('http:') && !isLoopback(target))
      return new SyncError(
        'unreachable',
        `This page is served over https, so the browser will not let it talk to the plain http address ${target.origin}. Give the server an https address (a reverse proxy with a certificate, or a hosted CouchDB) and use that.`,
        { cause },
      );
  }
  return new SyncError(
    'unreachable',
    `Nothing answered at ${target.origin}. Check the address, that the server is running, and that this device can reach it.`,
    { cause },
  );
}

function isLoopback(target: Target): boolean {
  const host = new URL(target.base).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

function corsError(target: Target, cause: unknown): SyncError {
  const origin = typeof location !== 'undefined' ? location.origin : 'this page';
  return new SyncError(
    'cors',
    `The server at ${target.origin} answered, but does not let this page (${origin}) read its replies: CORS is not turned on for it. ` +
      `In CouchDB's configuration (local.ini, or Fauxton → Configuration → CORS) set, then restart CouchDB:\n` +
      `[chttpd]\nenable_cors = true\n\n` +
      `[cors]\norigins = ${origin}\ncredentials = true\n` +
      `headers = accept, authorization, content-type, origin, referer\n` +
      `methods = GET, PUT, POST, HEAD, DELETE`,
    { cause },
  );
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** CouchDB's `reason` (or `error`) from an error body, for the end of a message. */
function reasonOf(json: unknown): string {
  if (!isRecord(json)) return '';
  const reason = typeof json.reason === 'string' ? json.reason : '';
  const error = typeof json.error === 'string' ? json.error : '';
  return reason || error;
}

/** A 404 body that says the database is missing, rather than a document. */
export function saysNoDatabase(json: unknown): boolean {
  return /database does not exist|no_db_file|no such database/i.test(reasonOf(json));
}

export function dbMissing(target: Target): SyncError {
  return new SyncError(
    'db-missing',
    `The server has no database named “${target.db}”. Tern can create it for you.`,
    { status: 404, canCreate: true },
  );
}

export function badResponse(target: Target, what: string, status?: number): SyncError {
  return new SyncError(
    'bad-response',
    `The server at ${target.origin} gave an answer Tern does not understand to ${what}${status ? ` (status ${status})` : ''}. Check that the address points at CouchDB.`,
    { status: status ?? null },
  );
}

/**
 * The error for a status the caller has no special meaning for. `what` finishes "… to" / "may not
 * …" sentences: "read the database", "write documents".
 */
export function statusError(target: Target, reply: Reply, what: string): SyncError {
  const { status, json } = reply;
  const reason = reasonOf(json);
  const said = reason ? ` (the server said: ${reason})` : '';
  if (status === 401) return unauthorized(target, status);
  if (status === 403)
    return new SyncError(
      'forbidden',
      `${target.username ? `The user “${target.username}”` : target.credential === 'token' ? "This token's user" : 'Without a user name, Tern'} may not ${what} at ${target.origin}${said}. Ask the server's admin for access, or use an admin account.`,
      { status },
    );
  if (status === 404 && saysNoDatabase(json)) return dbMissing(target);
  if (status === 409)
    return new SyncError('conflict', `Someone else changed this first${said}.`, { status });
  if (status >= 500)
    return new SyncError(
      'server',
      `The server at ${target.origin} failed with an internal error (status ${status})${said}. Try again later; if it goes on, look at the server's log.`,
      { status },
    );
  if (status === 413)
    return new SyncError(
      'bad-response',
      `The server at ${target.origin} refused to ${what}: too large for its limits${said}.`,
      { status },
    );
  return new SyncError(
    'bad-response',
    `The server at ${target.origin} refused to ${what} (status ${status})${said}.`,
    { status },
  );
}

/** A 401, in the words of the credential that was sent: a refused token is not a wrong password. */
function unauthorized(target: Target, status: number): SyncError {
  const server = `The server at ${target.origin}`;
  if (target.credential === 'token') {
    // The device's clock says why when it can; the server's clock is the one that counts.
    const expired = target.expiry !== null && target.expiry <= Date.now();
    return new SyncError(
      'unauthorized',
      expired
        ? `${server} refused the token. ${expiredText(target.expiry!)}`
        : `${server} refused the token: it has expired, or the server does not accept it. A server that takes tokens has JWT sign-in turned on ([chttpd] authentication_handlers with {chttpd_auth, jwt_authentication_handler}) and the key that signed this token in [jwt_keys]. Ask your server's administrator for a token that works there.`,
      { status },
    );
  }
  return new SyncError(
    'unauthorized',
    target.username
      ? `${server} did not accept the user name “${target.username}” with that password. Check both and try again.`
      : `${server} asks for a user name and password. Enter them and try again.`,
    { status },
  );
}
