// The schema history as a whole: every version can be seeded and brought up to today, every
// upgrade function in it is exercised by that, and an upgrade that awaits something other than
// IndexedDB (and so lets its transaction commit half-done) is caught instead of passing silently.
import { describe, expect, it } from 'vitest';
import type { Transaction } from 'dexie';
import { openTern } from '../../src/lib/db/lifecycle';
import { checkIntegrity } from '../../src/lib/db/integrity';
import {
  CURRENT_VERSION,
  SCHEMA_HISTORY,
  upgradeMarkerKey,
  type SchemaVersion,
} from '../../src/lib/db/schema';
import { freshDeps, type TestDeps } from '../helpers/db';
import { seedAtVersion, v1Fixture } from './harness';
import { isTernError } from '../../src/lib/errors';
import { sleep } from '../helpers/sleep';

/** Data for a database at each historical version. A new version must add its seeder here. */
const T = 1_700_000_000_000;
const seededSession = {
  id: 's',
  workspaceId: 'w',
  title: 'Seeded',
  model: null,
  createdAt: T,
  updatedAt: T,
  lastActivityAt: T,
  deletedAt: null,
  messageCount: 1,
  imageCount: 0,
  totalTokens: 2,
  compactionCount: 0,
  metadata: {},
};
const seededMessage = {
  id: 'm',
  sessionId: 's',
  seq: 1,
  role: 'user' as const,
  content: 'hi',
  parts: [{ type: 'text' as const, text: 'hi' }],
  name: null,
  toolCallId: null,
  tokens: 2,
  status: 'complete' as const,
  preserved: false,
  metadata: {},
  createdAt: T,
  updatedAt: T,
};

const SEEDERS: Record<number, (deps: TestDeps) => Promise<void>> = {
  1: async (deps) => {
    const f = v1Fixture(50);
    await seedAtVersion(deps, 1, { workspaces: f.workspaces, chats: f.chats });
  },
  2: async (deps) => {
    await seedAtVersion(deps, 2, {
      workspaces: [{ id: 'w', name: 'W', createdAt: T, updatedAt: T }],
      sessions: [seededSession],
      messages: [seededMessage],
    });
  },
  // Version 3 with its index part-built: the message queued, the first pass not begun.
  3: async (deps) => {
    await seedAtVersion(deps, 3, {
      workspaces: [{ id: 'w', name: 'W', createdAt: T, updatedAt: T }],
      sessions: [seededSession],
      messages: [seededMessage],
      searchQueue: [{ key: 'm' }],
    });
  },
  // Version 4 with a version set aside: the reply before the one on screen, hanging off the root.
  4: async (deps) => {
    await seedAtVersion(deps, 4, {
      workspaces: [{ id: 'w', name: 'W', createdAt: T, updatedAt: T }],
      sessions: [{ ...seededSession, messageCount: 2, totalTokens: 4 }],
      messages: [seededMessage],
      branchMessages: [{ ...seededMessage, id: 'm-old', parentId: '', setAsideAt: T }],
      searchQueue: [{ key: 'm' }, { key: 'm-old' }],
    });
  },
  // Version 5 part-stamped: the session's clock sent, the message's waiting, the rest not stamped.
  5: async (deps) => {
    await seedAtVersion(deps, 5, {
      workspaces: [{ id: 'w', name: 'W', createdAt: T, updatedAt: T }],
      sessions: [{ ...seededSession, messageCount: 2, totalTokens: 4 }],
      messages: [seededMessage],
      branchMessages: [{ ...seededMessage, id: 'm-old', parentId: '', setAsideAt: T }],
      syncClocks: [
        { key: 'session|s', c: '00lox2yh4.0000.0' },
        { key: 'message|m', c: '00lox2yh4.0000.0', dirty: 1 },
      ],
    });
  },
};

describe('the schema history', () => {
  it('has a seeder for every version', () => {
    for (const v of SCHEMA_HISTORY)
      expect(SEEDERS[v.version], `seeder for v${v.version}`).toBeTypeOf('function');
  });

  it('brings every historical version up to today with integrity green, running every upgrade', async () => {
    const ran = new Set<number>();
    for (const v of SCHEMA_HISTORY) {
      const deps = await freshDeps();
      await SEEDERS[v.version]?.(deps);
      const result = await openTern({ ...deps, appVersion: 'test' });
      if (result.kind !== 'ready') throw new Error(`v${v.version}: ${result.kind}`);
      expect(result.db.verno).toBe(CURRENT_VERSION);
      expect((await checkIntegrity(result.db)).issues, `from v${v.version}`).toEqual([]);
      for (const u of SCHEMA_HISTORY)
        if (await result.db.meta.get(upgradeMarkerKey(u.version))) ran.add(u.version);
      result.db.close();
    }
    const withUpgrade = SCHEMA_HISTORY.filter((v) => v.upgrade).map((v) => v.version);
    expect(withUpgrade.length).toBeGreaterThan(0);
    expect([...ran].sort()).toEqual(withUpgrade.sort());
  });

  it('catches an upgrade that awaits something other than IndexedDB', async () => {
    const deps = await freshDeps();
    await SEEDERS[1]?.(deps);
    const careless: SchemaVersion = {
      version: CURRENT_VERSION + 1,
      date: 'test',
      notes: ['awaits a timer inside the upgrade'],
      stores: {},
      async upgrade(tx: Transaction) {
        await sleep(30);
        // By now the versionchange transaction has committed: this write cannot land.
        await tx
          .table('sessions')
          .toCollection()
          .modify((s: { title: string }) => {
            s.title = 'renamed';
          })
          .catch(() => {
            throw new Error('transaction already committed');
          });
      },
    };
    const error = await openTern({
      ...deps,
      appVersion: 'test',
      history: [...SCHEMA_HISTORY, careless],
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isTernError(error, 'upgrade-incomplete')).toBe(true);
  });

  it('runs a correct later upgrade and records it', async () => {
    const deps = await freshDeps();
    await SEEDERS[1]?.(deps);
    const careful: SchemaVersion = {
      version: CURRENT_VERSION + 1,
      date: 'test',
      notes: ['adds a title prefix, awaiting only IndexedDB'],
      stores: {},
      async upgrade(tx: Transaction) {
        await tx
          .table('sessions')
          .toCollection()
          .modify((s: { title: string }) => {
            s.title = `≫ ${s.title}`;
          });
      },
    };
    const result = await openTern({
      ...deps,
      appVersion: 'test',
      history: [...SCHEMA_HISTORY, careful],
    });
    if (result.kind !== 'ready') throw new Error(result.kind);
    const titles = (await result.db.sessions.toArray()).map((s) => s.title);
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.every((t) => t.startsWith('≫ Legacy Chat'))).toBe(true);
    expect(await result.db.meta.get(upgradeMarkerKey(CURRENT_VERSION + 1))).toBeDefined();
    result.db.close();
  });
});
