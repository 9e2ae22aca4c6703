// The v1 → v2 upgrade is shipped: whatever its code looks like, its output must stay byte for byte
// what it was when it shipped. The digests below were taken from the shipped code; a difference
// means the upgrade now writes something else. Runs in Node and in Chromium.
import { describe, expect, it } from 'vitest';
import { openTern } from '../../src/lib/db/lifecycle';
import { SCHEMA_HISTORY } from '../../src/lib/db/schema';
import type { V1ChatRow, V1WorkspaceRow } from '../../src/lib/db/schema/v1-rows';
import { v1ToV2 } from '../../src/lib/db/transforms/v1-to-v2';
import { freshDeps } from '../helpers/db';
import { seedAtVersion, v1Fixture } from './harness';

/**
 * Rows as old databases and old files really hold them: wrong roles, non-string content, unusable
 * workspace ids and times, numeric ids, workspace rows with fields of their own.
 */
function oddFixture(): { workspaces: V1WorkspaceRow[]; chats: V1ChatRow[] } {
  // Deliberately outside the declared types: the transform must cope with what is really stored.
  const odd = <T>(row: Record<string, unknown>): T => row as T;
  return {
    workspaces: [
      { id: 'ws-a', name: 'A', createdAt: 10 },
      odd({ id: 'ws-odd', name: 42, createdAt: Number.NaN, colour: 'teal' }),
      odd({ id: 'ws-none' }),
    ],
    chats: [
      odd({ id: 'c1', workspaceId: 'ws-a', role: 'tool', content: 'tool said', createdAt: 20 }),
      odd({ id: 'c2', workspaceId: 'ws-a', role: 'robot', content: 7, createdAt: 20 }),
      odd({ id: 'c3', workspaceId: 'ws-a', role: 'user', content: null, createdAt: 5 }),
      odd({ id: 'c4', workspaceId: 'ws-a', role: 'assistant', createdAt: 30 }),
      odd({ id: 'c5', workspaceId: '', role: 'user', content: 'blank ws', createdAt: 1 }),
      odd({ id: 'c6', role: 'user', content: 'no ws', createdAt: Number.POSITIVE_INFINITY }),
      odd({ id: 77, workspaceId: 9, role: 'system', content: '', createdAt: '12' }),
      odd({ id: 'c8', workspaceId: 'ws-odd', role: 'user', content: 'x', createdAt: -0 }),
      odd({ id: 'c9', workspaceId: 'ws-gone', role: 'assistant', content: 'y', createdAt: 3 }),
    ],
  };
}

/** JSON that also tells undefined, NaN, ±Infinity and -0 apart, keys in their own order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === undefined) return '\u0000undefined';
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `\u0000${v}`;
    return v;
  });
}

async function sha256(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const DIGESTS = {
  transformFixture: '550170229f34af575cd903ba193eb23f75bed403704d5709a3fccb943656b3d4',
  transformOdd: '53f3edcc35f82b61ed6ea8414992ed48224be5723039571ec408348a151de9a5',
  upgradeFixture: 'b8e046c7a4d47545360bbf2a76786ce59ef93ad00b5faa88c00b8ed5ae3b757c',
  upgradeOdd: '87094b32f3ac850996fd4d58fc1710ccd0bd221409bf976b23bb77a08d40ca25',
};

async function upgradeOutput(rows: {
  workspaces: readonly V1WorkspaceRow[];
  chats: readonly V1ChatRow[];
}): Promise<string> {
  const deps = await freshDeps();
  await seedAtVersion(deps, 1, { workspaces: rows.workspaces, chats: rows.chats });
  const result = await openTern({
    ...deps,
    appVersion: 'test',
    history: SCHEMA_HISTORY.slice(0, 2),
  });
  if (result.kind !== 'ready') throw new Error(result.kind);
  const db = result.db;
  const out = {
    workspaces: await db.workspaces.toArray(),
    sessions: await db.sessions.toArray(),
    messages: await db.messages.toArray(),
  };
  db.close();
  return canonical(out);
}

describe('the v1 → v2 upgrade output', () => {
  it('is what the shipped transform returned, for the history fixture and for odd rows', async () => {
    const fixture = v1Fixture();
    expect(await sha256(canonical(v1ToV2(fixture)))).toBe(DIGESTS.transformFixture);
    expect(await sha256(canonical(v1ToV2(oddFixture())))).toBe(DIGESTS.transformOdd);
  });

  it('is what the shipped upgrade wrote to the database', async () => {
    expect(await sha256(await upgradeOutput(v1Fixture(500)))).toBe(DIGESTS.upgradeFixture);
    expect(await sha256(await upgradeOutput(oddFixture()))).toBe(DIGESTS.upgradeOdd);
  });
});
