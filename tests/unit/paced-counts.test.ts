// The sidebar's sessions per workspace follow writes at a steady pace: a burst of writes (an import
// writes a chunk of conversations per transaction) makes the count run again a bounded number of
// times, and the last answer is the library as it ends up, in this database and no other.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/lib/db/database';
import { countSessionsByWorkspace, trashSession } from '../../src/lib/domain/sessions';
import { followPaced } from '../../src/lib/state/paced.svelte';
import { newSession } from '../helpers/builders';
import { openTestDb } from '../helpers/db';
import { sleep } from '../helpers/sleep';

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

describe('counts that follow writes at a pace', () => {
  it('counts again at most once per interval during a burst of writes, ending on the truth', async () => {
    const { db } = await openTestDb();
    let runs = 0;
    const seen: number[] = [];
    stops.push(
      followPaced(
        db.name,
        ['sessions'],
        async () => {
          runs++;
          return countSessionsByWorkspace(db);
        },
        200,
        (counts) => seen.push(counts.get(DEFAULT_WORKSPACE_ID) ?? 0),
      ),
    );
    await sleep(50);
    expect(seen).toEqual([0]);

    const started = performance.now();
    for (let i = 0; i < 60; i++) await newSession(db, { title: `s${i}` });
    const elapsed = performance.now() - started;
    await sleep(500);
    // One run at the start, then at most one per 200 ms of writing, and one after the last write.
    expect(runs).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 200) + 1);
    expect(runs).toBeLessThan(60);
    expect(seen.at(-1)).toBe(60);

    // A trashed session is still stored: the sidebar takes the trash apart from this count.
    const first = (await db.sessions.toCollection().first())!;
    await trashSession(db, first.id);
    await sleep(300);
    expect(seen.at(-1)).toBe(60);
  });

  it('does not wake for writes to other tables or other databases, and stops when asked', async () => {
    const { db } = await openTestDb();
    const { db: other } = await openTestDb();
    let runs = 0;
    const stop = followPaced(
      db.name,
      ['sessions'],
      () => Promise.resolve(++runs),
      20,
      () => undefined,
    );
    await sleep(50);
    expect(runs).toBe(1);
    await other.sessions.put({ ...(await newSession(other)), title: 'elsewhere' });
    await db.meta.put({ key: 'unrelated', value: 1 });
    await sleep(100);
    expect(runs).toBe(1);
    await newSession(db);
    await sleep(100);
    expect(runs).toBe(2);
    stop();
    await newSession(db);
    await sleep(100);
    expect(runs).toBe(2);
  });
});
