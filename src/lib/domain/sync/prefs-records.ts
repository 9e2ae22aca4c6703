// The provider list (with its API keys) and the MCP server list (with their tokens) as sync records,
// each one record, `prefs|providers` and `prefs|mcpServers`: the whole stored value, with a clock in
// `syncClocks` like every record, the later change winning whole (docs/sync.md).
//
// The lists live in the preferences, a database apart from `tern`, so no transaction holds a list
// and its clock together, and the stores that write them (provider-store, mcp-store: on the first
// screen) know nothing of sync. So sync keeps, beside each list, a digest of it as last stamped or
// applied (`sync:seen:<key>`), and a list whose digest differs was changed here since: it is then
// stamped. Sync looks whenever a list changes in an open tab and at every round, so every write
// path counts (a restore, the key lock), and a crash between two writes is caught at the next look.
import type { TernDB } from '../../db/database';
import { clockAt, pageClock } from '../../db/hlc';
import type { Prefs } from '../../db/prefs';
import type { PrefsKind, PrefsRecord } from '../../db/sync-kinds';
import { TernError } from '../../errors';
import type { McpServerDef } from '../../mcp/types';
import { cleanMcpServers, loadMcpServers, saveMcpServers } from '../mcp-store';
import {
  cleanStoredProviders,
  readStoredProviders,
  writeStoredProviders,
  type StoredProvider,
  type StoredProviders,
} from '../provider-store';
import { ro, rw } from '../tx';

export type { PrefsRecord };

export const PREFS_KIND: PrefsKind = 'prefs';

/** A list as it travels: its record's key and clock, and the value (checked when it came in). */
export interface PrefsRecordValue {
  id: PrefsRecord;
  key: string;
  c: string;
  value: object;
}

const MAX_PROVIDERS = 100;
const seenKey = (id: PrefsRecord) => `sync:seen:${id}`;

export const prefsRecordKey = (id: PrefsRecord): string => `${PREFS_KIND}|${id}`;

/** The list a record key names, or null for any other key. */
export function parsePrefsKey(key: string): PrefsRecord | null {
  const id = key.startsWith(`${PREFS_KIND}|`) ? key.slice(PREFS_KIND.length + 1) : '';
  return (PREFS_RECORDS as readonly string[]).includes(id) ? (id as PrefsRecord) : null;
}

type Loose = Record<string, unknown>;
const isObj = (v: unknown): v is Loose => typeof v === 'object' && v !== null;

function refuseProviders(why: string): never {
  throw new TernError('invalid-input', `The synced providers were not taken: ${why}`);
}

const httpOrEmpty = (url: string) => {
  if (url === '') return true;
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
};

/** One stored provider with only the fields a provider has: nothing else from outside is kept. */
function pickProvider(c: StoredProvider): StoredProvider {
  const { id, kind, label, baseUrl, apiKey, models, defaultModel, sealedApiKey } = c;
  return {
    id,
    kind,
    label,
    baseUrl,
    apiKey,
    models: [...models],
    ...(defaultModel !== undefined ? { defaultModel } : {}),
    ...(sealedApiKey ? { sealedApiKey: { iv: sealedApiKey.iv, data: sealedApiKey.data } } : {}),
  };
}

/** Another device's provider list (untrusted), checked whole: every entry, or an error saying why. */
function checkProviders(d: unknown): StoredProviders {
  if (!isObj(d) || !Array.isArray(d.list)) refuseProviders('they are not a list.');
  if (d.list.length > MAX_PROVIDERS) refuseProviders(`there are more than ${MAX_PROVIDERS}.`);
  // The store's own reading keeps the entries that are providers (isStoredProvider), as they are.
  const clean = cleanStoredProviders(d);
  const entries: unknown[] = d.list;
  entries.forEach((c, i) => {
    if (!clean.list.includes(c as StoredProvider))
      refuseProviders(`entry ${i + 1} is not a provider.`);
    if (!httpOrEmpty((c as StoredProvider).baseUrl))
      refuseProviders(`entry ${i + 1} has an address that is not http:// or https://.`);
  });
  if (new Set(clean.list.map((c) => c.id)).size !== clean.list.length)
    refuseProviders('two of them share an id.');
  if (d.lock !== undefined && !clean.lock) refuseProviders('their lock is not readable.');
  if (!clean.lock && clean.list.some((c) => c.sealedApiKey))
    refuseProviders('a key is locked, and the list has no lock to open it.');
  if (d.defaultId !== null && d.defaultId !== undefined && d.defaultId !== clean.defaultId)
    refuseProviders('the default provider is not one of them.');
  return { ...clean, list: clean.list.map(pickProvider) };
}

interface ListStore {
  /** The list as stored here, clean. */
  read(prefs: Prefs): Promise<object>;
  /** Nothing worth sending: a device that has never had a list must not empty another's. */
  isEmpty(value: object): boolean;
  /** Another device's list, checked whole; TernError `invalid-input` saying what is wrong. */
  check(d: unknown): object;
  write(prefs: Prefs, value: object): Promise<void>;
}

/**
 * Each list through its own store. With a key lock on, the keys travel sealed as they are, with
 * the lock record: a device that takes the list takes its lock, and unlocks with that passphrase.
 */
const STORES: Record<PrefsRecord, ListStore> = {
  providers: {
    read: readStoredProviders,
    isEmpty: (v) => (v as StoredProviders).list.length === 0,
    check: checkProviders,
    write: (prefs, v) => writeStoredProviders(prefs, v as StoredProviders),
  },
  mcpServers: {
    read: async (prefs) => ({ list: await loadMcpServers(prefs) }),
    isEmpty: (v) => (v as { list: unknown[] }).list.length === 0,
    check: (d) => ({
      list: cleanMcpServers(isObj(d) ? d.list : undefined, 'The synced MCP servers'),
    }),
    write: (prefs, v) => saveMcpServers(prefs, (v as { list: McpServerDef[] }).list),
  },
};

/** Every list, in a fixed order (STORES has one entry per kind of list, or it does not compile). */
export const PREFS_RECORDS = Object.keys(STORES) as PrefsRecord[];

/** Another device's list, checked whole: the value to apply, or TernError `invalid-input`. */
export function checkPrefsRecord(id: PrefsRecord, d: unknown): object {
  return STORES[id].check(d);
}

/** JSON with every object's fields in name order, so that equal values give equal text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v))
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

async function digestOf(value: object): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical(value)));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The clock of a list this device has never synced: older than any change, so that a device that
 * joins takes the list the others sync. It is the same on every device, and never reaches the
 * server: the first device to send a list stamps it anew (see the push).
 */
const JOINING_CLOCK = clockAt(0);

/** A list stamped when this device joined, never changed here since. */
export const isJoiningClock = (c: string): boolean => c === JOINING_CLOCK;

/**
 * Stamps each list changed here since it was last stamped or applied, and marks it unsent; returns
 * how many were. A list this device has never synced gets the joining clock; an empty one none.
 */
export async function stampChangedLists(db: TernDB, prefs: Prefs): Promise<number> {
  let stamped = 0;
  for (const id of PREFS_RECORDS) {
    const store = STORES[id];
    const value = await store.read(prefs);
    const digest = await digestOf(value);
    const seen = await prefs.get<string>(seenKey(id));
    if (seen === digest) continue;
    const key = prefsRecordKey(id);
    const had = await db.syncClocks.get(key);
    if (had || seen !== undefined || !store.isEmpty(value)) {
      const c = had || seen !== undefined ? pageClock.tick() : JOINING_CLOCK;
      await rw(db, [db.syncClocks], () => db.syncClocks.put({ key, c, dirty: 1 }));
      stamped++;
    }
    // After the clock: a crash between the two stamps the list again, which only sends it again.
    await prefs.set(seenKey(id), digest);
  }
  return stamped;
}

/** The clocks of the lists marked unsent. */
export async function unsentPrefsClocks(db: TernDB): Promise<{ key: string; c: string }[]> {
  const keys = PREFS_RECORDS.map(prefsRecordKey);
  const rows = await ro(db, [db.syncClocks], () => db.syncClocks.bulkGet(keys));
  return rows.flatMap((r) => (r?.dirty ? [{ key: r.key, c: r.c }] : []));
}

/** The lists marked unsent, with their values as stored now. */
export async function unsentPrefsRecords(db: TernDB, prefs: Prefs): Promise<PrefsRecordValue[]> {
  const out: PrefsRecordValue[] = [];
  for (const { key, c } of await unsentPrefsClocks(db)) {
    const id = parsePrefsKey(key);
    if (id) out.push({ id, key, c, value: await STORES[id].read(prefs) });
  }
  return out;
}

/** A new clock for a list about to be sent (a joining list that no device has sent before). */
export async function restampPrefsRecord(db: TernDB, key: string): Promise<string> {
  const c = pageClock.tick();
  await rw(db, [db.syncClocks], () => db.syncClocks.put({ key, c, dirty: 1 }));
  return c;
}

/**
 * A list from the server (checked), written here when its clock is later than this device's;
 * false when this device's is the later one. The list is written first and its clock last: a crash
 * between the two leaves the clock older, and the next pull writes the same list again.
 */
export async function applyPrefsRecord(
  db: TernDB,
  prefs: Prefs,
  record: PrefsRecordValue,
): Promise<boolean> {
  const { id, key, c, value } = record;
  pageClock.observe(c);
  const local = await ro(db, [db.syncClocks], () => db.syncClocks.get(key));
  if (local && local.c >= c) return false;
  const store = STORES[id];
  await store.write(prefs, value);
  // The digest of the list as stored, so that it does not count as a change made here.
  await prefs.set(seenKey(id), await digestOf(await store.read(prefs)));
  await rw(db, [db.syncClocks], async () => {
    const now = await db.syncClocks.get(key);
    if (!now || now.c < c) await db.syncClocks.put({ key, c });
  });
  return true;
}
