// The streaming reader must give exactly what reading the file whole gives: the same rows in the
// database and the same report, whatever the slice boundaries (mid-string, mid-character).
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { generateChatGpt } from '../../helpers/chatgpt-export';
import { bytes, corpus, count, fixture, integrityIssues } from './helpers';
import { rows, streamed, whole } from './stream-helpers';
import { mutate, rng, type Json } from './mutate';

describe('streaming import', () => {
  const gen = generateChatGpt(300, 12);
  const json = bytes(gen.conversations);

  it('reads a generated ChatGPT export in small slices exactly as the whole file', async () => {
    expect(json.length).toBeGreaterThan(1_000_000);
    const a = await streamed([{ name: 'conversations.json', bytes: json }], 4093);
    const b = await whole([{ name: 'conversations.json', bytes: json }]);
    expect(a.report).toEqual(b.report);
    expect(count(a.report, 'imported')).toBe(297);
    expect(count(a.report, 'invalid')).toBe(3);
    expect(await rows(a.db)).toEqual(await rows(b.db));
    expect(a.progress.length).toBeGreaterThan(100);
    expect(a.progress.at(-1)).toBe(1);
    expect(a.progress).toEqual([...a.progress].sort((x, y) => x - y));
    expect(await integrityIssues(a.db)).toEqual([]);
  });

  it('streams conversations.json out of a zip and fetches only the images each one points at', async () => {
    const zip = zipSync({ 'user.json': bytes({}), 'conversations.json': json, ...gen.assets });
    const a = await streamed([{ name: 'export.zip', bytes: zip }], 1000);
    const b = await whole([{ name: 'export.zip', bytes: zip }]);
    expect(a.report).toEqual(b.report);
    const snap = await rows(a.db);
    expect(snap.images).toHaveLength(Object.keys(gen.assets).length - 1);
    expect(snap).toEqual(await rows(b.db));
  });

  it('joins shards in name order, and reads Claude exports the same way', async () => {
    const shards = [
      { name: 'conversations-001.json', bytes: bytes(gen.conversations.slice(150)) },
      { name: 'conversations-000.json', bytes: bytes(gen.conversations.slice(0, 150)) },
    ];
    const a = await streamed(shards, 777);
    const b = await whole(shards);
    expect(a.report).toEqual(b.report);
    expect(await rows(a.db)).toEqual(await rows(b.db));
    const claude = [
      { name: 'conversations.json', bytes: fixture('claude-tools-attachments.json') },
    ];
    const c = await streamed(claude, 64);
    expect(c.report.source).toBe('claude');
    expect(c.report).toEqual((await whole(claude)).report);
  });

  it('reads every other format whole, with the same report', async () => {
    for (const name of ['nextchat-backup.json', 'betterchatgpt.json', 'chatbot-ui-v4.json']) {
      const files = [{ name, bytes: fixture(name) }];
      const a = await streamed(files, 100);
      const b = await whole(files);
      expect(a.report).toEqual(b.report);
      expect(await rows(a.db)).toEqual(await rows(b.db));
    }
    for (const broken of ['', '[]', '{"a":1}', '[1, 2', 'nonsense']) {
      const files = [{ name: 'x.json', bytes: bytes(broken) }];
      expect((await streamed(files, 3)).report).toEqual((await whole(files)).report);
    }
  });

  it('keeps the conversations before a cut and says the file was cut short', async () => {
    const cut = json.subarray(0, Math.floor(json.length / 2));
    const a = await streamed([{ name: 'conversations.json', bytes: cut }], 8192);
    expect(a.report.fileError?.code).toBe('truncated');
    const imported = count(a.report, 'imported');
    expect(imported).toBeGreaterThan(100);
    expect(await a.db.sessions.count()).toBe(imported);
    expect(await integrityIssues(a.db)).toEqual([]);
  });

  it('gives the whole-file report for 600 mutated ChatGPT and Claude exports, in slices of any size', async () => {
    const lists = {
      chatgpt: JSON.parse(
        new TextDecoder().decode(corpus('chatgpt/branching-conversation.json')),
      ) as Json,
      chatgptTools: JSON.parse(
        new TextDecoder().decode(fixture('chatgpt-tools-multimodal.json')),
      ) as Json,
      claude: JSON.parse(
        new TextDecoder().decode(fixture('claude-tools-attachments.json')),
      ) as Json,
    };
    const r = rng(61122);
    let same = 0;
    let broken = 0;
    for (let round = 0; round < 200; round++)
      for (const doc of Object.values(lists)) {
        const files = [{ name: 'conversations.json', bytes: bytes(mutate(doc, r)) }];
        const a = await streamed(files, 1 + Math.floor(r() * 300));
        const b = await whole(files);
        if (b.report.fileError === null) {
          expect(a.report).toEqual(b.report);
          same++;
        } else {
          // Damage found partway: the same kind of refusal, and whatever came before is whole.
          expect(
            a.report.fileError?.code,
            new TextDecoder().decode(files[0]!.bytes).slice(-80),
          ).toBe(b.report.fileError.code);
          expect(await a.db.sessions.count()).toBe(count(a.report, 'imported'));
          broken++;
        }
        expect(await integrityIssues(a.db)).toEqual([]);
        a.db.close();
        b.db.close();
      }
    expect(same).toBeGreaterThan(200);
    expect(broken).toBeGreaterThan(50);
  }, 120_000);
});
