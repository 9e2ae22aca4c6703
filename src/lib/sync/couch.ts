// A small client for CouchDB's HTTP API over fetch: just what replication needs (the changes
// feed, bulk writes, reads by id, _local checkpoints), for CouchDB, Cloudant and PouchDB Server
// alike. Every call throws SyncError with a sentence for the user; none of them keeps state.
// The last argument of each is `{ signal, timeoutMs }`, or a bare AbortSignal.
import {
  badResponse,
  callOptions,
  dbMissing,
  isRecord,
  request,
  saysNoDatabase,
  statusError,
  targetOf,
  type CallOptions,
  type CouchConfig,
  type Target,
} from './couch-http';
import { SyncError, isSyncError } from './errors';

export type { CallOptions, CouchConfig };

export interface CouchAttachment {
  content_type: string;
  /** Base64 of the bytes, when inline. */
  data?: string;
  stub?: boolean;
  length?: number;
  digest?: string;
  revpos?: number;
}

export interface CouchDoc {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
  _attachments?: Record<string, CouchAttachment>;
  [k: string]: unknown;
}

export type ConnectionReport =
  | { ok: true; /** Product and version, e.g. "CouchDB 3.4.2". */ server: string; docCount: number }
  | { ok: false; error: SyncError };

export interface ChangesQuery {
  /** Where the previous page ended ('0' for the start); passed back as the server gave it. */
  since: string;
  limit: number;
  feed?: 'normal' | 'longpoll';
  /** For a longpoll: how long the server may wait for a change. */
  timeoutMs?: number;
  includeDocs: true;
  /** Attachments inline as base64 instead of stubs. */
  attachments?: boolean;
}

export interface Change {
  id: string;
  /** Opaque: CouchDB gives strings, PouchDB Server numbers; always a string here. */
  seq: string;
  deleted?: boolean;
  doc?: CouchDoc;
}

export interface ChangesPage {
  results: Change[];
  lastSeq: string;
  /** Changes still waiting after this page, where the server says. */
  pending?: number;
}

export type BulkResult =
  | { id: string; ok: true; rev: string }
  /** `error` is 'conflict' for a stale or missing `_rev`, else CouchDB's own word for it. */
  | { id: string; ok: false; error: string; reason: string };

const TEST_TIMEOUT_MS = 10_000;
const LONGPOLL_DEFAULT_MS = 25_000;
/**
 * How long past its own timeout a longpoll may stay open before we stop waiting and take it as "no
 * change" (PouchDB Server ignores the timeout); the call's `timeoutMs` replaces the sum.
 */
const LONGPOLL_GRACE_MS = 10_000;

/**
 * Checks the address, the credentials and the database, and says what is wrong in words. Never
 * throws: every failure comes back as `{ ok: false, error }`.
 */
export async function testConnection(
  config: CouchConfig,
  opts?: CallOptions | AbortSignal,
): Promise<ConnectionReport> {
  const { signal, timeoutMs = TEST_TIMEOUT_MS } = callOptions(opts);
  try {
    const target = targetOf(config);
    const root = await request(target, '/', { signal, timeoutMs });
    if (root.status === 401 || root.status === 403 || root.status >= 500)
      throw statusError(target, root, 'connect to this server');
    const server = root.status === 200 ? serverName(root.json) : null;
    if (server === null)
      throw new SyncError(
        'not-couch',
        `Something answered at ${target.base}, but it is not CouchDB${root.status !== 200 ? ` (status ${root.status})` : ''}. Check the address: it should be the CouchDB server itself, which answers with a “Welcome” message.`,
        { status: root.status },
      );
    const info = await request(target, target.dbPath, { signal, timeoutMs });
    if (info.status === 404) throw dbMissing(target);
    if (info.status !== 200) throw statusError(target, info, `read the database “${target.db}”`);
    if (!isRecord(info.json) || typeof info.json.doc_count !== 'number')
      throw badResponse(target, 'a request for the database', info.status);
    return { ok: true, server, docCount: info.json.doc_count };
  } catch (e) {
    if (isSyncError(e)) return { ok: false, error: e };
    return {
      ok: false,
      error: new SyncError('bad-response', 'The connection test failed unexpectedly.', {
        cause: e,
      }),
    };
  }
}

/** "CouchDB 3.4.2", "CouchDB 2.1.1 (IBM Cloudant)", "PouchDB Server 4.2.0"; null if not Couch. */
function serverName(json: unknown): string | null {
  if (!isRecord(json)) return null;
  const version = typeof json.version === 'string' ? ` ${json.version}` : '';
  if ('express-pouchdb' in json) return `PouchDB Server${version}`;
  if (!('couchdb' in json)) return null;
  const vendor =
    isRecord(json.vendor) && typeof json.vendor.name === 'string' ? json.vendor.name : '';
  return `CouchDB${version}${vendor && !/apache/i.test(vendor) ? ` (${vendor})` : ''}`;
}

/** Creates the database; one that already exists is fine. */
export async function createDatabase(
  config: CouchConfig,
  opts?: CallOptions | AbortSignal,
): Promise<void> {
  const target = targetOf(config);
  const reply = await request(target, target.dbPath, { ...callOptions(opts), method: 'PUT' });
  if (reply.status === 201 || reply.status === 202 || reply.status === 412) return;
  // CouchDB answers 401 to a signed-in user who is not an admin, as to one not signed in.
  if (reply.status === 401 || reply.status === 403)
    throw new SyncError(
      reply.status === 401 ? 'unauthorized' : 'forbidden',
      `Only a server admin can create the database “${target.db}”. ${target.credential === 'token' ? 'Use a token for a server admin (with the role _admin)' : "Sign in with the admin's user name and password"}, or ask the admin to create it.`,
      { status: reply.status },
    );
  throw statusError(target, reply, 'create the database');
}

/** One page of the changes feed, oldest first. */
export async function changes(
  config: CouchConfig,
  query: ChangesQuery,
  opts?: CallOptions | AbortSignal,
): Promise<ChangesPage> {
  const target = targetOf(config);
  const { signal, timeoutMs } = callOptions(opts);
  const longpoll = query.feed === 'longpoll';
  const waitMs = query.timeoutMs ?? LONGPOLL_DEFAULT_MS;
  const params = new URLSearchParams({
    since: query.since,
    limit: String(Math.max(1, Math.floor(query.limit))),
    include_docs: 'true',
  });
  if (query.attachments) params.set('attachments', 'true');
  if (longpoll) {
    params.set('feed', 'longpoll');
    params.set('timeout', String(waitMs));
  }
  const reply = await request(target, `${target.dbPath}/_changes?${params}`, {
    signal,
    timeoutMs: longpoll ? (timeoutMs ?? waitMs + LONGPOLL_GRACE_MS) : timeoutMs,
    longpoll,
  });
  // The server took the longpoll but sent nothing before our deadline: nothing changed.
  if (reply.cutOff) return { results: [], lastSeq: query.since };
  if (reply.status === 404) throw dbMissing(target);
  if (reply.status !== 200) throw statusError(target, reply, 'read the changes');
  const page = parseChanges(reply.json);
  if (!page) throw badResponse(target, 'a request for changes', reply.status);
  return page;
}

function seqOf(x: unknown): string | null {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  return null;
}

function parseChanges(json: unknown): ChangesPage | null {
  if (!isRecord(json) || !Array.isArray(json.results)) return null;
  const lastSeq = seqOf(json.last_seq);
  if (lastSeq === null) return null;
  const results: Change[] = [];
  for (const row of json.results as unknown[]) {
    if (!isRecord(row) || typeof row.id !== 'string') return null;
    const seq = seqOf(row.seq);
    if (seq === null) return null;
    const change: Change = { id: row.id, seq };
    if (row.deleted === true) change.deleted = true;
    if (isDoc(row.doc)) change.doc = row.doc;
    results.push(change);
  }
  const page: ChangesPage = { results, lastSeq };
  if (typeof json.pending === 'number') page.pending = json.pending;
  return page;
}

function isDoc(x: unknown): x is CouchDoc {
  return isRecord(x) && typeof x._id === 'string';
}

/** Writes documents; each one succeeds or fails by itself (a stale `_rev` is a `conflict`). */
export async function bulkDocs(
  config: CouchConfig,
  docs: readonly CouchDoc[],
  opts?: CallOptions | AbortSignal,
): Promise<BulkResult[]> {
  const target = targetOf(config);
  if (docs.length === 0) return [];
  const reply = await request(target, `${target.dbPath}/_bulk_docs`, {
    ...callOptions(opts),
    method: 'POST',
    body: { docs },
  });
  if (reply.status === 404) throw dbMissing(target);
  if (reply.status !== 201 && reply.status !== 200)
    throw statusError(target, reply, 'write documents to the database');
  if (!Array.isArray(reply.json)) throw badResponse(target, 'a write', reply.status);
  return (reply.json as unknown[]).map((row) => {
    if (!isRecord(row) || typeof row.id !== 'string')
      throw badResponse(target, 'a write', reply.status);
    if (typeof row.error === 'string')
      return {
        id: row.id,
        ok: false,
        error: row.error,
        reason: typeof row.reason === 'string' ? row.reason : '',
      };
    if (typeof row.rev !== 'string') throw badResponse(target, 'a write', reply.status);
    return { id: row.id, ok: true, rev: row.rev };
  });
}

/**
 * The current documents with these ids, in the order asked; ids the database never had are left
 * out, and a deleted one comes back as `{ _id, _rev, _deleted: true }`.
 */
export async function getDocs(
  config: CouchConfig,
  ids: readonly string[],
  opts?: (CallOptions & { attachments?: boolean }) | AbortSignal,
): Promise<CouchDoc[]> {
  const target = targetOf(config);
  const options = callOptions(opts);
  if (ids.length === 0) return [];
  const params = new URLSearchParams({ include_docs: 'true' });
  if (options.attachments) params.set('attachments', 'true');
  const reply = await request(target, `${target.dbPath}/_all_docs?${params}`, {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    method: 'POST',
    body: { keys: ids },
  });
  if (reply.status === 404) throw dbMissing(target);
  if (reply.status !== 200) throw statusError(target, reply, 'read documents from the database');
  if (!isRecord(reply.json) || !Array.isArray(reply.json.rows))
    throw badResponse(target, 'a read of documents', reply.status);
  const docs: CouchDoc[] = [];
  for (const row of reply.json.rows as unknown[]) {
    if (!isRecord(row)) throw badResponse(target, 'a read of documents', reply.status);
    if ('error' in row) continue;
    if (isDoc(row.doc)) docs.push(row.doc);
    else if (isRecord(row.value) && row.value.deleted === true && typeof row.id === 'string')
      docs.push({
        _id: row.id,
        ...(typeof row.value.rev === 'string' ? { _rev: row.value.rev } : {}),
        _deleted: true,
      });
  }
  return docs;
}

const localPath = (target: Target, id: string) =>
  `${target.dbPath}/_local/${encodeURIComponent(id.replace(/^_local\//, ''))}`;

/** A `_local` document (never replicated, e.g. a checkpoint), or null when there is none. */
export async function getLocal(
  config: CouchConfig,
  id: string,
  opts?: CallOptions | AbortSignal,
): Promise<CouchDoc | null> {
  const target = targetOf(config);
  const reply = await request(target, localPath(target, id), callOptions(opts));
  if (reply.status === 404) {
    if (saysNoDatabase(reply.json)) throw dbMissing(target);
    return null;
  }
  if (reply.status !== 200) throw statusError(target, reply, 'read a checkpoint');
  if (!isDoc(reply.json)) throw badResponse(target, 'a read of a checkpoint', reply.status);
  return reply.json;
}

/**
 * Writes a `_local` document whole, over whatever is there: its `_rev` is looked up as needed
 * (a `_rev` in `body` is tried first). Returns the new `_rev`.
 */
export async function putLocal(
  config: CouchConfig,
  id: string,
  body: Record<string, unknown>,
  opts?: CallOptions | AbortSignal,
): Promise<string> {
  const target = targetOf(config);
  const options = callOptions(opts);
  const path = localPath(target, id);
  const fields: Record<string, unknown> = { ...body };
  delete fields._id;
  delete fields._rev;
  let rev = typeof body._rev === 'string' ? body._rev : (await getLocal(config, id, options))?._rev;
  // A second writer (another tab of the same device) can slip in between; the last one wins.
  for (let attempt = 0; ; attempt++) {
    const reply = await request(target, path, {
      ...options,
      method: 'PUT',
      body: { ...fields, ...(rev ? { _rev: rev } : {}) },
    });
    if (reply.status === 409 && attempt < 3) {
      rev = (await getLocal(config, id, options))?._rev;
      continue;
    }
    if (reply.status === 404) throw dbMissing(target);
    if (reply.status !== 201 && reply.status !== 200)
      throw statusError(target, reply, 'save a checkpoint');
    if (!isRecord(reply.json) || typeof reply.json.rev !== 'string')
      throw badResponse(target, 'a checkpoint write', reply.status);
    return reply.json.rev;
  }
}
