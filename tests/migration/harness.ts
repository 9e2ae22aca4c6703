// Seeds a database at any historical schema version, exactly as the code of that release would
// have left it: the layout of every version up to `version`, no upgrades, then the given rows.
import { SCHEMA_HISTORY } from '../../src/lib/db/schema';
import type { V1ChatRow, V1WorkspaceRow } from '../../src/lib/db/schema/v1-rows';
import { rawDexie, type TestDeps } from '../helpers/db';

export async function seedAtVersion(
  deps: TestDeps,
  version: number,
  rows: Record<string, readonly unknown[]>,
): Promise<void> {
  const versions = SCHEMA_HISTORY.filter((v) => v.version <= version);
  if (versions[versions.length - 1]?.version !== version)
    throw new Error(`no schema version ${version} in the history`);
  const db = rawDexie(deps, versions);
  await db.open();
  await db.transaction('rw', db.tables, async () => {
    for (const [table, data] of Object.entries(rows)) await db.table(table).bulkAdd([...data]);
  });
  db.close();
}

export interface V1Fixture {
  workspaces: V1WorkspaceRow[];
  chats: V1ChatRow[];
}

/** A small deterministic generator, so fixtures are varied but the same on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = [
  'Hello there',
  '',
  'Multi\nline\r\nwith tabs\tand trailing space ',
  '日本語のテキスト',
  'emoji 👋🏽 and a lone surrogate \uD800 kept as is',
  '<script>alert(1)</script>',
  '{"json": "looking", "__proto__": {"polluted": true}}',
  'x'.repeat(5000),
];

/**
 * The version-1 data every migration test starts from: several workspaces, one with no chats,
 * chats spread over them, a chat whose workspace row is missing, chats in the same millisecond,
 * and `bigWorkspaceChats` chats in one workspace.
 */
export function v1Fixture(bigWorkspaceChats = 3000): V1Fixture {
  const rand = rng(42);
  const workspaces: V1WorkspaceRow[] = [
    { id: 'ws-a', name: 'Alpha', createdAt: 1_600_000_000_000 },
    { id: 'ws-b', name: 'Beta ✨', createdAt: 1_600_000_100_000 },
    { id: 'ws-empty', name: 'Nothing here', createdAt: 1_600_000_200_000 },
    { id: 'ws-big', name: 'Big', createdAt: 1_600_000_300_000 },
  ];
  const roles: V1ChatRow['role'][] = ['user', 'assistant', 'system'];
  const chats: V1ChatRow[] = [];
  let n = 0;
  const add = (workspaceId: string, createdAt: number, content?: string) =>
    chats.push({
      id: `chat-${(n++).toString(36).padStart(5, '0')}-${Math.floor(rand() * 1e6)}`,
      workspaceId,
      role: roles[Math.floor(rand() * roles.length)] ?? 'user',
      content: content ?? TEXTS[Math.floor(rand() * TEXTS.length)] ?? '',
      createdAt,
    });
  for (let i = 0; i < 40; i++)
    add(i % 3 ? 'ws-a' : 'ws-b', 1_600_001_000_000 + Math.floor(rand() * 1e7));
  // Five chats in the same millisecond: order must fall back to the id, stably.
  for (let i = 0; i < 5; i++) add('ws-a', 1_600_002_000_000);
  add('ws-deleted', 1_600_003_000_000, 'my workspace row is gone');
  add('ws-deleted', 1_600_003_000_001, 'me too');
  for (let i = 0; i < bigWorkspaceChats; i++) add('ws-big', 1_600_004_000_000 + i * 1000);
  // Insertion order differs from time order, as it would after edits and imports.
  chats.sort(() => rand() - 0.5);
  return { workspaces, chats };
}

/** What the v1 → v2 backfill must produce for a fixture: chats per workspace in order. */
export function expectedOrder(fixture: V1Fixture): Map<string, V1ChatRow[]> {
  const out = new Map<string, V1ChatRow[]>();
  for (const c of fixture.chats) {
    const list = out.get(c.workspaceId) ?? [];
    list.push(c);
    out.set(c.workspaceId, list);
  }
  for (const list of out.values())
    list.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}
