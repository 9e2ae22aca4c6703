// Version 4 keeps every version of a conversation as a tree. Runs in Node (fake-indexeddb) and in
// real Chromium (the browser project includes this folder). Seeded at versions 1, 2 and 3, brought
// to version 3, then opened at version 4: every session is a one-branch tree (its active path, in
// `messages`, with nothing set aside) and no row of any store changed, byte for byte.
import { describe, expect, it } from 'vitest';
import type { TernDB } from '../../src/lib/db/database';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { openTern } from '../../src/lib/db/lifecycle';
import { SCHEMA_HISTORY, upgradeMarkerKey } from '../../src/lib/db/schema';
import type { MessageRow, SessionRow } from '../../src/lib/db/rows';
import { versionsOf } from '../../src/lib/domain/branches';
import { messageRow, sessionRow } from '../helpers/builders';
import { freshDeps, type TestDeps } from '../helpers/db';
import { seedAtVersion, v1Fixture } from './harness';

const T = 1_700_000_000_000;

function library(sessions: number, perSession: number) {
  const s: SessionRow[] = [];
  const m: MessageRow[] = [];
  for (let i = 0; i < sessions; i++) {
    const id = `s${i}`;
    let tokens = 0;
    for (let k = 1; k <= perSession; k++) {
      const t = k % 3 === 0 ? null : k * 7 + i;
      tokens += t ?? 0;
      m.push(
        messageRow(
          {
            id: `${id}-${k}`,
            sessionId: id,
            // Gaps in seq, as deletes leave them: order, not numbering, is what the upgrade keeps.
            seq: k * 2,
            role: k % 2 ? 'user' : 'assistant',
            content:
              k === 3 ? 'emoji 👋🏽, a lone surrogate \uD800 and\r\nlines' : `message ${i}.${k}`,
            parts: k === 4 ? [{ type: 'text', text: `part ${k}` }] : [],
            tokens: t,
            status: k === perSession && i === 0 ? 'error' : 'complete',
            preserved: k === 1,
            metadata: k === 2 ? { note: 'kept' } : {},
          },
          T + i * 1000 + k,
        ),
      );
    }
    s.push(
      sessionRow(
        {
          id,
          workspaceId: 'w',
          title: `Session ${i}`,
          lastActivityAt: T + i * 1000,
          deletedAt: i === 2 ? T + 5 : null,
          messageCount: perSession,
          totalTokens: tokens,
        },
        T + i,
      ),
    );
  }
  return { sessions: s, messages: m };
}

const workspaces = [{ id: 'w', name: 'W', createdAt: T, updatedAt: T }];

const SEED: Record<number, (deps: TestDeps) => Promise<void>> = {
  1: async (deps) => {
    const f = v1Fixture(60);
    await seedAtVersion(deps, 1, { workspaces: f.workspaces, chats: f.chats });
  },
  2: (deps) => seedAtVersion(deps, 2, { workspaces, ...library(12, 9) }),
  // With the index part-built: some texts queued, the first pass not begun.
  3: (deps) =>
    seedAtVersion(deps, 3, {
      workspaces,
      ...library(12, 9),
      searchQueue: [{ key: 's1-1' }, { key: 's4-9' }],
    }),
};

/** Every row of every store, in key order, as text: what "nothing changed" is compared on. */
async function dump(db: TernDB): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of db.tables) {
    // The upgrade writes its own marker into meta; everything else there must stay.
    const rows = (await t.toArray()).filter(
      (r: { key?: unknown }) => !(t.name === 'meta' && r.key === upgradeMarkerKey(4)),
    );
    out[t.name] = JSON.stringify(rows);
  }
  return out;
}

async function openAt(deps: TestDeps, version: number): Promise<TernDB> {
  const history = SCHEMA_HISTORY.filter((v) => v.version <= version);
  const result = await openTern({ ...deps, appVersion: 'test', history });
  if (result.kind !== 'ready') throw new Error(`v${version}: ${result.kind}`);
  return result.db;
}

describe('upgrading to version 4 (trees of versions)', () => {
  for (const from of [1, 2, 3])
    it(`makes every session seeded at version ${from} a one-branch tree, changing nothing else`, async () => {
      const deps = await freshDeps();
      await SEED[from]?.(deps);
      const v3 = await openAt(deps, 3);
      expect(v3.verno).toBe(3);
      const before = await dump(v3);
      const sessions = await v3.sessions.toArray();
      expect(sessions.length).toBeGreaterThan(0);
      v3.close();

      const db = await openAt(deps, 4);
      expect(db.verno).toBe(4);
      expect(await db.meta.get(upgradeMarkerKey(4))).toBeDefined();
      expect(await db.branchMessages.count()).toBe(0);
      const after = await dump(db);
      const { branchMessages, ...rest } = after;
      expect(branchMessages).toBe('[]');
      expect(rest).toEqual(before);
      for (const s of sessions) {
        const path = await db.messages
          .where('[sessionId+seq]')
          .between([s.id, 0], [s.id, Infinity])
          .toArray();
        // Counters still count exactly the messages of the one branch.
        expect(path.length).toBe(s.messageCount);
        expect(await versionsOf(db, s.id, path, true)).toEqual(new Map());
      }
      expect((await checkIntegrity(db)).issues).toEqual([]);
      db.close();
    });
});
