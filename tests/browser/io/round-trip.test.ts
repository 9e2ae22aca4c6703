// Export and backup in real Chromium, where Blobs are stored for real: what goes out comes back
// byte for byte.
import { describe, expect, it } from 'vitest';
import { createDatabase, DEFAULT_WORKSPACE_ID, type TernDB } from '../../../src/lib/db/database';
import { checkIntegrity } from '../../../src/lib/db/integrity';
import { backupDatabase, restoreDatabase } from '../../../src/lib/domain/full-backup';
import { addImage } from '../../../src/lib/domain/images';
import { appendMessage } from '../../../src/lib/domain/messages';
import { exportPieces } from '../../../src/lib/state/io-service';
import { importInWorker } from '../../../src/lib/state/import-runner';
import { derivedRow, openTestDb } from '../../helpers/db';
import { newSession } from '../../helpers/builders';

/** Every row of every store but the search index, Blobs read out with their type. */
async function snapshot(db: TernDB): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of db.tables) {
    if (derivedRow(t.name, null)) continue;
    const rows: unknown[] = (await t.toArray()).filter((r) => !derivedRow(t.name, r));
    out[t.name] = await Promise.all(
      rows.map(async (r) =>
        r && typeof r === 'object' && 'blob' in r && r.blob instanceof Blob
          ? {
              ...r,
              blob: { type: r.blob.type, bytes: [...new Uint8Array(await r.blob.arrayBuffer())] },
            }
          : r,
      ),
    );
  }
  return out;
}

const pixels = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

async function seed(db: TernDB) {
  const s = await newSession(db, { title: 'Фото 写真 🐦' });
  const m = await appendMessage(db, s.id, { role: 'user', content: 'look' });
  await addImage(db, {
    sessionId: s.id,
    messageId: m.id,
    blob: new Blob([pixels(70_000, 1)], { type: 'image/png' }),
  });
  await addImage(db, {
    sessionId: s.id,
    blob: new Blob([pixels(5_000, 2)], { type: 'image/webp' }),
  });
  await appendMessage(db, s.id, { role: 'assistant', content: 'a bird' });
  return s;
}

describe('round trips in the browser', () => {
  it('image Blobs survive export and import into an empty database byte for byte, with their type', async () => {
    const { db } = await openTestDb();
    await seed(db);
    const pieces = await exportPieces(db, {
      scope: { kind: 'all' },
      includeImages: true,
      includeSecrets: false,
      appVersion: 'test',
    });
    const { db: empty } = await openTestDb();
    const report = await importInWorker(empty, [new File(pieces, 'tern-export.json')], {
      policy: 'keep-local',
      workspaceId: DEFAULT_WORKSPACE_ID,
    });
    expect(report.fileError).toBeNull();
    expect(report.items.map((i) => i.kind)).toEqual(['imported']);
    const [a, b] = [await snapshot(db), await snapshot(empty)];
    expect(b.images).toEqual(a.images);
    expect(b.messages).toEqual(a.messages);
    expect(b.sessions).toEqual(a.sessions);
    expect((await checkIntegrity(empty)).ok).toBe(true);
  });

  it('restores a full backup over changed data, Blobs included', async () => {
    const name = `tern-restore-${crypto.randomUUID()}`;
    const db = createDatabase({ name });
    await db.open();
    const s = await seed(db);
    const before = await snapshot(db);
    const file = await backupDatabase(db);
    await appendMessage(db, s.id, { role: 'user', content: 'after the backup' });
    db.close();
    const seen: number[] = [];
    await restoreDatabase(file, {
      name,
      appVersion: 'test',
      onProgress: (done) => seen.push(done),
    });
    const again = createDatabase({ name });
    await again.open();
    expect(await snapshot(again)).toEqual(before);
    expect(seen.length).toBeGreaterThan(0);
    expect((await checkIntegrity(again)).ok).toBe(true);
    again.close();
  });
});
