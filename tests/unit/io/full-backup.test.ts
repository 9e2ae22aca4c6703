// dexie-export-import reads Blobs with FileReader and looks for `self`; Node has neither.
import './file-reader-shim';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/lib/db/database';
import { listSnapshots } from '../../../src/lib/db/snapshots';
import { backupDatabase, restoreDatabase } from '../../../src/lib/domain/full-backup';
import { addImage } from '../../../src/lib/domain/images';
import { appendMessage } from '../../../src/lib/domain/messages';
import { setAsideFrom } from '../../../src/lib/domain/branches';
import { integrityIssues, snapshot } from './helpers';
import { newSession } from '../../helpers/builders';

describe('whole-database backup and restore', () => {
  it('restores every row, Blobs included, after the live data changed, keeping a pre-restore backup', async () => {
    const name = `tern-${crypto.randomUUID()}`;
    const db = createDatabase({ name });
    await db.open();
    const s = await newSession(db, { title: 'Kept 日本' });
    await appendMessage(db, s.id, { role: 'user', content: 'héllo 👋' });
    const old = await appendMessage(db, s.id, { role: 'assistant', content: 'first version' });
    await setAsideFrom(db, s.id, old.seq);
    await appendMessage(db, s.id, { role: 'assistant', content: 'second version' });
    await addImage(db, {
      sessionId: s.id,
      blob: new Blob([new Uint8Array([9, 8, 7])], { type: 'image/png' }),
    });
    const before = await snapshot(db);
    expect(before.branchMessages).toHaveLength(1);
    const seen: number[] = [];
    const file = await backupDatabase(db, (done) => seen.push(done));
    expect(seen.length).toBeGreaterThan(0);

    await appendMessage(db, s.id, { role: 'user', content: 'after the backup' });
    db.close();
    await restoreDatabase(file, { name, appVersion: 'test' });
    const again = createDatabase({ name });
    await again.open();
    expect(await snapshot(again)).toEqual(before);
    expect(await integrityIssues(again)).toEqual([]);
    expect(
      (await listSnapshots({ name })).some(
        (b) => b.reason === 'pre-restore' && b.sourceName === name,
      ),
    ).toBe(true);
    again.close();
  });

  it('refuses a damaged file and leaves the live database as it was', async () => {
    const name = `tern-${crypto.randomUUID()}`;
    const db = createDatabase({ name });
    await db.open();
    const s = await newSession(db, { title: 'Mine' });
    await appendMessage(db, s.id, { role: 'user', content: 'stay' });
    const before = await snapshot(db);
    const good = await (await backupDatabase(db)).text();
    db.close();
    for (const text of ['nonsense', good.slice(0, Math.floor(good.length * 0.8))]) {
      await expect(
        restoreDatabase(new Blob([text]), { name, appVersion: 'test' }),
      ).rejects.toMatchObject({
        code: 'invalid-input',
      });
      const live = createDatabase({ name });
      await live.open();
      expect(await snapshot(live)).toEqual(before);
      live.close();
    }
    await Dexie.delete(name);
  });
});
