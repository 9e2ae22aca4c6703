// The local side of a pull: records from the server written into the stores, each only when its
// clock is later than the local one (the later change wins, a deletion included), in one
// transaction per batch, so a batch is applied whole or not at all. Applied rows keep the clock
// they came with and are not sent back. Messages two devices appended to one session while apart
// both stay: where they claim the same place, the session's messages from that place on are put in
// order of time (then id), the same order on every device, and the renumbered ones are sent back so
// that every device ends up with the same numbers.
import type { TernDB } from '../../db/database';
import { pageClock } from '../../db/hlc';
import type { JsonValue, MessageRow, SyncClockRow } from '../../db/rows';
import { markApplied } from '../../db/sync-clock';
import { SYNC_KINDS, type RecordId, type SyncKind, type SyncTable } from '../../db/sync-kinds';
import { messagesAtSeqs, messagesFrom } from '../../db/sync-reads';
import {
  sessionBranchMessages,
  sessionCompactions,
  sessionImages,
  sessionMessages,
} from '../../db/reads';
import { mapErrors } from '../../db/errors';
import type { SyncRecord } from './records';
import { parseRecordKey, recordKey } from '../../db/sync-kinds';

export interface ApplyResult {
  /** Records written (or deleted) here. */
  applied: number;
  /** Records older than what this device has: left as they were. */
  older: number;
  /** Messages given a new place because another device had used theirs. */
  renumbered: number;
}

const ALL_TABLES: readonly SyncTable[] = Object.values(SYNC_KINDS).flat();

const byTime = (a: MessageRow, b: MessageRow) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Applies a batch. `checkpoint` (a `meta` row: where the server's change feed was read up to) is
 * written in the same transaction, so a batch is never applied twice nor skipped after a crash.
 */
export function applyRecords(
  db: TernDB,
  records: readonly SyncRecord[],
  checkpoint?: { key: string; value: JsonValue },
): Promise<ApplyResult> {
  const tables = [...ALL_TABLES.map((t) => db.table(t)), db.syncClocks, db.meta];
  return mapErrors(() =>
    db.transaction('rw', tables, async (tx) => {
      markApplied(tx);
      const result: ApplyResult = { applied: 0, older: 0, renumbered: 0 };
      // Of several changes to one record in a batch, the latest counts.
      const latest = new Map<string, SyncRecord>();
      for (const r of records) {
        const seen = latest.get(r.key);
        if (!seen || seen.c < r.c) latest.set(r.key, r);
      }
      const list = [...latest.values()];
      const local = await db.syncClocks.bulkGet(list.map((r) => r.key));
      // Records this device has (or had): a deletion, or a message that may change stores, must
      // first take the old row out; any other record is simply written over.
      const known = new Set<string>();
      const toApply = list.filter((r, i) => {
        const l = local[i];
        if (l) known.add(r.key);
        const newer = !l || l.c < r.c;
        if (!newer) result.older++;
        return newer;
      });
      const sessions = new Set<string>();
      const activeBySession = new Map<string, MessageRow[]>();
      const deletes = new Map<SyncTable, RecordId[]>();
      const puts = new Map<SyncTable, object[]>();
      // Deleted records, read before they go: their sessions' counters change.
      const gone = new Map<SyncKind, RecordId[]>();
      const push = <K, T>(m: Map<K, T[]>, t: K, v: T) => {
        const l = m.get(t);
        if (l) l.push(v);
        else m.set(t, [v]);
      };
      for (const r of toApply) {
        pageClock.observe(r.c);
        const parsed = parseRecordKey(r.key);
        if (!parsed) continue;
        if (known.has(r.key) && (r.row === null || r.kind === 'message'))
          for (const t of SYNC_KINDS[r.kind]) push(deletes, t, parsed.id);
        const row = r.row as (Record<string, unknown> & { sessionId?: string }) | null;
        if (row && typeof row.sessionId === 'string') sessions.add(row.sessionId);
        if (row && r.kind === 'session') sessions.add(String(row.id));
        if (!row) push(gone, r.kind, parsed.id);
        // A deleted session's rows arrive as deletions of their own.
        if (!row) continue;
        if (r.kind === 'message' && r.store !== 'branchMessages') {
          const m = row as unknown as MessageRow;
          const list = activeBySession.get(m.sessionId) ?? [];
          list.push(m);
          activeBySession.set(m.sessionId, list);
        } else push(puts, r.kind === 'message' ? 'branchMessages' : SYNC_KINDS[r.kind][0], row);
      }
      for (const [kind, ids] of gone)
        if (kind !== 'session' && kind !== 'workspace' && kind !== 'command')
          for (const t of SYNC_KINDS[kind])
            for (const old of await db.table(t).bulkGet(ids))
              if (old) sessions.add((old as { sessionId: string }).sessionId);
      for (const [t, ids] of deletes) await db.table(t).bulkDelete(ids);
      for (const [t, rows] of puts) await db.table(t).bulkPut(rows);
      // Before the messages are placed: a message placed anew gets a newer clock of this device's.
      await db.syncClocks.bulkPut(toApply.map(({ key, c }): SyncClockRow => ({ key, c })));
      for (const [sessionId, rows] of activeBySession)
        result.renumbered += await placeMessages(db, sessionId, rows);
      result.applied = toApply.length;
      for (const id of sessions) await recount(db, id);
      if (checkpoint) await db.meta.put(checkpoint);
      return result;
    }),
  );
}

/** Puts a session's arriving active-path messages in place; returns how many were renumbered. */
async function placeMessages(db: TernDB, sessionId: string, rows: MessageRow[]): Promise<number> {
  const taken = await messagesAtSeqs(
    db,
    sessionId,
    rows.map((r) => r.seq),
  );
  const clash = new Set(rows.map((r) => r.seq)).size < rows.length || taken.length > 0;
  if (!clash) {
    await db.messages.bulkAdd(rows);
    return 0;
  }
  const from = Math.min(...[...taken, ...rows].map((r) => r.seq));
  const tail = await messagesFrom(db, sessionId, from);
  const before = new Map([...tail, ...rows].map((m) => [m.id, m.seq]));
  const ordered = [...tail, ...rows.filter((r) => r.seq >= from)].sort(byTime);
  await db.messages.bulkDelete(tail.map((m) => m.id));
  const placed = ordered.map((m, i) => ({ ...m, seq: from + i }));
  await db.messages.bulkAdd([...rows.filter((r) => r.seq < from), ...placed]);
  // A message whose place differs from the one the server holds is a change of this device's.
  const moved = placed.filter((m) => before.get(m.id) !== m.seq);
  await db.syncClocks.bulkPut(
    moved.map((m) => ({ key: recordKey('message', m.id), c: pageClock.tick(), dirty: 1 as const })),
  );
  return moved.length;
}

/** A session's counters from its rows (they are this device's to keep, never taken from another). */
async function recount(db: TernDB, sessionId: string): Promise<void> {
  const s = await db.sessions.get(sessionId);
  if (!s) return;
  let messageCount = 0;
  let totalTokens = 0;
  const add = (m: { tokens?: number | null }) => {
    messageCount++;
    totalTokens += typeof m.tokens === 'number' ? m.tokens : 0;
  };
  await sessionMessages(db, sessionId).each(add);
  await sessionBranchMessages(db, sessionId).each(add);
  const imageCount = await sessionImages(db, sessionId).count();
  const compactionCount = (await sessionCompactions(db, sessionId).toArray()).filter(
    (e) => e.revertedAt === null,
  ).length;
  const next = { messageCount, totalTokens, imageCount, compactionCount };
  if ((Object.keys(next) as (keyof typeof next)[]).some((k) => s[k] !== next[k]))
    await db.sessions.put({ ...s, ...next });
}
