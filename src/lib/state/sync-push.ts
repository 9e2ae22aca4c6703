// One batch of a push: up to a batch of unsent records read, the server's current documents for
// them fetched, and each record sent unless the server already holds it or a later change of it
// (which is applied here instead: the later clock wins on both sides).
import type { TernDB } from '../db/database';
import { markSent, readUnsent } from '../domain/sync/outgoing';
import type { SyncRecord } from '../domain/sync/records';
import * as couch from '../sync/couch';
import { SyncError } from '../sync/errors';
import { clockOf, toDoc } from './sync-docs';

export interface PushOptions {
  db: TernDB;
  config: couch.CouchConfig;
  key: CryptoKey | null;
  images: boolean;
  signal: AbortSignal;
  /** Applies the server's later changes, as the pull does. */
  apply: (theirs: couch.Change[]) => Promise<void>;
}

/** Pushes one batch; true when another may follow, false once nothing is left (or a conflict). */
export async function pushBatch(o: PushOptions, limit: number): Promise<boolean> {
  const { records } = await readUnsent(o.db, limit);
  if (records.length === 0) return false;
  // Images stay on this device when the user left them out: nothing to send, nothing waits.
  const send = o.images ? records : records.filter((r) => r.kind !== 'image');
  if (send.length < records.length)
    await markSent(
      o.db,
      records.filter((r) => r.kind === 'image'),
    );
  const onServer = new Map(
    (
      await couch.getDocs(
        o.config,
        send.map((r) => r.key),
        o.signal,
      )
    ).map((d) => [d._id, d]),
  );
  const docs: couch.CouchDoc[] = [];
  const theirs: couch.Change[] = [];
  const already: SyncRecord[] = [];
  for (const r of send) {
    const current = onServer.get(r.key);
    const serverClock = current ? await clockOf(current, o.key) : null;
    if (serverClock === r.c) {
      // Sent before, and the mark was lost (a closed tab): nothing to send again.
      already.push(r);
      continue;
    }
    if (current && serverClock !== null && serverClock > r.c) {
      // The server holds a later change (not yet pulled): it wins here too.
      theirs.push({ id: r.key, seq: '', doc: current });
      continue;
    }
    docs.push(await toDoc(r, current?._rev, o.key));
  }
  if (theirs.length > 0) await o.apply(theirs);
  const results = docs.length > 0 ? await couch.bulkDocs(o.config, docs, o.signal) : [];
  const ok = new Set(results.filter((x) => x.ok).map((x) => x.id));
  await markSent(o.db, [...already, ...send.filter((r) => ok.has(r.key))]);
  const refused = results.flatMap((x) => (!x.ok && x.error !== 'conflict' ? [x] : []));
  if (refused.length > 0)
    throw new SyncError(
      'server',
      `The server refused ${refused.length} change${refused.length === 1 ? '' : 's'}: ${refused[0]?.reason ?? ''}`,
    );
  // A conflict means another device wrote the same record meanwhile: the next round pulls it and
  // decides by the clocks again.
  return ok.size === docs.length;
}
