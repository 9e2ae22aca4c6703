// Stamps every change to a synced record with a clock and marks it unsent, in the same transaction
// as the change: if the write commits, so does its place in the outbox of sync, and no write path
// (those added later included) can forget it. Writes that sync itself applies from the server are
// not stamped again (see `markApplied`): they carry the clock they came with.
import Dexie, {
  type DBCore,
  type DBCoreMutateRequest,
  type DBCoreTransaction,
  type Middleware,
  type Transaction,
} from 'dexie';
import { pageClock } from './hlc';
import type { SyncClockRow } from './rows';
import { idOfRow, KIND_OF_TABLE, recordKey, type RecordId, type SyncTable } from './sync-kinds';

export const CLOCKS = 'syncClocks';
/** Key in `meta` of the stamping of records written before version 5 (domain/sync/backfill.ts). */
export const SYNC_BACKFILL_KEY = 'sync:backfill';

type Marked = IDBTransaction & { ternSyncApplied?: true };

/** Writes in `tx` come from the server: they keep the clocks sync gives them. */
export function markApplied(tx: Transaction): void {
  (tx.idbtrans as Marked).ternSyncApplied = true;
}

/** The keys a put, add or delete names. */
function namedKeys(name: SyncTable, req: DBCoreMutateRequest): RecordId[] {
  if (req.type === 'delete') return req.keys as RecordId[];
  if (req.type === 'deleteRange') return [];
  return (req.values as object[]).map((v) => idOfRow(name, v));
}

function stamp(down: DBCore, trans: DBCoreTransaction, keys: readonly string[]) {
  const values: SyncClockRow[] = [...new Set(keys)].map((key) => ({
    key,
    c: pageClock.tick(),
    dirty: 1,
  }));
  return down.table(CLOCKS).mutate({ type: 'put', trans, values });
}

export const syncClockMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'syncClock',
  create(down) {
    if (!down.schema.tables.some((t) => t.name === CLOCKS)) return down;
    return {
      ...down,
      transaction(stores, mode, options) {
        const widen =
          mode === 'readwrite' &&
          !stores.includes(CLOCKS) &&
          stores.some((s) => KIND_OF_TABLE.has(s));
        return down.transaction(widen ? [...stores, CLOCKS] : stores, mode, options);
      },
      table(name) {
        const table = down.table(name);
        const kind = KIND_OF_TABLE.get(name);
        if (!kind) return table;
        return {
          ...table,
          mutate(req) {
            const idb = req.trans as unknown as Marked;
            // An upgrade sees only its own version's stores; the backfill stamps what it wrote.
            if (
              idb.ternSyncApplied ||
              idb.mode === 'versionchange' ||
              !idb.objectStoreNames?.contains(CLOCKS)
            )
              return table.mutate(req);
            const both = (ids: RecordId[]) => {
              if (ids.length === 0) return table.mutate(req);
              const keys = ids.map((id) => recordKey(kind, id));
              return Promise.all([stamp(down, req.trans, keys), table.mutate(req)]).then(
                ([, res]) => res,
              );
            };
            if (req.type !== 'deleteRange') return both(namedKeys(name as SyncTable, req));
            // A range delete (a collection's delete, a clear) names no keys: read them first. A
            // Dexie promise keeps the transaction's zone, which the layers below need.
            const range = req.range;
            return Dexie.Promise.resolve(
              table.query({
                trans: req.trans,
                values: false,
                query: { index: table.schema.primaryKey, range },
              }),
            ).then((res) => both(res.result as RecordId[]));
          },
        };
      },
    };
  },
};
