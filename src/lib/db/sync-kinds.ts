// What sync carries, defined once: each kind of record, the stores that hold it and how its key is
// read from a row. A message is one record wherever it sits (the active path or another version):
// flipping a version moves it between the two stores, which is one change to one record, so that
// two devices can never each keep a copy of it in a different store.
import type { JsonObject } from './rows';

export const SYNC_KINDS = {
  workspace: ['workspaces'],
  session: ['sessions'],
  message: ['messages', 'branchMessages'],
  image: ['images'],
  settings: ['sessionSettings'],
  command: ['commandUsage'],
  compaction: ['compactionEvents'],
  archive: ['messageArchive'],
} as const;

export type SyncKind = keyof typeof SYNC_KINDS;
export type SyncTable = (typeof SYNC_KINDS)[SyncKind][number];
export const SYNC_KIND_NAMES = Object.keys(SYNC_KINDS) as SyncKind[];

/**
 * Records kept in the preferences (db/prefs.ts, outside `tern`), one per preference key: the
 * provider list with its API keys, the MCP servers with their tokens. Their clocks are rows of
 * `syncClocks` keyed `prefs|<key>`; they travel only encrypted, from and to a device where the user
 * asked for them. Types only: the values, which only sync's lazily loaded code needs, are checked
 * against them where they are used (domain/sync/prefs-records.ts), so the first load carries none.
 */
export type PrefsKind = 'prefs';
export type PrefsRecord = 'providers' | 'mcpServers';

/** The stores that hold synced records, to the kind each holds. */
export const KIND_OF_TABLE: ReadonlyMap<string, SyncKind> = new Map(
  SYNC_KIND_NAMES.flatMap((k) => SYNC_KINDS[k].map((t) => [t, k] as const)),
);

/** A record's primary key in its store: a string, or [eventId, messageId] for the archive. */
export type RecordId = string | [string, string];

/** The primary key of a row of `table`. */
export function idOfRow(table: SyncTable, row: JsonObject | object): RecordId {
  const r = row as Record<string, unknown>;
  switch (table) {
    case 'sessionSettings':
      return String(r.sessionId);
    case 'commandUsage':
      return String(r.command);
    case 'messageArchive':
      return [String(r.eventId), String(r.messageId)];
    default:
      return String(r.id);
  }
}

/** The key of a record in the clock store and on the server: `<kind>|<id>`. */
export function recordKey(kind: SyncKind, id: RecordId): string {
  return `${kind}|${Array.isArray(id) ? `${id[0]}|${id[1]}` : id}`;
}

/** A record key's kind and id, or null for a key no kind owns. */
export function parseRecordKey(key: string): { kind: SyncKind; id: RecordId } | null {
  const bar = key.indexOf('|');
  if (bar < 1) return null;
  const kind = key.slice(0, bar);
  if (!(kind in SYNC_KINDS)) return null;
  const rest = key.slice(bar + 1);
  if (kind !== 'archive') return rest === '' ? null : { kind: kind as SyncKind, id: rest };
  // Archive ids are an event id and a message id; ids made by Tern never hold a bar, and a split at
  // the first bar is the same on every device, which is all a key needs.
  const at = rest.indexOf('|');
  if (at < 1 || at === rest.length - 1) return null;
  return { kind: 'archive', id: [rest.slice(0, at), rest.slice(at + 1)] };
}
