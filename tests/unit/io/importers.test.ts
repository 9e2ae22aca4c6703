import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../../src/lib/db/integrity';
import { allMessages, textOf } from '../../../src/lib/domain/messages';
import { getSettings } from '../../../src/lib/domain/settings';
import { openTestDb } from '../../helpers/db';
import { bytes, corpus, count, fixture, importBytes } from './helpers';

describe('ChatGPT', () => {
  it('skips hidden and custom-instruction nodes, keeps tools, thinking, models and images from the zip', async () => {
    const { db } = await openTestDb();
    const png = new Uint8Array([137, 80, 78, 71]);
    const zip = zipSync({
      'conversations.json': fixture('chatgpt-tools-multimodal.json'),
      'file-CAT123-cat.png': png,
      'user.json': bytes({}),
    });
    const report = await importBytes(db, [{ name: 'export.zip', bytes: zip }]);
    expect(count(report, 'imported')).toBe(1);
    const [s] = await db.sessions.toArray();
    expect(s!.title).toBe('Фото кота и погода');
    expect(s!.model).toBe('gpt-4o');
    const msgs = await allMessages(db, s!.id);
    expect(msgs.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'assistant',
    ]);
    expect(msgs.some((m) => m.content.includes('cat person'))).toBe(false);
    expect(msgs[0]!.content).toBe('Что это за кот? 猫');
    const image = msgs[0]!.parts.find((p) => p.type === 'image');
    expect(image).toMatchObject({ type: 'image', mimeType: 'image/png' });
    const stored = await db.images.toArray();
    expect(stored).toHaveLength(1);
    expect(new Uint8Array(await stored[0]!.blob!.arrayBuffer())).toEqual(png);
    expect(stored[0]!.messageId).toBe(msgs[0]!.id);
    expect(msgs[1]!.parts[0]).toMatchObject({ type: 'tool-call', name: 'browser' });
    expect(msgs[1]!.metadata.model).toBe('gpt-4o-mini');
    expect(msgs[2]).toMatchObject({ role: 'tool', name: 'browser', toolCallId: msgs[1]!.id });
    expect(msgs[2]!.content).toBe('Moscow: -3°C, snow');
    expect(msgs[3]!.parts).toEqual([
      { type: 'thinking', text: 'Weighing\nThe cat looks British.' },
    ]);
    expect(msgs[4]!.content).toBe('Это британский кот. В Москве −3 °C.');
    expect(msgs[4]!.metadata.model).toBe('gpt-4o');
    expect(s!.imageCount).toBe(1);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('joins sharded conversations-NNN.json files and reports a missing image instead of failing', async () => {
    const { db } = await openTestDb();
    const one = JSON.parse(
      new TextDecoder().decode(corpus('chatgpt/branching-conversation.json')),
    ) as object[];
    const two = JSON.parse(
      new TextDecoder().decode(fixture('chatgpt-tools-multimodal.json')),
    ) as object[];
    const report = await importBytes(db, [
      { name: 'conversations-001.json', bytes: bytes(two) },
      { name: 'conversations-000.json', bytes: bytes(one) },
      { name: 'export_manifest.json', bytes: bytes({}) },
    ]);
    expect(report.items.map((i) => [i.kind, i.title])).toEqual([
      ['imported', 'Sample conversation with branch'],
      ['imported', 'Фото кота и погода'],
    ]);
    const s = await db.sessions.get('chatgpt-conv-mm-1');
    expect(s?.metadata.missingImages).toEqual(['file-service://file-CAT123']);
    expect(await db.images.count()).toBe(0);
  });
});

describe('Claude', () => {
  it('splits tool use and results into tool messages and keeps attachment text', async () => {
    const { db } = await openTestDb();
    const zip = zipSync({
      'conversations.json': fixture('claude-tools-attachments.json'),
      'users.json': bytes([]),
      'projects.json': bytes([]),
    });
    const report = await importBytes(db, [{ name: 'data-batch-0000.zip', bytes: zip }]);
    expect(report.source).toBe('claude');
    expect(count(report, 'imported')).toBe(2);
    const tools = await allMessages(db, 'claude-c-tools');
    expect((await db.sessions.get('claude-c-tools'))?.title).toBe('Looking up a file');
    expect(tools.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(tools[0]!.metadata.attachments).toEqual([
      {
        fileName: 'notes.md',
        fileType: 'text/markdown',
        fileSize: 20,
        extractedContent: '# Notes\nBuy milk',
      },
    ]);
    expect(tools[1]!.parts).toEqual([
      { type: 'text', text: 'Let me search.' },
      { type: 'tool-call', toolCallId: 'tu1', name: 'web_search', arguments: '{"query":"milk"}' },
    ]);
    expect(tools[2]).toMatchObject({ role: 'tool', toolCallId: 'tu1', content: 'Milk is white.' });
    expect(tools[3]!.content).toBe('Your notes say: buy milk.');
    const flat = await allMessages(db, 'claude-c-flat');
    expect(flat.map((m) => [m.role, m.content])).toEqual([
      ['user', 'こんにちは'],
      ['assistant', 'Hello!'],
    ]);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });
});

describe('peer apps', () => {
  it('BetterChatGPT: messages, folder and model settings', async () => {
    const { db } = await openTestDb();
    const report = await importBytes(db, [
      { name: 'b.json', bytes: fixture('betterchatgpt.json') },
    ]);
    expect(report.source).toBe('betterchatgpt');
    const s = await db.sessions.get('betterchatgpt-bc-1');
    expect(s).toMatchObject({
      title: 'Recipe ideas',
      model: 'gpt-4',
      metadata: { folder: 'Cooking' },
    });
    const msgs = await allMessages(db, s!.id);
    expect(msgs.map((m) => [m.role, m.content])).toEqual([
      ['system', 'You are a chef.'],
      ['user', 'Something with leeks?'],
      ['assistant', 'Leek and potato soup.'],
    ]);
    const settings = await getSettings(db, s!.id);
    expect(settings.params).toEqual({
      temperature: 0.7,
      topP: 1,
      maxTokens: 4000,
      presencePenalty: 0,
      frequencyPenalty: 0.5,
    });
  });

  it('NextChat: system prompt from the mask, inline images, and never the API key', async () => {
    const { db } = await openTestDb();
    const report = await importBytes(db, [
      { name: 'Backup.json', bytes: fixture('nextchat-backup.json') },
    ]);
    expect(report.source).toBe('nextchat');
    const s = await db.sessions.get('nextchat-nc-1');
    const msgs = await allMessages(db, s!.id);
    expect(msgs.map((m) => m.content)).toEqual([
      'Translate: 春眠不觉晓',
      'Spring sleep, unaware of dawn.',
      'And this?',
    ]);
    expect(msgs[1]!.metadata.model).toBe('gpt-4o');
    expect(msgs[2]!.parts[1]).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(await db.images.count()).toBe(1);
    const settings = await getSettings(db, s!.id);
    expect(settings).toMatchObject({
      systemPrompt: 'You translate Chinese poetry.',
      model: 'gpt-4o',
      provider: 'OpenAI',
      params: { temperature: 0.3, topP: 0.9, maxTokens: 2000 },
    });
    const everything =
      JSON.stringify(await db.sessions.toArray()) +
      JSON.stringify(await db.sessionSettings.toArray());
    expect(everything).not.toContain('sk-secret');
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('chatbot-ui: system prompt, temperature, folder, model', async () => {
    const { db } = await openTestDb();
    await importBytes(db, [
      { name: 'chatbot_ui_history.json', bytes: fixture('chatbot-ui-v4.json') },
    ]);
    const s = await db.sessions.get('chatbot-ui-cu-1');
    expect(s).toMatchObject({
      title: 'Rust lifetimes',
      model: 'gpt-3.5-turbo',
      metadata: { folder: 'Programming' },
    });
    const settings = await getSettings(db, s!.id);
    expect(settings).toMatchObject({
      systemPrompt: 'You are a Rust teacher.',
      params: { temperature: 0.5 },
    });
    expect(textOf((await allMessages(db, s!.id))[1]!.parts)).toBe(
      'A lifetime names how long a borrow lives.',
    );
  });
});
