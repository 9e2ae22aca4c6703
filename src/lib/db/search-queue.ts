// Keeps the search index from ever missing a write. Every read-write transaction that touches
// messages or sessions also covers the search queue, and every write to a message's text or a
// session's title puts that text's key in the queue in the same transaction: if the write commits,
// so does its place in the queue. The indexer (domain/search-index) empties the queue shortly after.
// Being a middleware, it covers every write path, the ones added later included; a message still
// streaming is queued when its last write lands (status no longer 'streaming').
import type { DBCore, DBCoreMutateRequest, DBCoreTransaction, Middleware } from 'dexie';
import { SEARCH_TITLE_PREFIX, type MessageRow, type SessionRow } from './rows';

const QUEUE = 'searchQueue';
// A message in an inactive branch is searchable like any other; a flip deletes it from one store
// and adds it to the other, and each half queues it.
const WATCHED = new Set(['messages', 'branchMessages', 'sessions']);
/** Fields whose change means a message's text must be indexed again. */
const MESSAGE_FIELDS = ['content', 'parts', 'status'];
/** Other tabs hear of queued writes through this channel. */
export const SEARCH_CHANNEL = 'tern-search-queue';

type Listener = () => void;
const listeners = new Set<Listener>();

/** Called (in this tab) after a transaction that queued texts commits. */
export function onSearchQueued(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let channel: BroadcastChannel | null | undefined;
/** Tells the indexer (in this tab or another) that there is work: queued texts, a rebuild. */
export function announceSearchWork(): void {
  announce();
}
function announce(): void {
  for (const l of listeners) l();
  if (channel === undefined)
    channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(SEARCH_CHANNEL) : null;
  channel?.postMessage('queued');
}

// Which fields a put changes, when Dexie says (update, modify); null for a whole-row put.
function changedFields(req: DBCoreMutateRequest): string[] | null {
  if (req.type !== 'put') return null;
  if (req.updates) return req.updates.changeSpecs.flatMap((c) => Object.keys(c));
  if (req.changeSpec) return Object.keys(req.changeSpec);
  return null;
}

function touches(fields: string[] | null, watched: readonly string[]): boolean {
  return (
    fields === null || fields.some((f) => watched.some((w) => f === w || f.startsWith(`${w}.`)))
  );
}

/** The queue keys a write to `table` makes stale. */
export function queueKeys(table: string, req: DBCoreMutateRequest): string[] {
  const title = table === 'sessions';
  if (req.type === 'delete')
    return req.keys.map((k) => (title ? SEARCH_TITLE_PREFIX + String(k) : String(k)));
  if (req.type === 'deleteRange') return [];
  if (!touches(changedFields(req), title ? ['title'] : MESSAGE_FIELDS)) return [];
  if (title) return (req.values as SessionRow[]).map((s) => SEARCH_TITLE_PREFIX + s.id);
  return (req.values as MessageRow[]).filter((m) => m.status !== 'streaming').map((m) => m.id);
}

const announced = new WeakSet<DBCoreTransaction>();
function announceOnCommit(trans: DBCoreTransaction): void {
  if (announced.has(trans)) return;
  announced.add(trans);
  const idb = trans as unknown as IDBTransaction;
  if (typeof idb.addEventListener === 'function') idb.addEventListener('complete', announce);
}

export const searchQueueMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'searchQueue',
  create(down) {
    if (!down.schema.tables.some((t) => t.name === QUEUE)) return down;
    return {
      ...down,
      transaction(stores, mode, options) {
        const widen =
          mode === 'readwrite' && !stores.includes(QUEUE) && stores.some((s) => WATCHED.has(s));
        return down.transaction(widen ? [...stores, QUEUE] : stores, mode, options);
      },
      table(name) {
        const table = down.table(name);
        if (!WATCHED.has(name)) return table;
        return {
          ...table,
          mutate(req) {
            const idb = req.trans as unknown as IDBTransaction;
            // An upgrade sees the stores of its own version only; the indexer's first pass covers it.
            if (idb.mode === 'versionchange' || !idb.objectStoreNames?.contains(QUEUE))
              return table.mutate(req);
            const keys = queueKeys(name, req);
            if (keys.length === 0) return table.mutate(req);
            const queued = down.table(QUEUE).mutate({
              type: 'put',
              trans: req.trans,
              values: keys.map((key) => ({ key })),
            });
            const done = table.mutate(req);
            announceOnCommit(req.trans);
            return Promise.all([queued, done]).then(([, res]) => res);
          },
        };
      },
    };
  },
};
