// Keeps the search index from ever missing a write. Every read-write transaction that touches
// messages or sessions also covers the search queue, and every write to a message's text or a
// session's title puts that text's key in the queue in the same transaction: if the write commits,
// so does its place in the queue. The indexer (domain/search-index) empties the queue shortly after.
// Being a middleware, it covers every write path, the ones added later included; a message still
// streaming is queued when its last write lands (status no longer 'streaming').
//
// One write is not a change of text: a message moved between the active path and the versions set
// aside, same id, same text (in a transaction db/moves.ts marks as moving). The index is keyed by
// id and finds a message in either store, so once the first pass is over (every stored text
// indexed or queued) a move queues nothing: each row put into one message store is compared with
// the row of the same id in the other, read in the same transaction, and queued unless content,
// parts and status are the same; its delete from the other store afterwards is left out only for
// ids so moved. Every other write in the transaction is queued as usual.
import type { DBCore, DBCoreMutateRequest, DBCoreTransaction, Middleware } from 'dexie';
import { moveLogOf, type MoveLog } from './moves';
import { SEARCH_TITLE_PREFIX, type MessageRow, type SessionRow } from './rows';
import { BACKFILL_KEY, type BackfillState } from './search-layout';

const QUEUE = 'searchQueue';
const META = 'meta';
// A message in an inactive branch is searchable like any other.
const WATCHED = new Set(['messages', 'branchMessages', 'sessions']);
/** Each message store, and the one a message moves to from it. */
const OTHER_STORE: ReadonlyMap<string, string> = new Map([
  ['messages', 'branchMessages'],
  ['branchMessages', 'messages'],
]);
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

type Text = Pick<MessageRow, 'content' | 'parts' | 'status'>;
const sameText = (a: Text, b: Text): boolean =>
  a.content === b.content &&
  a.status === b.status &&
  JSON.stringify(a.parts) === JSON.stringify(b.parts);

/**
 * Of a write to message store `name` in a transaction that moves rows, the keys still to queue:
 * a row put with the text it has in the other store is a move (and recorded as one), a delete of
 * a row moved to the other store earlier in the transaction leaves nothing stale. Everything else
 * goes by `queueKeys`, and so does all of it while the first pass is under way: a row it has not
 * reached yet is indexed nowhere, and must be queued wherever it goes.
 */
async function keysOfMove(
  down: DBCore,
  name: string,
  other: string,
  req: DBCoreMutateRequest,
  log: MoveLog,
): Promise<string[]> {
  const keys = queueKeys(name, req);
  if (keys.length === 0 || !(await firstPassOver(down, req.trans, log))) return keys;
  if (req.type === 'delete') {
    for (const k of req.keys) if (log.placed.get(String(k)) === name) log.placed.delete(String(k));
    return keys.filter((k) => log.placed.get(k) !== other);
  }
  if (req.type !== 'add' && req.type !== 'put') return keys;
  if (changedFields(req) !== null) return keys;
  const rows = req.values as MessageRow[];
  const before = (await down
    .table(other)
    .getMany({ trans: req.trans, keys: rows.map((m) => m.id) })) as (Text | undefined)[];
  const moved = new Set<string>();
  rows.forEach((m, i) => {
    const was = before[i];
    if (was && sameText(was, m)) {
      moved.add(m.id);
      log.placed.set(m.id, name);
    } else log.placed.delete(m.id);
  });
  return keys.filter((k) => !moved.has(k));
}

function firstPassOver(down: DBCore, trans: DBCoreTransaction, log: MoveLog): Promise<boolean> {
  const idb = trans as unknown as IDBTransaction;
  log.indexed ??= idb.objectStoreNames.contains(META)
    ? down
        .table(META)
        .get({ trans, key: BACKFILL_KEY })
        .then((row: { value?: BackfillState } | undefined) => row?.value?.done === true)
    : Promise.resolve(false);
  return log.indexed;
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
    const hasMeta = down.schema.tables.some((t) => t.name === META);
    const queue = (req: DBCoreMutateRequest, keys: string[]): Promise<unknown> => {
      if (keys.length === 0) return Promise.resolve();
      announceOnCommit(req.trans);
      return down
        .table(QUEUE)
        .mutate({ type: 'put', trans: req.trans, values: keys.map((key) => ({ key })) });
    };
    return {
      ...down,
      transaction(stores, mode, options) {
        if (mode !== 'readwrite' || !stores.some((s) => WATCHED.has(s))) {
          return down.transaction(stores, mode, options);
        }
        const wide = new Set([...stores, QUEUE]);
        // A transaction that can move rows between the message stores reads whether the first
        // pass is over.
        if (stores.includes('messages') && stores.includes('branchMessages') && hasMeta) {
          wide.add(META);
        }
        return down.transaction([...wide], mode, options);
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
            const other = OTHER_STORE.get(name);
            const log = other === undefined ? undefined : moveLogOf(req.trans);
            if (other !== undefined && log) {
              const done = table.mutate(req);
              const queued = keysOfMove(down, name, other, req, log).then((k) => queue(req, k));
              return Promise.all([queued, done]).then(([, res]) => res);
            }
            const keys = queueKeys(name, req);
            if (keys.length === 0) return table.mutate(req);
            const queued = queue(req, keys);
            const done = table.mutate(req);
            return Promise.all([queued, done]).then(([, res]) => res);
          },
        };
      },
    };
  },
};
