import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { ExportScope } from '../../../src/lib/domain/export';
import { type TernDB } from '../../../src/lib/db/database';
import { checkIntegrity } from '../../../src/lib/db/integrity';
import { addImage } from '../../../src/lib/domain/images';
import { appendMessage } from '../../../src/lib/domain/messages';
import {
  createSession,
  createWorkspace,
  renameSession,
  trashSession,
} from '../../../src/lib/domain/sessions';
import { setSettings } from '../../../src/lib/domain/settings';
import { setAsideFrom } from '../../../src/lib/domain/branches';
import { exportPieces } from '../../../src/lib/state/io-service';
import { openTestDb } from '../../helpers/db';
import { bytes, count, importBytes, snapshot } from './helpers';
import { newSession } from '../../helpers/builders';

async function seed(db: TernDB) {
  const ws = await createWorkspace(db, { name: 'Работа 仕事', id: 'ws-work' });
  const a = await newSession(db, { title: 'First' });
  await appendMessage(db, a.id, { role: 'system', content: 'Be kind.' });
  const u = await appendMessage(db, a.id, {
    role: 'user',
    content: 'Hi 👋 <script>x</script>',
    tokens: 7,
  });
  await appendMessage(db, a.id, {
    role: 'assistant',
    parts: [
      { type: 'thinking', text: 'hmm', signature: 'claude-sig' },
      { type: 'thinking', text: '', redacted: 'encrypted-data' },
      { type: 'text', text: 'Hello' },
      {
        type: 'tool-call',
        toolCallId: 't1',
        name: 'search',
        arguments: '{"q":"x"}',
        signature: 'gemini-sig',
      },
    ],
    tokens: 11,
  });
  await appendMessage(db, a.id, {
    role: 'tool',
    content: 'result',
    toolCallId: 't1',
    name: 'search',
  });
  const img = await addImage(db, {
    sessionId: a.id,
    messageId: u.id,
    blob: new Blob([new Uint8Array([137, 80, 78, 71, 0, 255, 1, 2])], { type: 'image/png' }),
    width: 1,
    height: 1,
  });
  await addImage(db, {
    sessionId: a.id,
    blob: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/webp' }),
    parentId: img.id,
    isStyled: true,
  });
  await setSettings(db, a.id, {
    systemPrompt: 'Be kind.',
    model: 'llama3',
    params: { temperature: 0.4, apiKey: 'sk-hidden' },
    mcpServers: [
      {
        name: 'fs',
        url: 'http://localhost:1',
        enabled: true,
        headers: { Authorization: 'Bearer s3cret' },
      },
    ],
  });
  const b = await createSession(db, { workspaceId: ws.id, title: 'Second' });
  await appendMessage(db, b.id, { role: 'user', content: 'Trash me' });
  await trashSession(db, b.id);
  return { a, b, ws };
}

const exportAll = async (db: TernDB, includeImages = true, includeSecrets = false, at = 1000) =>
  (
    await exportPieces(
      db,
      { scope: { kind: 'all' }, includeImages, includeSecrets, appVersion: 'test' },
      at,
    )
  ).join('');

describe("Tern's own format", () => {
  it('round-trips into an empty app: same rows, Blobs, counters, and the same file again', async () => {
    const { db } = await openTestDb();
    await seed(db);
    const file = await exportAll(db, true, true);
    const { db: empty } = await openTestDb();
    const report = await importBytes(empty, [{ name: 'tern.json', bytes: bytes(file) }]);
    expect(report.fileError).toBeNull();
    expect(count(report, 'imported')).toBe(2);
    const before = await snapshot(db);
    const after = await snapshot(empty);
    for (const table of ['workspaces', 'sessions', 'messages', 'images', 'sessionSettings'])
      expect(after[table], table).toEqual(before[table]);
    expect((await checkIntegrity(empty)).issues).toEqual([]);
    expect(await exportAll(empty, true, true, 2000)).toBe(await exportAll(db, true, true, 2000));
  });

  it('round-trips a session with other versions: its branches, counters and the same file', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db, { title: 'Branchy' });
    await appendMessage(db, s.id, { role: 'user', content: 'Q', tokens: 2 });
    const a1 = await appendMessage(db, s.id, { role: 'assistant', content: 'A1', tokens: 3 });
    await appendMessage(db, s.id, { role: 'user', content: 'more', tokens: 1 });
    await setAsideFrom(db, s.id, a1.seq);
    await appendMessage(db, s.id, { role: 'assistant', content: 'A2', tokens: 5 });
    const file = await exportAll(db);
    const parsed = JSON.parse(file) as { formatVersion: number; sessions: unknown[] };
    expect(parsed.formatVersion).toBe(2);
    const { db: empty } = await openTestDb();
    const report = await importBytes(empty, [{ name: 'tern.json', bytes: bytes(file) }]);
    expect(report.items).toMatchObject([{ kind: 'imported', messages: 4 }]);
    const before = await snapshot(db);
    const after = await snapshot(empty);
    for (const table of ['sessions', 'messages', 'branchMessages'])
      expect(after[table], table).toEqual(before[table]);
    expect((await empty.branchMessages.toArray()).map((b) => b.content).sort()).toEqual([
      'A1',
      'more',
    ]);
    const [stored] = await empty.sessions.toArray();
    expect(stored).toMatchObject({ messageCount: 4, totalTokens: 11 });
    expect(await exportAll(empty, true, false, 2000)).toBe(await exportAll(db, true, false, 2000));
  });

  it('refuses a branch message with a bad field or a parent it does not hold, naming it', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db, { title: 'Branchy' });
    const q = await appendMessage(db, s.id, { role: 'user', content: 'Q' });
    await appendMessage(db, s.id, { role: 'assistant', content: 'A1' });
    await setAsideFrom(db, s.id, q.seq + 1);
    const file = JSON.parse(await exportAll(db)) as {
      sessions: { branchMessages: Record<string, unknown>[] }[];
    };
    const entry = file.sessions[0]!;
    const broken = (patch: Record<string, unknown>) => ({
      ...file,
      sessions: [{ ...entry, branchMessages: [{ ...entry.branchMessages[0], ...patch }] }],
    });
    for (const [patch, reason] of [
      [{ setAsideAt: 'soon' }, /setAsideAt is not a time/],
      [{ parentId: 7 }, /parentId is not a message's id/],
      [{ role: 'robot' }, /role is not one of/],
      [{ parentId: 'nowhere' }, /follows nowhere/],
      [{ parentId: entry.branchMessages[0]!.id }, /follows itself/],
    ] as const) {
      const { db: empty } = await openTestDb();
      const report = await importBytes(empty, [{ name: 't.json', bytes: bytes(broken(patch)) }]);
      expect(report.items[0]).toMatchObject({ kind: 'invalid' });
      expect((report.items[0] as { reason: string }).reason).toMatch(reason);
      expect(await empty.sessions.count()).toBe(0);
      expect(await empty.branchMessages.count()).toBe(0);
    }
  });

  it('reads a file of format 1 (no branchMessages) as sessions of one version', async () => {
    const { db } = await openTestDb();
    await seed(db);
    const file = JSON.parse(await exportAll(db)) as Record<string, unknown> & {
      sessions: Record<string, unknown>[];
    };
    const old = {
      ...file,
      formatVersion: 1,
      sessions: file.sessions.map((e) => {
        const copy = { ...e };
        delete copy.branchMessages;
        return copy;
      }),
    };
    const { db: empty } = await openTestDb();
    const report = await importBytes(empty, [{ name: 'old.json', bytes: bytes(old) }]);
    expect(count(report, 'imported')).toBe(2);
    expect(await empty.branchMessages.count()).toBe(0);
    expect(await exportAll(empty, true, false, 3)).toBe(await exportAll(db, true, false, 3));
  });

  it('importing the same file twice changes nothing', async () => {
    const { db } = await openTestDb();
    await seed(db);
    const file = bytes(await exportAll(db));
    const { db: other } = await openTestDb();
    await importBytes(other, [{ name: 'a.json', bytes: file }]);
    const once = await snapshot(other);
    const again = await importBytes(other, [{ name: 'a.json', bytes: file }]);
    expect(again.items.map((i) => i.kind)).toEqual(['skipped', 'skipped']);
    expect(await snapshot(other)).toEqual(once);
  });

  it('leaves out API keys and credentials unless asked, and images when asked', async () => {
    const { db } = await openTestDb();
    await seed(db);
    const plain = await exportAll(db, false, false);
    expect(plain).not.toContain('sk-hidden');
    expect(plain).not.toContain('s3cret');
    expect(plain).toContain('"temperature":0.4');
    expect(plain).toContain('"images":"omitted"');
    const full = await exportAll(db, true, true);
    expect(full).toContain('s3cret');
    expect(full).toContain('"base64":"iVBORwD/AQI="');
  });

  it('keeps the stored copy of a session unless the user lets a newer one replace it', async () => {
    const { db } = await openTestDb();
    const { a } = await seed(db);
    const { db: other } = await openTestDb();
    await importBytes(other, [{ name: 'a.json', bytes: bytes(await exportAll(db)) }]);
    await renameSession(db, a.id, 'Renamed later');
    await appendMessage(db, a.id, { role: 'user', content: 'one more' });
    const newer = bytes(await exportAll(db));
    const kept = await importBytes(other, [{ name: 'b.json', bytes: newer }], 'keep-local');
    expect(kept.items.find((i) => i.id === a.id)).toMatchObject({
      kind: 'skipped',
      reason: 'exists',
    });
    expect((await other.sessions.get(a.id))?.title).toBe('First');
    const replaced = await importBytes(other, [{ name: 'b.json', bytes: newer }], 'newer');
    expect(replaced.items.find((i) => i.id === a.id)).toMatchObject({ kind: 'updated' });
    const s = await other.sessions.get(a.id);
    expect(s?.title).toBe('Renamed later');
    expect(s?.messageCount).toBe(5);
    expect((await checkIntegrity(other)).issues).toEqual([]);
  });

  it('exports one session or one workspace alone', async () => {
    const { db } = await openTestDb();
    const { a, ws } = await seed(db);
    const one = JSON.parse(
      (
        await exportPieces(db, {
          scope: { kind: 'session', sessionId: a.id },
          includeImages: false,
          includeSecrets: false,
          appVersion: 'test',
        })
      ).join(''),
    ) as { sessions: { session: { id: string } }[]; scope: unknown };
    expect(one.sessions.map((s) => s.session.id)).toEqual([a.id]);
    expect(one.scope).toEqual({ kind: 'session', id: a.id });
    const w = JSON.parse(
      (
        await exportPieces(db, {
          scope: { kind: 'workspace', workspaceId: ws.id },
          includeImages: false,
          includeSecrets: false,
          appVersion: 'test',
        })
      ).join(''),
    ) as { sessions: { session: { title: string } }[] };
    expect(w.sessions.map((s) => s.session.title)).toEqual(['Second']);
  });

  it('reads a version-1-era file (chats, no sessions) as Legacy Chat sessions', async () => {
    const { db } = await openTestDb();
    const v1 = {
      format: 'tern-export',
      formatVersion: 1,
      schemaVersion: 1,
      appVersion: '0.0.1',
      exportedAt: 5,
      scope: { kind: 'all' },
      images: 'omitted',
      secrets: 'omitted',
      workspaces: [{ id: 'w1', name: 'Old', createdAt: 10 }],
      chats: [
        { id: 'c2', workspaceId: 'w1', role: 'assistant', content: 'Second', createdAt: 30 },
        { id: 'c1', workspaceId: 'w1', role: 'user', content: 'First', createdAt: 20 },
      ],
    };
    const report = await importBytes(db, [{ name: 'old.json', bytes: bytes(v1) }]);
    expect(report.items).toMatchObject([{ kind: 'imported', title: 'Legacy Chat', messages: 2 }]);
    const msgs = await db.messages.orderBy('[sessionId+seq]').toArray();
    expect(msgs.map((m) => [m.id, m.seq, m.content])).toEqual([
      ['c1', 1, 'First'],
      ['c2', 2, 'Second'],
    ]);
    expect((await db.workspaces.get('w1'))?.name).toBe('Old');
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('refuses a file from a newer Tern and says so', async () => {
    const { db } = await openTestDb();
    const before = await snapshot(db);
    const report = await importBytes(db, [
      {
        name: 'future.json',
        bytes: bytes({ format: 'tern-export', formatVersion: 9, schemaVersion: 99, sessions: [] }),
      },
    ]);
    expect(report.fileError?.code).toBe('future-version');
    expect(report.fileError?.reason).toMatch(/newer version of Tern/);
    expect(await snapshot(db)).toEqual(before);
  });

  it('reads a file whose workspace entry is broken, keeping every session', async () => {
    const { db } = await openTestDb();
    await seed(db);
    const file = JSON.parse(await exportAll(db)) as { workspaces: unknown[] };
    file.workspaces = file.workspaces.map((w) =>
      (w as { id: string }).id === 'ws-work' ? { id: 'ws-work', name: 5, createdAt: 'then' } : w,
    );
    file.workspaces.push(null);
    const { db: empty } = await openTestDb();
    const report = await importBytes(empty, [{ name: 'tern.json', bytes: bytes(file) }]);
    expect(report.fileError).toBeNull();
    expect(count(report, 'imported')).toBe(2);
    expect(await empty.workspaces.get('ws-work')).toMatchObject({ name: 'Imported' });
    expect((await checkIntegrity(empty)).issues).toEqual([]);
  });

  it('writes files that the published JSON Schema accepts', async () => {
    const schema = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../../docs/export-format.schema.json'), 'utf8'),
    ) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    const { db } = await openTestDb();
    const { a, ws } = await seed(db);
    const scopes: ExportScope[] = [
      { kind: 'all' },
      { kind: 'session', sessionId: a.id },
      { kind: 'workspace', workspaceId: ws.id },
    ];
    for (const scope of scopes)
      for (const [includeImages, includeSecrets] of [
        [true, true],
        [false, false],
      ] as const) {
        const text = (
          await exportPieces(db, { scope, includeImages, includeSecrets, appVersion: 'test' }, 1)
        ).join('');
        const file: unknown = JSON.parse(text);
        expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
      }
    expect(validate({ format: 'tern-export', formatVersion: 'one' })).toBe(false);
  });
});
