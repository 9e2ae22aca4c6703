// How a record looks on the sync server (documented in docs/sync.md): one CouchDB document per
// record, `_id` the record key (`<kind>|<id>`), with the format version `f`, the kind `k`, the
// clock `c`, the message store `s` and the row `d` (null for a deletion); an image's bytes are the
// attachment `bytes`. Encrypted, everything but `_id` is the ciphertext `x` (and the attachment is
// ciphertext too): the server sees record ids and nothing else. Reading a document back checks
// everything it says, as an import does: a document that fails is set aside with the reason.
import { parseClock } from '../db/hlc';
import type { ImageRow, MessageArchiveRow, SessionSettingsRow } from '../db/rows';
import { idOfRow, parseRecordKey, SYNC_KINDS, type SyncKind } from '../db/sync-kinds';
import type { SyncRecord } from '../domain/sync/records';
import { readSyncRow } from '../io/sync-row';
import type { CouchDoc } from '../sync/couch';
import { decryptBytes, decryptJson, encryptBytes, encryptJson } from '../sync/crypto';
import { base64ToBytes, bytesToBase64 } from '../sync/base64';

/** The document format this version writes and reads; a newer one is kept, not applied. */
export const DOC_FORMAT = 1;
/** A clock more than this far ahead of this device's wall clock is refused. */
export const FUTURE_LIMIT_MS = 24 * 60 * 60 * 1000;
const ATTACHMENT = 'bytes';

export type DocResult =
  { kind: 'record'; record: SyncRecord } | { kind: 'aside'; id: string; reason: string };

interface Body {
  f: number;
  k: SyncKind;
  c: string;
  s?: SyncRecord['store'];
  d: object | null;
}

/** What of a row goes on the server: never an MCP server's headers (its tokens). */
function outgoingRow(record: SyncRecord): { d: object | null; bytes: Blob | null } {
  const row = record.row;
  if (!row) return { d: null, bytes: null };
  if (record.kind === 'image') {
    const { blob, data, ...rest } = row as ImageRow;
    const bytes = blob ?? (data ? new Blob([data], { type: rest.mimeType }) : null);
    return { d: rest, bytes };
  }
  if (record.kind === 'settings') {
    const s = row as SessionSettingsRow;
    return {
      d: {
        ...s,
        mcpServers: s.mcpServers.map(({ headers: _headers, ...m }) => m),
        alwaysAllow: undefined,
      },
      bytes: null,
    };
  }
  return { d: row, bytes: null };
}

export async function toDoc(
  record: SyncRecord,
  rev: string | undefined,
  key: CryptoKey | null,
): Promise<CouchDoc> {
  const { d, bytes } = outgoingRow(record);
  const body: Body = {
    f: DOC_FORMAT,
    k: record.kind,
    c: record.c,
    ...(record.store ? { s: record.store } : {}),
    d,
  };
  const doc: CouchDoc = key
    ? { _id: record.key, x: await encryptJson(key, body) }
    : { _id: record.key, ...body };
  if (rev) doc._rev = rev;
  if (bytes) {
    const raw = new Uint8Array(await bytes.arrayBuffer());
    const data = key ? await encryptBytes(key, raw) : raw;
    doc._attachments = {
      [ATTACHMENT]: {
        content_type: key ? 'application/octet-stream' : bytes.type || 'application/octet-stream',
        data: bytesToBase64(data),
      },
    };
  }
  return doc;
}

/** The clock a server document carries, or null where it cannot be read (for the push's choice). */
export async function clockOf(doc: CouchDoc, key: CryptoKey | null): Promise<string | null> {
  try {
    const body = key && typeof doc.x === 'string' ? await decryptJson(key, doc.x) : doc;
    const c = (body as { c?: unknown }).c;
    return parseClock(c) ? (c as string) : null;
  } catch {
    return null;
  }
}

const aside = (id: string, reason: string): DocResult => ({ kind: 'aside', id, reason });

/** A server document as a record, checked; or why it was set aside. */
export async function fromDoc(doc: CouchDoc, key: CryptoKey | null): Promise<DocResult> {
  const id = doc._id;
  const parsedKey = parseRecordKey(id);
  if (!parsedKey) return aside(id, 'It is not a record Tern knows.');
  let body: unknown = doc;
  if (typeof doc.x === 'string') {
    if (!key) return aside(id, 'It is encrypted, and encryption is off on this device.');
    try {
      body = await decryptJson(key, doc.x);
    } catch {
      return aside(id, 'It could not be decrypted with this passphrase.');
    }
  } else if (key) return aside(id, 'It is not encrypted, and encryption is on on this device.');
  const b = body as Partial<Body>;
  if (typeof b.f !== 'number') return aside(id, 'It has no format version.');
  if (b.f > DOC_FORMAT)
    return aside(id, 'It was written by a newer version of Tern: update Tern on this device.');
  if (b.k !== parsedKey.kind) return aside(id, 'Its kind does not match its id.');
  const clock = parseClock(b.c);
  if (!clock) return aside(id, 'Its clock is not readable.');
  if (clock.ms > Date.now() + FUTURE_LIMIT_MS)
    return aside(id, 'Its clock is more than a day in the future.');
  const store = b.s;
  if (parsedKey.kind === 'message' && store !== 'messages' && store !== 'branchMessages')
    return aside(id, 'A message does not say where it belongs.');
  if (b.d === null || b.d === undefined)
    return {
      kind: 'record',
      record: { key: id, kind: parsedKey.kind, c: b.c as string, row: null },
    };
  try {
    let bytes: Uint8Array<ArrayBuffer> | null = null;
    const att = doc._attachments?.[ATTACHMENT];
    if (parsedKey.kind === 'image' && typeof att?.data === 'string') {
      const raw = base64ToBytes(att.data);
      bytes = key ? new Uint8Array(await decryptBytes(key, raw)) : raw;
    }
    const row = readSyncRow(parsedKey.kind, store, b.d, bytes);
    const table =
      parsedKey.kind === 'message' ? (store ?? 'messages') : SYNC_KINDS[parsedKey.kind][0];
    const rowId = idOfRow(table, row);
    const same = Array.isArray(parsedKey.id)
      ? Array.isArray(rowId) && rowId[0] === parsedKey.id[0] && rowId[1] === parsedKey.id[1]
      : rowId === parsedKey.id;
    if (!same) return aside(id, 'Its row belongs to another record.');
    if (parsedKey.kind === 'archive' && (row as MessageArchiveRow).row.id !== rowId[1])
      return aside(id, 'Its archived message is another one.');
    return {
      kind: 'record',
      record: {
        key: id,
        kind: parsedKey.kind,
        c: b.c as string,
        ...(parsedKey.kind === 'message' ? { store } : {}),
        row,
      },
    };
  } catch (e) {
    return aside(id, e instanceof Error ? e.message : String(e));
  }
}
