import { describe, expect, it } from 'vitest';
import { openTern } from '../../src/lib/db/lifecycle';
import { createDatabase } from '../../src/lib/db/database';
import { appendMessage } from '../../src/lib/domain/messages';
import { SCHEMA_HISTORY, CURRENT_VERSION } from '../../src/lib/db/schema';
import { isTernError } from '../../src/lib/errors';
import { freshDeps } from '../helpers/db';
import { newSession } from '../helpers/builders';

describe('opening the database', () => {
  it('opens a newer database read-only: reads work, every write is refused, nothing changes', async () => {
    const deps = await freshDeps();
    const first = await openTern({ ...deps, appVersion: 't' });
    if (first.kind !== 'ready') throw new Error(first.kind);
    const s = await newSession(first.db, { title: 'Kept' });
    first.db.close();
    const future = createDatabase({
      ...deps,
      history: [
        ...SCHEMA_HISTORY,
        { version: CURRENT_VERSION + 5, date: 't', notes: [], stores: { futureThing: 'id' } },
      ],
    });
    await future.open();
    future.close();

    const result = await openTern({ ...deps, appVersion: 't' });
    expect(result.kind).toBe('read-only');
    if (result.kind !== 'read-only') return;
    expect(result.storedVersion).toBe(CURRENT_VERSION + 5);
    expect((await result.db.sessions.get(s.id))?.title).toBe('Kept');
    const error = await appendMessage(result.db, s.id, { role: 'user', content: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(isTernError(error, 'read-only')).toBe(true);
    expect(await result.db.messages.count()).toBe(0);
    expect(result.db.backendDB().version).toBe((CURRENT_VERSION + 5) * 10);
    result.db.close();
  });

  it('closes for good when another connection upgrades, and never reopens silently', async () => {
    const deps = await freshDeps();
    const changes: (number | null)[] = [];
    const result = await openTern({
      ...deps,
      appVersion: 't',
      handlers: { onVersionChange: (v) => changes.push(v) },
    });
    if (result.kind !== 'ready') throw new Error(result.kind);
    const newer = createDatabase({
      ...deps,
      history: [
        ...SCHEMA_HISTORY,
        { version: CURRENT_VERSION + 1, date: 't', notes: [], stores: {} },
      ],
    });
    await newer.open();
    expect(changes).toEqual([CURRENT_VERSION + 1]);
    const error = await newSession(result.db).catch((e: unknown) => e);
    expect(isTernError(error, 'database-closed')).toBe(true);
    expect(result.db.isOpen()).toBe(false);
    newer.close();
  });

  it('waits while an older connection stays open, telling the user, then upgrades', async () => {
    const deps = await freshDeps();
    const old = createDatabase({ ...deps, history: SCHEMA_HISTORY.slice(0, 1) });
    await old.open();
    old.on('versionchange', () => false); // an old tab that does not let go
    let blocked = 0;
    const opening = openTern({
      ...deps,
      appVersion: 't',
      handlers: { onBlocked: () => blocked++ },
    });
    // The old tab blocks once the pre-upgrade snapshot is taken, which takes longer on a busy machine.
    await expect.poll(() => blocked, { timeout: 10_000 }).toBeGreaterThan(0);
    old.close();
    const result = await opening;
    expect(result.kind).toBe('ready');
    result.db.close();
  });

  it('runs in memory, and says so, when IndexedDB is unusable', async () => {
    const deps = await freshDeps();
    const broken = {
      open: () => {
        throw new DOMException('no', 'InvalidStateError');
      },
    } as unknown as IDBFactory;
    const result = await openTern({
      name: deps.name,
      indexedDB: broken,
      appVersion: 't',
      memoryFallback: () =>
        Promise.resolve({ indexedDB: deps.indexedDB, IDBKeyRange: deps.IDBKeyRange }),
    });
    expect(result.kind).toBe('memory');
    const s = await newSession(result.db);
    expect((await result.db.sessions.get(s.id))?.id).toBe(s.id);
    await expect(
      openTern({ name: deps.name, indexedDB: broken, appVersion: 't' }),
    ).rejects.toMatchObject({
      code: 'storage-unavailable',
    });
  });
});
