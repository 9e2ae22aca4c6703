// The provider list and the MCP server list on the sync server (docs/sync.md): one document each,
// `_id` `prefs|providers` or `prefs|mcpServers`, always encrypted, `{ _id, _rev, x }` with `x` the
// ciphertext of `{ f, k: 'prefs', c, d }` (`d`: the list as stored, keys and tokens in it). The
// engine hands them here only on a device where the user asked for them with encryption on; a list
// from the server is checked whole by its own store's rules, and one that fails is set aside with
// the reason, nothing of it applied.
import type { TernDB } from '../db/database';
import { parseClock } from '../db/hlc';
import type { Prefs } from '../db/prefs';
import { markAllUnsent, markSent } from '../domain/sync/outgoing';
import {
  applyPrefsRecord,
  checkPrefsRecord,
  isJoiningClock,
  parsePrefsKey,
  PREFS_KIND,
  PREFS_RECORDS,
  prefsRecordKey,
  restampPrefsRecord,
  stampChangedLists,
  unsentPrefsRecords,
  type PrefsRecordValue,
} from '../domain/sync/prefs-records';
import * as couch from '../sync/couch';
import { decryptJson, encryptJson } from '../sync/crypto';
import { SyncError } from '../sync/errors';
import { clockOf, DOC_FORMAT, FUTURE_LIMIT_MS } from './sync-docs';
import type { SetAsideDoc } from './sync.svelte';

/** Whether a server document is one of the lists (whatever this device does with them). */
export const isPrefsDoc = (id: string): boolean => id.startsWith(`${PREFS_KIND}|`);

export interface PrefsOutcome {
  /** Lists written here from the server. */
  applied: number;
  aside: SetAsideDoc[];
}

type Read = { ok: true; record: PrefsRecordValue } | { ok: false; aside: SetAsideDoc };

const aside = (id: string, reason: string): Read => ({ ok: false, aside: { id, reason } });

/** A server document as a list, checked; or why it was set aside. */
async function fromPrefsDoc(doc: couch.CouchDoc, key: CryptoKey): Promise<Read> {
  const id = parsePrefsKey(doc._id);
  if (!id) return aside(doc._id, 'It is not a record Tern knows.');
  if (typeof doc.x !== 'string')
    return aside(doc._id, 'It is not encrypted, and API keys and tokens travel only encrypted.');
  let body: Record<string, unknown>;
  try {
    const b = await decryptJson(key, doc.x);
    if (typeof b !== 'object' || b === null) return aside(doc._id, 'It holds no record.');
    body = b as Record<string, unknown>;
  } catch {
    return aside(doc._id, 'It could not be decrypted with this passphrase.');
  }
  if (typeof body.f !== 'number') return aside(doc._id, 'It has no format version.');
  if (body.f > DOC_FORMAT)
    return aside(doc._id, 'It was written by a newer version of Tern: update Tern on this device.');
  if (body.k !== PREFS_KIND) return aside(doc._id, 'Its kind does not match its id.');
  const clock = parseClock(body.c);
  if (!clock) return aside(doc._id, 'Its clock is not readable.');
  if (clock.ms > Date.now() + FUTURE_LIMIT_MS)
    return aside(doc._id, 'Its clock is more than a day in the future.');
  if (body.d === null || body.d === undefined) return aside(doc._id, 'It carries no list.');
  try {
    const value = checkPrefsRecord(id, body.d);
    return { ok: true, record: { id, key: doc._id, c: body.c as string, value } };
  } catch (e) {
    return aside(doc._id, e instanceof Error ? e.message : String(e));
  }
}

async function toPrefsDoc(
  record: PrefsRecordValue,
  rev: string | undefined,
  key: CryptoKey,
): Promise<couch.CouchDoc> {
  const body = { f: DOC_FORMAT, k: PREFS_KIND, c: record.c, d: record.value };
  return { _id: record.key, x: await encryptJson(key, body), ...(rev ? { _rev: rev } : {}) };
}

export interface PrefsSyncOptions {
  db: TernDB;
  prefs: Prefs;
  config: couch.CouchConfig;
  /** Lists travel only encrypted: there is no way to make this without a key. */
  key: CryptoKey;
}

/** The lists' side of a round, for the engine of a device that syncs them. */
export class PrefsSync {
  readonly #o: PrefsSyncOptions;

  constructor(options: PrefsSyncOptions) {
    this.#o = options;
  }

  /**
   * When syncing them starts (the box may have been off meanwhile): this device's lists are sent
   * again where the server's are older, and the server's are taken where they are newer, even those
   * the change feed went past while they were not wanted here.
   */
  async start(signal: AbortSignal): Promise<PrefsOutcome> {
    await markAllUnsent(this.#o.db, [PREFS_KIND]);
    const docs = await couch.getDocs(this.#o.config, PREFS_RECORDS.map(prefsRecordKey), signal);
    return this.apply(docs.filter((d) => !d._deleted));
  }

  /** Lists from the server: each applied when it is later than this device's, or set aside. */
  async apply(docs: readonly couch.CouchDoc[]): Promise<PrefsOutcome> {
    const out: PrefsOutcome = { applied: 0, aside: [] };
    for (const doc of docs) {
      const read = await fromPrefsDoc(doc, this.#o.key);
      if (!read.ok) out.aside.push(read.aside);
      else if (await applyPrefsRecord(this.#o.db, this.#o.prefs, read.record)) out.applied++;
    }
    return out;
  }

  /** Stamps the lists changed here, then sends those the server holds an older version of. */
  async push(signal: AbortSignal): Promise<PrefsOutcome> {
    const { db, prefs, config, key } = this.#o;
    await stampChangedLists(db, prefs);
    const unsent = await unsentPrefsRecords(db, prefs);
    if (unsent.length === 0) return { applied: 0, aside: [] };
    const onServer = new Map(
      (
        await couch.getDocs(
          config,
          unsent.map((u) => u.key),
          signal,
        )
      ).map((d) => [d._id, d]),
    );
    const docs: couch.CouchDoc[] = [];
    const sending: { key: string; c: string }[] = [];
    const already: { key: string; c: string }[] = [];
    const theirs: couch.CouchDoc[] = [];
    for (const u of unsent) {
      const current = onServer.get(u.key);
      const live = current && !current._deleted ? current : undefined;
      const serverClock = live ? await clockOf(live, key) : null;
      if (serverClock === u.c) {
        already.push(u);
        continue;
      }
      if (live && serverClock !== null && serverClock > u.c) {
        theirs.push(live);
        continue;
      }
      // The first device to send a list sets it: a list stamped when this device joined, and
      // never sent by any device, counts from now, so that a device joining later takes it.
      const c = !live && isJoiningClock(u.c) ? await restampPrefsRecord(db, u.key) : u.c;
      docs.push(await toPrefsDoc({ ...u, c }, current?._rev, key));
      sending.push({ key: u.key, c });
    }
    const out = theirs.length > 0 ? await this.apply(theirs) : { applied: 0, aside: [] };
    const results = docs.length > 0 ? await couch.bulkDocs(config, docs, signal) : [];
    const ok = new Set(results.filter((x) => x.ok).map((x) => x.id));
    await markSent(db, [...already, ...sending.filter((s) => ok.has(s.key))]);
    const refused = results.find((x) => !x.ok && x.error !== 'conflict');
    if (refused && !refused.ok)
      throw new SyncError('server', `The server refused a change: ${refused.reason}`);
    return out;
  }
}
