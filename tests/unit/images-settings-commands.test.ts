import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { trashSession } from '../../src/lib/domain/sessions';
import { appendMessage } from '../../src/lib/domain/messages';
import { addImage, imageBlob, listImages, removeImage } from '../../src/lib/domain/images';
import { getSettings, setSettings } from '../../src/lib/domain/settings';
import {
  frecency,
  rankCommands,
  recordCommandUse,
  listCommandUsage,
} from '../../src/lib/domain/commands';
import { openTestDb } from '../helpers/db';
import { newSession } from '../helpers/builders';

describe('images', () => {
  it('stores a Blob with its lineage and keeps imageCount true', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db);
    const m = await appendMessage(db, s.id, { role: 'user', content: 'pic' });
    const original = await addImage(db, {
      sessionId: s.id,
      messageId: m.id,
      blob: new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }),
      width: 10,
      height: 20,
    });
    const styled = await addImage(db, {
      sessionId: s.id,
      blob: new Blob(['styled'], { type: 'image/webp' }),
      isStyled: true,
      parentId: original.id,
      meta: { style: 'ink' },
    });
    expect((await db.sessions.get(s.id))?.imageCount).toBe(2);
    const rows = await listImages(db, s.id);
    expect(rows.map((r) => r.id)).toEqual([original.id, styled.id]);
    const back = await db.images.get(original.id);
    expect(back).toMatchObject({
      mimeType: 'image/png',
      bytes: 4,
      width: 10,
      height: 20,
      isStyled: false,
    });
    expect([...new Uint8Array(await imageBlob(back!).arrayBuffer())]).toEqual([137, 80, 78, 71]);
    await removeImage(db, original.id);
    expect((await db.images.get(styled.id))?.parentId).toBeNull();
    expect((await db.sessions.get(s.id))?.imageCount).toBe(1);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('refuses an image for a missing message, a missing parent or a trashed session', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db);
    const blob = new Blob(['x']);
    await expect(addImage(db, { sessionId: s.id, messageId: 'nope', blob })).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(addImage(db, { sessionId: s.id, parentId: 'nope', blob })).rejects.toMatchObject({
      code: 'not-found',
    });
    await trashSession(db, s.id);
    await expect(addImage(db, { sessionId: s.id, blob })).rejects.toMatchObject({
      code: 'session-trashed',
    });
    expect(await db.images.count()).toBe(0);
    expect((await db.sessions.get(s.id))?.imageCount).toBe(0);
  });
});

describe('session settings', () => {
  it('gives defaults, then stores one row per session and mirrors the model on the session', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db, { model: 'm0' });
    expect(await getSettings(db, s.id)).toMatchObject({
      systemPrompt: '',
      permissionMode: 'confirm',
      model: 'm0',
    });
    await setSettings(db, s.id, {
      systemPrompt: 'You are terse.',
      provider: 'openai',
      model: 'gpt-x',
      params: { temperature: 0.2 },
      allowedTools: ['clock'],
      permissionMode: 'auto',
      mcpServers: [{ name: 'files', url: 'http://127.0.0.1:9', enabled: false }],
    });
    await setSettings(db, s.id, { params: { temperature: 0.4, maxTokens: 100 } });
    const row = await getSettings(db, s.id);
    expect(row).toMatchObject({
      systemPrompt: 'You are terse.',
      model: 'gpt-x',
      params: { temperature: 0.4, maxTokens: 100 },
    });
    expect(await db.sessionSettings.count()).toBe(1);
    expect((await db.sessions.get(s.id))?.model).toBe('gpt-x');
  });

  it('rejects invalid settings and keeps the stored ones', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db);
    await setSettings(db, s.id, { permissionMode: 'deny' });
    await expect(setSettings(db, s.id, { permissionMode: 'yolo' as 'auto' })).rejects.toMatchObject(
      { code: 'invalid-input' },
    );
    for (const params of [
      { temperature: 9 },
      { temperature: Number.NaN },
      { topP: 1.5 },
      { topP: -0.1 },
      { maxTokens: 0 },
      { maxTokens: 12.5 },
      { thinkingBudget: -1 },
      { thinkingBudget: 1500.5 },
      { thinkingBudget: Number.NaN },
    ]) {
      await expect(setSettings(db, s.id, { params })).rejects.toMatchObject({
        code: 'invalid-input',
      });
    }
    await expect(setSettings(db, 'nope', { systemPrompt: 'x' })).rejects.toMatchObject({
      code: 'not-found',
    });
    expect((await getSettings(db, s.id)).permissionMode).toBe('deny');
    await setSettings(db, s.id, { params: { thinkingBudget: 2048 } });
    expect((await getSettings(db, s.id)).params.thinkingBudget).toBe(2048);
  });
});

describe('command usage', () => {
  it('counts uses and ranks the commands this user reaches for first', async () => {
    const { db } = await openTestDb();
    for (let i = 0; i < 3; i++) await recordCommandUse(db, 'export');
    await recordCommandUse(db, 'rename');
    const usage = await listCommandUsage(db);
    expect(usage.find((u) => u.command === 'export')?.usageCount).toBe(3);
    const commands = [
      { id: 'new', title: 'New session' },
      { id: 'rename', title: 'Rename session' },
      { id: 'export', title: 'Export' },
      { id: 'trash', title: 'Trash' },
    ];
    const now = Date.now();
    expect(rankCommands(commands, usage, '', now).map((c) => c.id)).toEqual([
      'export',
      'rename',
      'new',
      'trash',
    ]);
    expect(rankCommands(commands, usage, '/re', now).map((c) => c.id)).toEqual(['rename']);
    expect(rankCommands(commands, usage, 'session', now).map((c) => c.id)).toEqual([
      'rename',
      'new',
    ]);
  });

  it('lets an old habit fade against a recent one', () => {
    const now = 1_000_000_000_000;
    const old = { command: 'a', usageCount: 10, lastUsedAt: now - 60 * 24 * 3600 * 1000 };
    const recent = { command: 'b', usageCount: 2, lastUsedAt: now };
    expect(frecency(recent, now)).toBeGreaterThan(frecency(old, now));
  });
});
