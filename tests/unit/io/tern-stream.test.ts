// Tern's own exports are read a session at a time, and must give exactly what reading the file
// whole gives: the same rows and the same report, whatever the slice boundaries.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID, type TernDB } from '../../../src/lib/db/database';
import { checkIntegrity } from '../../../src/lib/db/integrity';
import { addImage } from '../../../src/lib/domain/images';
import { appendMessage } from '../../../src/lib/domain/messages';
import { createSession, createWorkspace } from '../../../src/lib/domain/sessions';
import { setSettings } from '../../../src/lib/domain/settings';
import { exportPieces } from '../../../src/lib/state/io-service';
import { openTestDb } from '../../helpers/db';
import { bytes, count } from './helpers';
import { mutate, rng, type Json } from './mutate';
import { rows, streamed, whole } from './stream-helpers';

async function seed(db: TernDB, sessions: number) {
  const ws = await createWorkspace(db, { name: 'Работа 仕事', id: 'ws-work' });
  for (let i = 0; i < sessions; i++) {
    const s = await createSession(db, {
      workspaceId: i % 3 === 0 ? ws.id : DEFAULT_WORKSPACE_ID,
      title: `Session ${i} «${'猫'.repeat(i % 4)}»`,
    });
    const u = await appendMessage(db, s.id, {
      role: 'user',
      content: `Question ${i}: ${'ünïcödé 🐦 '.repeat(20)}`,
    });
    await appendMessage(db, s.id, {
      role: 'assistant',
      parts: [
        { type: 'thinking', text: 'hmm' },
        { type: 'text', text: `Answer ${i} ${'x'.repeat(300)}` },
      ],
      tokens: 40,
    });
    if (i % 4 === 0)
      await addImage(db, {
        sessionId: s.id,
        messageId: u.id,
        blob: new Blob([Uint8Array.from({ length: 3000 }, (_, k) => (k * 31 + i) & 255)], {
          type: 'image/png',
        }),
        width: 10,
        height: 10,
      });
    if (i % 5 === 0) await setSettings(db, s.id, { systemPrompt: `Be brief ${i}.` });
  }
}

async function ternFile(sessions: number): Promise<string> {
  const { db } = await openTestDb();
  await seed(db, sessions);
  const pieces = await exportPieces(
    db,
    { scope: { kind: 'all' }, includeImages: true, includeSecrets: false, appVersion: 'test' },
    1_000,
  );
  db.close();
  return pieces.join('');
}

const file = (text: string) => [{ name: 'tern-export.json', bytes: bytes(text) }];

describe("streaming Tern's own files", () => {
  it('hands sessions over as they are read, with the same rows and report as the whole file', async () => {
    const text = await ternFile(40);
    expect(text.length).toBeGreaterThan(50_000);
    const a = await streamed(file(text), 997);
    const b = await whole(file(text));
    expect(a.report).toEqual(b.report);
    expect(count(a.report, 'imported')).toBe(40);
    expect(await rows(a.db)).toEqual(await rows(b.db));
    // Handed over while reading, not all at the end.
    expect(a.progress.filter((p) => p < 0.9).length).toBeGreaterThan(10);
    expect((await checkIntegrity(a.db)).issues).toEqual([]);
  });

  it('keeps the sessions before a cut, each whole, and says the file was cut short', async () => {
    const text = await ternFile(20);
    const a = await streamed(file(text.slice(0, Math.floor(text.length * 0.7))), 1000);
    expect(a.report.fileError?.code).toBe('truncated');
    const imported = count(a.report, 'imported');
    expect(imported).toBeGreaterThan(5);
    expect(imported).toBeLessThan(20);
    expect(await a.db.sessions.count()).toBe(imported);
    expect((await checkIntegrity(a.db)).issues).toEqual([]);
  });

  it('refuses a file from a newer Tern before writing anything', async () => {
    const text = (await ternFile(3)).replace('"schemaVersion":', '"schemaVersion":99,"was":');
    const a = await streamed(file(text), 50);
    expect(a.report.fileError?.code).toBe('future-version');
    expect(a.report.items).toEqual([]);
    expect(await a.db.sessions.count()).toBe(0);
  });

  it('reads files laid out otherwise whole, with the same result', async () => {
    const text = await ternFile(4);
    const parsed = JSON.parse(text) as Record<string, Json>;
    const { sessions, ...head } = parsed;
    const v1 = {
      format: 'tern-export',
      formatVersion: 1,
      schemaVersion: 1,
      workspaces: [{ id: 'w1', name: 'Old', createdAt: 5 }],
      chats: [{ id: 'c1', workspaceId: 'w1', role: 'user', content: 'from v1', createdAt: 9 }],
    };
    const layouts = {
      sessionsFirst: { sessions, ...head },
      sessionsAsObject: { ...head, sessions: { a: (sessions as Json[])[0] } },
      noWorkspaces: { ...head, workspaces: undefined, sessions },
      v1,
    };
    for (const [name, doc] of Object.entries(layouts)) {
      const files = file(JSON.stringify(doc));
      const a = await streamed(files, 64);
      const b = await whole(files);
      expect(a.report, name).toEqual(b.report);
      expect(await rows(a.db), name).toEqual(await rows(b.db));
    }
  });

  it('gives the whole-file report for 300 mutated Tern exports, in slices of any size', async () => {
    const doc = JSON.parse(await ternFile(3)) as Json;
    const r = rng(20261203);
    let same = 0;
    let broken = 0;
    for (let round = 0; round < 300; round++) {
      const files = file(mutate(doc, r));
      const a = await streamed(files, 1 + Math.floor(r() * 400));
      const b = await whole(files);
      if (b.report.fileError === null) {
        expect(a.report).toEqual(b.report);
        same++;
      } else {
        expect(a.report.fileError?.code).toBe(b.report.fileError.code);
        expect(await a.db.sessions.count()).toBe(count(a.report, 'imported'));
        broken++;
      }
      expect((await checkIntegrity(a.db)).issues).toEqual([]);
      a.db.close();
      b.db.close();
    }
    expect(same).toBeGreaterThan(150);
    expect(broken).toBeGreaterThan(20);
  }, 120_000);
});
