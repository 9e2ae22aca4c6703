// Test databases. In Node each test gets its own fake-indexeddb factory; in Chromium each gets the
// real IndexedDB with a unique name (all browser test files share one origin).
import Dexie from 'dexie';
import { createDatabase, type TernDB } from '../../src/lib/db/database';
import type { SchemaVersion } from '../../src/lib/db/schema';

export interface TestDeps {
  name: string;
  indexedDB: IDBFactory;
  IDBKeyRange: typeof IDBKeyRange;
}

export const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';

export async function freshDeps(prefix = 'tern-test'): Promise<TestDeps> {
  const name = `${prefix}-${crypto.randomUUID()}`;
  if (inBrowser) return { name, indexedDB, IDBKeyRange };
  const fake = await import('fake-indexeddb');
  return { name, indexedDB: new fake.IDBFactory(), IDBKeyRange: fake.IDBKeyRange };
}

export async function openTestDb(
  deps?: TestDeps,
  history?: readonly SchemaVersion[],
): Promise<{ db: TernDB; deps: TestDeps }> {
  const d = deps ?? (await freshDeps());
  const db = createDatabase({ ...d, ...(history ? { history } : {}) });
  await db.open();
  return { db, deps: d };
}

/** Opens a raw Dexie at exactly the given layout, without upgrades, to seed old databases. */
export function rawDexie(deps: TestDeps, versions: readonly SchemaVersion[]): Dexie {
  const db = new Dexie(deps.name, { indexedDB: deps.indexedDB, IDBKeyRange: deps.IDBKeyRange });
  for (const v of versions) db.version(v.version).stores({ ...v.stores });
  return db;
}

export async function deleteDb(deps: TestDeps): Promise<void> {
  await new Dexie(deps.name, { indexedDB: deps.indexedDB, IDBKeyRange: deps.IDBKeyRange }).delete();
}

/**
 * The search index is derived from the data (and its bookkeeping timed), and sync's clocks carry
 * the time they were written: neither is part of a snapshot.
 */
export const derivedRow = (table: string, row: unknown): boolean =>
  table.startsWith('search') ||
  table === 'syncClocks' ||
  (table === 'meta' && /^(search|sync):/.test(String((row as { key?: unknown } | null)?.key)));
