// Titles written by the session's model after the first exchange, against the real wire-protocol
// server: the request each provider kind gets, the title set, the setting off, and failures.
import { describe, expect, it } from 'vitest';
import { getSession, renameSession } from '../../../src/lib/domain/sessions';
import { TITLE_MAX_TOKENS, TITLE_SYSTEM } from '../../../src/lib/domain/chat/model-title';
import type { ProviderKind } from '../../../src/lib/providers/types';
import { DEFAULT_REPLY } from '../../helpers/provider-server';
import { setup } from './setup';
import { useProviderServer } from '../../helpers/use-provider-server';
import { sleep } from '../../helpers/sleep';

const server = await useProviderServer();
const QUESTION = 'What is a tern, in a few words?';
const FIRST_WORDS = 'What is a tern, in a few words';
const REPLY = DEFAULT_REPLY.join('');

/** The body text of a recorded request, whatever the protocol. */
const bodyText = (i: number) => JSON.stringify(server.requests[i]?.body);

describe('a title written by the model', () => {
  const shapes: [ProviderKind, string, (body: Record<string, unknown>) => unknown][] = [
    ['openai-compatible', '/v1/chat/completions', (b) => b.max_tokens],
    ['anthropic', '/v1/messages', (b) => b.max_tokens],
    [
      'gemini',
      '/v1beta/models/model-a:streamGenerateContent',
      (b) => (b.generationConfig as Record<string, unknown> | undefined)?.maxOutputTokens,
    ],
  ];
  for (const [kind, path, maxTokens] of shapes) {
    it(`${kind}: one short request after the first reply, and its answer becomes the title`, async () => {
      server.requests.length = 0;
      server.scripts.push(
        { kind: 'reply', tokens: DEFAULT_REPLY },
        { kind: 'reply', tokens: ['"Terns', ' at', ' a', ' glance."\n', 'extra line'] },
      );
      const { db, engine, session } = await setup(server, { kind, modelTitles: () => true });
      await engine.send(session.id, QUESTION);
      await engine.idle();

      expect(server.requests).toHaveLength(2);
      const title = server.requests[1]!;
      expect(title.path.startsWith(path)).toBe(true);
      const body = title.body as Record<string, unknown>;
      expect(maxTokens(body)).toBe(TITLE_MAX_TOKENS);
      // The first user message and the reply are what the model reads; no tools are offered.
      expect(bodyText(1)).toContain(QUESTION);
      expect(bodyText(1)).toContain(REPLY);
      expect(bodyText(1)).toContain(TITLE_SYSTEM.slice(0, 30));
      expect(body.tools).toBeUndefined();
      expect((await getSession(db, session.id))?.title).toBe('Terns at a glance');
    });
  }

  it('setting off: no request beyond the reply, and the first words are the title', async () => {
    server.requests.length = 0;
    const { db, engine, session } = await setup(server, { modelTitles: () => false });
    await engine.send(session.id, QUESTION);
    await engine.idle();
    expect(server.requests).toHaveLength(1);
    expect((await getSession(db, session.id))?.title).toBe(FIRST_WORDS);
  });

  it('an error from the title request leaves the first words and the reply as it was', async () => {
    server.requests.length = 0;
    server.scripts.push({ kind: 'reply', tokens: DEFAULT_REPLY }, { kind: 'status', status: 500 });
    const { db, engine, session, messages } = await setup(server, { modelTitles: () => true });
    await engine.send(session.id, QUESTION);
    await engine.idle();
    expect(server.requests).toHaveLength(2);
    expect((await getSession(db, session.id))?.title).toBe(FIRST_WORDS);
    const reply = (await messages()).find((m) => m.role === 'assistant');
    expect(reply).toMatchObject({ status: 'complete', content: REPLY });
  });

  it('an empty answer leaves the first words', async () => {
    server.scripts.push(
      { kind: 'reply', tokens: DEFAULT_REPLY },
      { kind: 'reply', tokens: ['""'] },
    );
    const { db, engine, session } = await setup(server, { modelTitles: () => true });
    await engine.send(session.id, QUESTION);
    await engine.idle();
    expect((await getSession(db, session.id))?.title).toBe(FIRST_WORDS);
  });

  it('a session the user renamed while the title was asked for keeps the user’s name', async () => {
    server.scripts.push(
      { kind: 'reply', tokens: DEFAULT_REPLY },
      { kind: 'reply', tokens: ['Model', ' title'], delayMs: 200 },
    );
    const { db, engine, session } = await setup(server, { modelTitles: () => true });
    await engine.send(session.id, QUESTION);
    const end = Date.now() + 5000;
    while ((await getSession(db, session.id))?.title !== FIRST_WORDS && Date.now() < end)
      await sleep(10);
    await renameSession(db, session.id, 'Mine');
    await engine.idle();
    expect((await getSession(db, session.id))?.title).toBe('Mine');
  });

  it('only after the first exchange: a second message asks for no title', async () => {
    const { engine, session } = await setup(server, { modelTitles: () => true });
    await engine.send(session.id, QUESTION);
    await engine.idle();
    server.requests.length = 0;
    await engine.send(session.id, 'And a gull?');
    await engine.idle();
    expect(server.requests).toHaveLength(1);
  });
});
