// Version 5 gives every record a clock for sync. Runs in Node (fake-indexeddb) and in real
// Chromium (the browser project includes this folder). Seeded at versions 1 to 4, brought to
// version 4, then opened at version 5: the upgrade itself changes no row and adds an empty clock
// store; the stamping after the open gives every record one clock of its own last change, marked
// unsent, and resumes from its watermark when the tab closes midway.
import { describe, expect, it } from 'vitest';
import type { TernDB } from '../../src/lib/db/database';
import { openTern } from '../../src/lib/db/lifecycle';
import { clockAt } from '../../src/lib/db/hlc';
import { SCHEMA_HISTORY, upgradeMarkerKey } from '../../src/lib/db/schema';
import type { BranchMessageRow, MessageRow, SessionRow } from '../../src/lib/db/rows';
import { SYNC_BACKFILL_KEY } from '../../src/lib/db/sync-clock';
import { idOfRow, KIND_OF_TABLE, recordKey, type SyncTable } from '../../src/lib/db/sync-kinds';
import { runSyncBackfill, stampBatch } from '../../src/lib/domain/sync/backfill';
import { messageRow, sessionRow } from '../helpers/builders';
import { freshDeps, type TestDeps } from '../helpers/db';
import { seedAtVersion, v1Fixture } from './harness';

const T = 1_700_000_000_000;

function library(sessions: number, perSession: number) {
  const s: SessionRow[] = [];
  const m: MessageRow[] = [];
  for (let i = 0; i < sessions; i++) {
    const id = `s${i}`;
    for (let k = 1; k <= perSession; k++)
      m.push(messageRow({ id: `${id}-${k}`, sessionId: id, seq: k }, T + i * 1000 + k));
    s.push(sessionRow({ id, workspaceId: 'w', messageCount: perSession }, T + i));
  }
  return { sessions: s, messages: m };
}

const workspaces = [{ id: 'w', name: 'W', createdAt: T, updatedAt: T + 7 }];
const aside: BranchMessageRow = {
  ...messageRow({ id: 'b1', sessionId: 's0', seq: 2 }, T + 50),
  parentId: 's0-1',
  setAsideAt: T + 60,
};

const SEED: Record<number, (deps: TestDeps) => Promise<void>> = {
  1: async (deps) => {
    const f = v1Fixture(300);
    await seedAtVersion(deps, 1, { workspaces: f.workspaces, chats: f.chats });
  },
  2: (deps) => seedAtVersion(deps, 2, { workspaces, ...library(30, 40) }),
  3: (deps) => seedAtVersion(deps, 3, { workspaces, ...library(30, 40) }),
  4: (deps) => seedAtVersion(deps, 4, { workspaces, ...library(30, 40), branchMessages: [aside] }),
};

const SYNCED: SyncTable[] = [...KIND_OF_TABLE.keys()] as SyncTable[];

async function dump(db: TernDB): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of db.tables) {
    if (t.name === 'syncClocks') continue;
    const rows = (await t.toArray()).filter(
      (r: { key?: unknown }) =>
        !(t.name === 'meta' && (r.key === upgradeMarkerKey(5) || r.key === SYNC_BACKFILL_KEY)),
    );
    out[t.name] = JSON.stringify(rows);
  }
  return out;
}

/** The clock each record should get: its own last change time. */
async function expectedClocks(db: TernDB): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const table of SYNCED) {
    const kind = KIND_OF_TABLE.get(table);
    if (!kind) continue;
    for (const row of (await db.table(table).toArray()) as Record<string, unknown>[]) {
      const at = ['updatedAt', 'lastActivityAt', 'lastUsedAt', 'archivedAt', 'createdAt']
        .map((f) => row[f])
        .find((v) => typeof v === 'number') as number;
      out.set(recordKey(kind, idOfRow(table, row)), clockAt(at));
    }
  }
  return out;
}

async function openAt(deps: TestDeps, version: number): Promise<TernDB> {
  const history = SCHEMA_HISTORY.filter((v) => v.version <= version);
  const result = await openTern({ ...deps, appVersion: 'test', history });
  if (result.kind !== 'ready') throw new Error(`v${version}: ${result.kind}`);
  return result.db;
}

describe('upgrading to version 5 (a clock per record)', () => {
  for (const from of [1, 2, 3, 4])
    it(`stamps every record seeded at version ${from} after the open, changing no row`, async () => {
      const deps = await freshDeps();
      await SEED[from]?.(deps);
      const v4 = await openAt(deps, 4);
      const before = await dump(v4);
      v4.close();

      const db = await openAt(deps, 5);
      expect(db.verno).toBe(5);
      expect(await db.meta.get(upgradeMarkerKey(5))).toBeDefined();
      expect(await db.syncClocks.count()).toBe(0);
      expect(await dump(db)).toEqual(before);

      // A first batch, then the tab closes; the next start goes on from the watermark.
      expect(await stampBatch(db)).toBe(true);
      db.close();
      const again = await openAt(deps, 5);
      await runSyncBackfill(again, async () => {});
      const want = await expectedClocks(again);
      expect(want.size).toBeGreaterThan(100);
      const clocks = await again.syncClocks.toArray();
      expect(clocks.length).toBe(want.size);
      for (const c of clocks) {
        expect(c.c).toBe(want.get(c.key));
        expect(c.dirty).toBe(1);
      }
      expect(await dump(again)).toEqual(before);
      expect(((await again.meta.get(SYNC_BACKFILL_KEY))?.value as { done: boolean }).done).toBe(
        true,
      );
      again.close();
    });

  it('leaves a fresh database with nothing to stamp, and stamps what the app writes', async () => {
    const deps = await freshDeps();
    const db = await openAt(deps, 5);
    expect(await stampBatch(db)).toBe(false);
    await db.workspaces.put({ id: 'x', name: 'X', createdAt: T, updatedAt: T });
    const clock = await db.syncClocks.get(recordKey('workspace', 'x'));
    expect(clock?.dirty).toBe(1);
    db.close();
  });
});
