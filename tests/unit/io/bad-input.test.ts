// Bad input of every kind: each file either comes in as whole conversations or is reported, the
// database holds together afterwards, and what was stored before is exactly as it was.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID, type TernDB } from '../../../src/lib/db/database';
import type { ImportReport } from '../../../src/lib/domain/import';
import { appendMessage } from '../../../src/lib/domain/messages';
import { exportPieces } from '../../../src/lib/state/io-service';
import { openTestDb } from '../../helpers/db';
import { bytes, corpus, count, fixture, importBytes, integrityIssues, snapshot } from './helpers';
import { mutate, rng, type Json } from './mutate';
import { newSession } from '../../helpers/builders';

async function seeded() {
  const { db } = await openTestDb();
  const s = await newSession(db, { title: 'Mine' });
  await appendMessage(db, s.id, { role: 'user', content: 'keep me' });
  return db;
}

/** Whole conversations only, counters true, the user's own session untouched. */
async function expectSound(db: TernDB, report: ImportReport, before: Record<string, unknown[]>) {
  for (const item of report.items) {
    expect(typeof item.title).toBe('string');
    if (item.kind === 'invalid') expect(item.reason.length).toBeGreaterThan(0);
    if (item.kind === 'imported') {
      const s = await db.sessions.get(item.id);
      expect(s?.messageCount).toBe(item.messages);
      expect(
        await db.messages
          .where('[sessionId+seq]')
          .between([item.id, 0], [item.id, Infinity])
          .count(),
      ).toBe(item.messages - (await db.branchMessages.where('sessionId').equals(item.id).count()));
    }
  }
  if (report.fileError) expect(report.fileError.reason.length).toBeGreaterThan(0);
  expect(await integrityIssues(db)).toEqual([]);
  const after = await snapshot(db);
  const mine = (snap: Record<string, unknown[]>) =>
    (snap.messages ?? []).filter((m) => (m as { content: string }).content === 'keep me');
  expect(mine(after)).toEqual(mine(before));
  expect(after.workspaces?.find((w) => (w as { id: string }).id === DEFAULT_WORKSPACE_ID)).toEqual(
    before.workspaces?.find((w) => (w as { id: string }).id === DEFAULT_WORKSPACE_ID),
  );
}

async function goodFiles(): Promise<Record<string, Json>> {
  const { db } = await openTestDb();
  const s = await newSession(db, { title: 'Exported' });
  await appendMessage(db, s.id, { role: 'user', content: 'hello' });
  await appendMessage(db, s.id, {
    role: 'assistant',
    parts: [
      { type: 'thinking', text: 't' },
      { type: 'text', text: 'hi' },
    ],
  });
  const tern = (
    await exportPieces(db, {
      scope: { kind: 'all' },
      includeImages: true,
      includeSecrets: false,
      appVersion: 't',
    })
  ).join('');
  const parse = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as Json;
  return {
    tern: JSON.parse(tern) as Json,
    chatgpt: parse(corpus('chatgpt/branching-conversation.json')),
    chatgptTools: parse(fixture('chatgpt-tools-multimodal.json')),
    claude: parse(corpus('claude/thinking-and-null-entry.json')),
    claudeTools: parse(fixture('claude-tools-attachments.json')),
    better: parse(fixture('betterchatgpt.json')),
    nextchat: parse(fixture('nextchat-backup.json')),
    chatbotUi: parse(fixture('chatbot-ui-v4.json')),
  };
}

describe('bad input', () => {
  it('says what is wrong with a file that is not JSON, cut short, empty or of another format', async () => {
    const db = await seeded();
    const before = await snapshot(db);
    const cases: [string, string][] = [
      ['not JSON <html>', 'not-json'],
      ['', 'not-json'],
      ['[{"mapping": {"a": ', 'truncated'],
      ['{"hello": "world"}', 'unknown-format'],
      ['[]', 'unknown-format'],
      ['42', 'unknown-format'],
    ];
    for (const [text, code] of cases) {
      const report = await importBytes(db, [{ name: 'x.json', bytes: bytes(text) }]);
      expect(report.fileError?.code, text).toBe(code);
      expect(report.items).toEqual([]);
    }
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses a peer app file whose conversations are not a list, or that holds none, with the reason', async () => {
    const db = await seeded();
    const before = await snapshot(db);
    const files = await goodFiles();
    const nextchat = files.nextchat as { 'chat-next-web-store': Record<string, Json> };
    const better = files.better as Record<string, Json>;
    const chatbotUi = files.chatbotUi as Record<string, Json>;
    const withStore = (sessions: Json) => ({
      ...nextchat,
      'chat-next-web-store': { ...nextchat['chat-next-web-store'], sessions },
    });
    const cases: [string, Json, RegExp][] = [
      ['NextChat, sessions an object', withStore({ a: 1 }), /NextChat.*"sessions".*an object/],
      ['NextChat, sessions a string', withStore('x'), /NextChat.*"sessions".*a string/],
      ['NextChat, sessions missing', withStore(null), /NextChat.*"sessions".*null/],
      ['NextChat, no sessions', withStore([]), /NextChat backup holds no conversations/],
      ['NextChat, sessions not objects', withStore([1, 'a']), /NextChat backup holds no/],
      ['BetterChatGPT, chats an object', { ...better, chats: {} }, /BetterChatGPT.*"chats"/],
      ['BetterChatGPT, no chats', { ...better, chats: [] }, /BetterChatGPT export holds no/],
      ['chatbot-ui, history a number', { ...chatbotUi, history: 3 }, /chatbot-ui.*"history"/],
      ['chatbot-ui, no history', { ...chatbotUi, history: [] }, /chatbot-ui export holds no/],
    ];
    for (const [what, file, reason] of cases) {
      const report = await importBytes(db, [{ name: 'x.json', bytes: bytes(file) }]);
      expect(report.fileError?.code, what).toBe('unknown-format');
      expect(report.fileError?.reason, what).toMatch(reason);
      expect(report.fileError?.reason, what).toMatch(/nothing was imported/);
      expect(report.items, what).toEqual([]);
    }
    expect(await snapshot(db)).toEqual(before);
    // The same apps' well-formed files still come in.
    for (const file of [files.nextchat, files.better, files.chatbotUi]) {
      const report = await importBytes(db, [{ name: 'x.json', bytes: bytes(file) }]);
      expect(report.fileError ?? null).toBeNull();
      expect(count(report, 'imported')).toBeGreaterThan(0);
    }
  });

  it('imports the good conversations whole when one among them is broken', async () => {
    const db = await seeded();
    const before = await snapshot(db);
    const good = JSON.parse(
      new TextDecoder().decode(corpus('chatgpt/branching-conversation.json')),
    ) as Record<string, Json>[];
    const second = { ...good[0], id: 'other', conversation_id: 'other', title: 'Other' };
    const broken = { title: 'Broken', mapping: 'nope', id: 'broken' };
    const report = await importBytes(db, [
      { name: 'conversations.json', bytes: bytes([good[0], broken, second]) },
    ]);
    expect(report.items.map((i) => [i.kind, i.title])).toEqual([
      ['imported', 'Sample conversation with branch'],
      ['invalid', 'Broken'],
      ['imported', 'Other'],
    ]);
    expect(report.items[1]).toMatchObject({
      code: 'invalid-conversation',
      reason: 'Its mapping is not an object.',
    });
    await expectSound(db, report, before);
  });

  it('rolls back a conversation whose ids clash with stored ones, leaving the stored one as it was', async () => {
    const db = await seeded();
    const before = await snapshot(db);
    const mine = (before.messages ?? [])[0] as { id: string };
    const files = await goodFiles();
    const tern = files.tern as { sessions: { messages: { id: string }[] }[] };
    tern.sessions[0]!.messages[1]!.id = mine.id;
    const report = await importBytes(db, [{ name: 't.json', bytes: bytes(tern) }]);
    expect(report.items[0]).toMatchObject({ kind: 'invalid', code: 'id-conflict' });
    expect(await snapshot(db)).toEqual(before);
  });

  it('keeps hostile text as text: prototype keys, script in titles, 10 MB strings, deep nesting', async () => {
    const db = await seeded();
    const before = await snapshot(db);
    const huge = 'é'.repeat(10 * 1024 * 1024);
    const hostile = `[{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"uuid":"h1","name":"<script>alert(1)</script>","chat_messages":[{"uuid":"m1","sender":"human","text":${JSON.stringify(huge)},"created_at":"2025-01-01T00:00:00Z"}]}]`;
    const report = await importBytes(db, [{ name: 'c.json', bytes: bytes(hostile) }]);
    expect(report.items).toMatchObject([{ kind: 'imported', title: '<script>alert(1)</script>' }]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const [m] = await db.messages.where('sessionId').equals('claude-h1').toArray();
    expect(m?.content.length).toBe(huge.length);
    await expectSound(db, report, before);

    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const r2 = await importBytes(db, [{ name: 'd.json', bytes: bytes(deep) }]);
    expect(r2.fileError?.code).toMatch(/too-deep|unknown-format/);
    const nested = { uuid: 'n1', name: 'Nested', chat_messages: [], summary: 's' } as Record<
      string,
      Json
    >;
    let inner: Record<string, Json> = {};
    nested.deep = inner;
    for (let i = 0; i < 200; i++) inner = inner.x = {} as Record<string, Json>;
    const tern = (await goodFiles()).tern as { sessions: { session: { metadata: Json } }[] };
    tern.sessions[0]!.session.metadata = nested;
    const r3 = await importBytes(db, [{ name: 't.json', bytes: bytes(tern) }]);
    expect(r3.items[0]).toMatchObject({ kind: 'invalid', code: 'too-deep' });
    await expectSound(db, r3, before);
  });

  it('survives 2,400 mutated exports: a report each, whole conversations, the rest untouched', async () => {
    const files = await goodFiles();
    const r = rng(20261122);
    const names = Object.keys(files);
    let reported = 0;
    let imported = 0;
    for (let round = 0; round < 300; round++) {
      const db = await seeded();
      const before = await snapshot(db);
      for (const name of names) {
        const text = mutate(files[name], r);
        const report = await importBytes(db, [{ name: `${name}.json`, bytes: bytes(text) }]);
        if (report.fileError || count(report, 'invalid') > 0) reported++;
        imported += count(report, 'imported');
        await expectSound(db, report, before);
      }
      db.close();
    }
    // The mutations must really hit both paths: some files refused, some still imported.
    expect(reported).toBeGreaterThan(300);
    expect(imported).toBeGreaterThan(300);
  }, 120_000);
});
