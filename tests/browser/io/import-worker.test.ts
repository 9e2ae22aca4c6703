// Imports as the panel runs them, in real Chromium: the files read in the import worker, the
// conversations written by the page a chunk per transaction, each whole, Blobs stored for real,
// and a database closed midway told with its code.
import Dexie from 'dexie';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID, type TernDB } from '../../../src/lib/db/database';
import { checkIntegrity } from '../../../src/lib/db/integrity';
import { isTernError } from '../../../src/lib/errors';
import { importInWorker } from '../../../src/lib/state/import-runner';
import { generateChatGpt } from '../../helpers/chatgpt-export';
import { openTestDb } from '../../helpers/db';

const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

function run(
  db: TernDB,
  files: File[],
  signal?: AbortSignal,
  onRead?: (d: number, t: number, n: number) => void,
) {
  return importInWorker(db, files, {
    policy: 'keep-local',
    workspaceId: DEFAULT_WORKSPACE_ID,
    ...(signal ? { signal } : {}),
    ...(onRead ? { onRead } : {}),
  });
}

/** Every stored session owns exactly the messages (of every version) and images it counts. */
async function wholeSessions(db: TernDB): Promise<boolean> {
  for (const s of await db.sessions.toArray()) {
    const messages =
      (await db.messages.where('sessionId').equals(s.id).count()) +
      (await db.branchMessages.where('sessionId').equals(s.id).count());
    const images = await db.images.where('sessionId').equals(s.id).count();
    if (messages !== s.messageCount || images !== s.imageCount) return false;
  }
  return true;
}

describe('import in a worker', () => {
  const gen = generateChatGpt(1200, 12);
  const json = encode(gen.conversations);

  it('imports a ChatGPT export of a few megabytes with progress, all conversations whole', async () => {
    expect(json.length).toBeGreaterThan(3_000_000);
    const { db } = await openTestDb();
    const seen: { done: number; total: number; n: number }[] = [];
    const report = await run(
      db,
      [new File([json], 'conversations.json')],
      undefined,
      (done, total, n) => seen.push({ done, total, n }),
    );
    expect(report.fileError).toBeNull();
    expect(report.source).toBe('chatgpt');
    const imported = report.items.filter((i) => i.kind === 'imported').length;
    expect(imported).toBe(1188);
    expect(report.items.filter((i) => i.kind === 'invalid')).toHaveLength(12);
    expect(await db.sessions.count()).toBe(imported);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toEqual({ done: json.length, total: json.length, n: 1200 });
    expect((await checkIntegrity(db)).ok).toBe(true);
    expect(await wholeSessions(db)).toBe(true);
  });

  it('stops between conversations when cancelled midway, leaving only whole ones', async () => {
    const { db } = await openTestDb();
    const controller = new AbortController();
    const report = await run(
      db,
      [new File([json], 'conversations.json')],
      controller.signal,
      (done, total) => {
        if (done > total / 3) controller.abort();
      },
    );
    const imported = report.items.filter((i) => i.kind === 'imported').length;
    expect(imported).toBeGreaterThan(0);
    expect(imported).toBeLessThan(1000);
    expect(await db.sessions.count()).toBe(imported);
    expect((await checkIntegrity(db)).ok).toBe(true);
    expect(await wholeSessions(db)).toBe(true);
  });

  it('fails with the database closed when another tab takes the database away midway', async () => {
    const { db } = await openTestDb();
    const deleting: { done?: Promise<void> } = {};
    const importing = run(db, [new File([json], 'conversations.json')], undefined, () => {
      // As a newer version opening in another tab would: every connection is asked to close.
      if (deleting.done) return;
      db.close();
      deleting.done = Dexie.delete(db.name);
    });
    const failure: unknown = await importing.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isTernError(failure, 'database-closed')).toBe(true);
    // Nothing was opened again behind the closed connection: the database is gone.
    await deleting.done;
    expect(await Dexie.exists(db.name)).toBe(false);
  });

  it('brings the images of a ChatGPT zip in as Blobs with their type', async () => {
    const { db } = await openTestDb();
    const png = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
    const conversation = gen.conversations[0] as { mapping: Record<string, unknown> };
    const zip = zipSync({
      'conversations.json': encode([conversation]),
      'file-gen-1-0-img-photo.png': png,
      'chat.html': encode('<html></html>'),
    });
    const report = await run(db, [new File([zip], 'export.zip')]);
    expect(report.items.map((i) => i.kind)).toEqual(['imported']);
    const [image] = await db.images.toArray();
    expect(image?.blob).toBeInstanceOf(Blob);
    expect(image?.blob?.type).toBe('image/png');
    expect(new Uint8Array(await image!.blob!.arrayBuffer())).toEqual(png);
    const message = await db.messages.get(image!.messageId!);
    expect(message?.parts.some((p) => p.type === 'image' && p.imageId === image!.id)).toBe(true);
  });
});
