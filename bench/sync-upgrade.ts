// The version 5 upgrade and the stamping of every record after it, run in real Chromium by
// bench/run.mjs (through storage.ts), beside a raw pass over the same rows in the same page. Also
// what the stamp costs every write from then on: appending messages with and without sync's
// middleware, same rows, same run. Plain numbers out.
import { createDatabase, type TernDB } from '../src/lib/db/database';
import { SCHEMA_HISTORY } from '../src/lib/db/schema';
import { runSyncBackfill } from '../src/lib/domain/sync/backfill';
import { messageRow, rawRewrite, rng, sessionRow, text } from './page-rows';

const T0 = 1_700_000_000_000;

async function seed(db: TernDB, sessions: number, perSession: number): Promise<number> {
  const rand = rng(5);
  let n = 0;
  for (let b = 0; b < sessions; b += 500) {
    const ss = Array.from({ length: Math.min(500, sessions - b) }, (_, i) =>
      sessionRow(`s${b + i}`, T0 + b + i, perSession),
    );
    const rows = ss.flatMap((s) =>
      Array.from({ length: perSession }, (_, j) => messageRow(s.id, j + 1, T0 + j, text(rand))),
    );
    n += rows.length;
    await db.transaction('rw', db.sessions, db.messages, async () => {
      await db.sessions.bulkAdd(ss);
      await db.messages.bulkAdd(rows);
    });
  }
  return n;
}

/**
 * `sessions` × 20 messages seeded at version 4; the open at version 5 (the upgrade), then the
 * background stamping of every record (with the page's longest task while it runs), then the raw
 * floor over the same messages.
 */
async function upgradeV5Run(sessions: number) {
  await new Promise<void>((r) => {
    const req = indexedDB.deleteDatabase('tern');
    req.onsuccess = req.onerror = () => r();
  });
  const v4 = createDatabase({ name: 'tern', history: SCHEMA_HISTORY.slice(0, 4) });
  await v4.open();
  const messages = await seed(v4, sessions, 20);
  v4.close();
  const db = createDatabase({ history: SCHEMA_HISTORY });
  let t = performance.now();
  await db.open();
  const upgradeMs = performance.now() - t;
  let longest = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
  });
  obs.observe({ type: 'longtask', buffered: false });
  t = performance.now();
  await runSyncBackfill(db);
  const stampMs = performance.now() - t;
  obs.disconnect();
  const clocks = await db.syncClocks.count();
  db.close();
  const rawMs = (await rawRewrite('messages')).ms;
  return { upgradeMs, stampMs, longestTaskMs: longest, rawMs, messages, clocks };
}

/** Appends `n` messages one by one at version 4 and at version 5 (stamped): p50 of each. */
async function stampCostRun(n: number) {
  const one = async (name: string, history: typeof SCHEMA_HISTORY) => {
    const db = createDatabase({ name, history });
    await db.open();
    await db.sessions.add(sessionRow('s', T0, 0));
    const rand = rng(9);
    const samples: number[] = [];
    for (let i = 1; i <= n; i++) {
      const row = messageRow('s', i, T0 + i, text(rand));
      const t = performance.now();
      await db.transaction('rw', db.messages, db.sessions, async () => {
        await db.messages.add(row);
        await db.sessions.update('s', { messageCount: i });
      });
      samples.push(performance.now() - t);
    }
    db.close();
    await db.delete();
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)] ?? 0;
  };
  const without = await one('tern-stamp-v4', SCHEMA_HISTORY.slice(0, 4));
  const stamped = await one('tern-stamp-v5', SCHEMA_HISTORY);
  return { without, stamped, n };
}

export const syncUpgradeBench = { upgradeV5Run, stampCostRun };
