// The layout a database really has at each version, read from IndexedDB itself, is the layout that
// version's file declares: created fresh, and reached by upgrading from version 1. The guard is shown
// to fire on each kind of drift. Runs in Node (fake-indexeddb) and in Chromium.
import { describe, expect, it } from 'vitest';
import { openTern } from '../../src/lib/db/lifecycle';
import { SCHEMA_HISTORY, toNativeVersion, type SchemaVersion } from '../../src/lib/db/schema';
import { freshDeps, rawDexie, type TestDeps } from '../helpers/db';
import { actualLayout, declaredLayout, layoutProblems } from '../helpers/layout';
import { seedAtVersion, v1Fixture } from './harness';

const upTo = (version: number): readonly SchemaVersion[] =>
  SCHEMA_HISTORY.filter((v) => v.version <= version);

async function openAt(deps: TestDeps, version: number): Promise<void> {
  const result = await openTern({ ...deps, appVersion: 'test', history: upTo(version) });
  if (result.kind !== 'ready') throw new Error(`v${version}: ${result.kind}`);
  result.db.close();
}

async function expectDeclared(deps: TestDeps, version: number): Promise<void> {
  const { version: native, layout } = await actualLayout(deps);
  expect(native).toBe(toNativeVersion(version));
  expect(layoutProblems(declaredLayout(upTo(version)), layout), `v${version}`).toEqual([]);
}

describe('the real layout at each version', () => {
  it('is the declared one for a database created at that version', async () => {
    for (const v of SCHEMA_HISTORY) {
      const deps = await freshDeps();
      await openAt(deps, v.version);
      await expectDeclared(deps, v.version);
    }
  });

  it('is the declared one at each step of an upgrade from version 1', async () => {
    const deps = await freshDeps();
    const f = v1Fixture(20);
    await seedAtVersion(deps, 1, { workspaces: f.workspaces, chats: f.chats });
    await expectDeclared(deps, 1);
    for (const v of SCHEMA_HISTORY.slice(1)) {
      await openAt(deps, v.version);
      await expectDeclared(deps, v.version);
    }
  });

  it('reads key paths and the unique, multiEntry and compound flags', async () => {
    const layout = declaredLayout(SCHEMA_HISTORY);
    expect(layout.messages?.indexes['[sessionId+seq]']).toEqual({
      keyPath: ['sessionId', 'seq'],
      unique: true,
      multiEntry: false,
    });
    expect(layout.messageArchive?.keyPath).toEqual(['eventId', 'messageId']);
    expect(layout.chats).toBeUndefined();
    // No version uses multiEntry or autoIncrement yet; the reading of both is checked anyway.
    const deps = await freshDeps();
    const probe: SchemaVersion = {
      version: 1,
      date: 'test',
      notes: [],
      stores: { tagged: '++n, *tags, &slug' },
    };
    await rawDexie(deps, [probe])
      .open()
      .then((db) => db.close());
    const { layout: real } = await actualLayout(deps);
    expect(real).toEqual(declaredLayout([probe]));
    expect(real.tagged).toEqual({
      keyPath: 'n',
      autoIncrement: true,
      indexes: {
        tags: { keyPath: 'tags', unique: false, multiEntry: true },
        slug: { keyPath: 'slug', unique: true, multiEntry: false },
      },
    });
  });
});

/** The history with one store of one version declared differently. */
function drifted(version: number, stores: Record<string, string | null>): SchemaVersion[] {
  return SCHEMA_HISTORY.map((v) =>
    v.version === version ? { ...v, stores: { ...v.stores, ...stores } } : v,
  );
}

/** The problems found in a database built from `real` when `SCHEMA_HISTORY` is what is declared. */
async function problemsOf(real: readonly SchemaVersion[]): Promise<string[]> {
  const deps = await freshDeps();
  const db = rawDexie(deps, real);
  await db.open();
  db.close();
  return layoutProblems(declaredLayout(SCHEMA_HISTORY), (await actualLayout(deps)).layout);
}

describe('the layout guard', () => {
  it('fires when a declared index is missing', async () => {
    const problems = await problemsOf(drifted(2, { messages: 'id, [openStatus+createdAt]' }));
    expect(problems).toEqual(['store messages: index [sessionId+seq] is declared but missing']);
  });

  it('fires on a store that is not declared', async () => {
    const problems = await problemsOf(drifted(3, { stray: 'id' }));
    expect(problems).toEqual(['store stray exists but is not declared']);
  });

  it('fires when a unique flag differs', async () => {
    const problems = await problemsOf(
      drifted(2, { messages: 'id, [sessionId+seq], [openStatus+createdAt]' }),
    );
    expect(problems).toEqual([
      'store messages: index [sessionId+seq] has unique false, declared true',
    ]);
  });

  it('fires on a different key path and on an index that is not declared', async () => {
    const problems = await problemsOf(drifted(2, { meta: 'name', workspaces: 'id, name' }));
    expect(problems).toEqual([
      'store workspaces: index name exists but is not declared',
      'store meta: key path "name", declared "key"',
    ]);
  });
});
