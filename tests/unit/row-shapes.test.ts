// One description of the checked fields of rows from outside: each field takes its good values and
// refuses bad ones with its name, through the repositories and through the Tern reader alike.
import { describe, expect, it } from 'vitest';
import type { TernDB } from '../../src/lib/db/database';
import {
  BRANCH_MESSAGE_SHAPE,
  MESSAGE_SHAPE,
  SESSION_SHAPE,
  shapeProblem,
} from '../../src/lib/db/row-shapes';
import { SETTINGS_SHAPE } from '../../src/lib/db/settings-shape';
import { appendMessage, editMessage } from '../../src/lib/domain/messages';
import { createSession, renameSession } from '../../src/lib/domain/sessions';
import { getSettings, setSettings } from '../../src/lib/domain/settings';
import { exportPieces } from '../../src/lib/state/io-service';
import { openTestDb } from '../helpers/db';
import { newSession } from '../helpers/builders';
import { bytes, importBytes, snapshot } from './io/helpers';

type Case = [field: string, good: unknown[], bad: unknown[]];

const SETTINGS: Case[] = [
  ['permissionMode', ['auto', 'confirm', 'deny'], ['always', 3, null]],
  ['params.temperature', [0, 0.7, 2], [-0.1, 2.1, NaN, Infinity, '1', null]],
  ['params.topP', [0, 1], [1.5, -1, NaN, '0.5']],
  ['params.maxTokens', [1, 4096], [0, 1.5, -3, NaN, '10']],
  ['params.thinkingBudget', [0, 1024], [-1, 1.5, NaN, '0']],
  ['allowedTools', [[], ['read']], [[1], 'read', null]],
  ['alwaysAllow', [[], ['builtin/x']], [[null], 'x']],
  ['systemPrompt', ['', 'Be brief.'], [5, null]],
  ['model', [null, 'm'], [5]],
];

/** A settings patch that sets `field` (a path such as `params.topP`) to `v`. */
function patchOf(field: string, v: unknown): Record<string, unknown> {
  const [top, sub] = field.split('.') as [string, string | undefined];
  return sub ? { [top]: { [sub]: v } } : { [top]: v };
}

describe('the settings description', () => {
  it.each(SETTINGS)('%s: good values pass, bad ones are named', (field, good, bad) => {
    for (const v of good)
      expect(shapeProblem(SETTINGS_SHAPE, patchOf(field, v), { patch: true })).toBeNull();
    for (const v of bad)
      expect(shapeProblem(SETTINGS_SHAPE, patchOf(field, v), { patch: true })).toMatchObject({
        field,
      });
  });

  it('names the MCP server entry and its field', () => {
    const servers = (m: unknown) => ({ mcpServers: [m] });
    const ok = { name: 'fs', url: 'http://x', enabled: true };
    expect(shapeProblem(SETTINGS_SHAPE, servers(ok), { patch: true })).toBeNull();
    for (const [bad, field] of [
      [{ ...ok, url: 5 }, 'mcpServers.0.url'],
      [{ ...ok, name: undefined }, 'mcpServers.0.name'],
      [{ ...ok, tools: [1] }, 'mcpServers.0.tools'],
      [{ ...ok, headers: { a: 1 } }, 'mcpServers.0.headers'],
      ['fs', 'mcpServers.0'],
    ] as const)
      expect(shapeProblem(SETTINGS_SHAPE, servers(bad), { patch: true })).toMatchObject({ field });
  });

  it('is what setSettings refuses, in the words the settings screen shows, storing nothing', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db);
    await setSettings(db, s.id, { params: { temperature: 1 } });
    const before = await getSettings(db, s.id);
    for (const [field, , bad] of SETTINGS)
      for (const v of bad)
        await expect(
          setSettings(db, s.id, patchOf(field, v) as Parameters<typeof setSettings>[2]),
        ).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(setSettings(db, s.id, { params: { temperature: 3 } })).rejects.toThrow(
      'Temperature goes from 0 to 2.',
    );
    await expect(setSettings(db, s.id, { params: { maxTokens: 0 } })).rejects.toThrow(
      'Max tokens is a whole number above 0.',
    );
    expect(await getSettings(db, s.id)).toEqual(before);
  });
});

const MESSAGE: Case[] = [
  ['role', ['system', 'user', 'assistant', 'tool'], ['robot', 1, null, undefined]],
  ['status', ['complete', 'pending', 'streaming', 'error', 'interrupted'], ['done', 7]],
  ['tokens', [null, undefined, 0, 12.5], [-1, NaN, '3']],
  ['seq', [1, 40], [0, 1.5, -2, NaN, '1', undefined]],
  ['metadata', [{}, { model: null, archivedCount: 2, free: [1] }], [5, { archivedCount: '2' }]],
];

describe('the message description', () => {
  const base = { seq: 1, role: 'user', status: 'complete', tokens: null, metadata: {} };
  it.each(MESSAGE)('%s: good values pass, bad ones are named', (field, good, bad) => {
    for (const v of good) expect(shapeProblem(MESSAGE_SHAPE, { ...base, [field]: v })).toBeNull();
    for (const v of bad)
      expect(shapeProblem(MESSAGE_SHAPE, { ...base, [field]: v })?.field).toMatch(
        new RegExp(`^${field}`),
      );
  });

  it('holds for a message of another version too, with where it hangs and when it left', () => {
    const branch = { ...base, parentId: '', setAsideAt: 5 };
    expect(shapeProblem(BRANCH_MESSAGE_SHAPE, branch)).toBeNull();
    for (const [field, good, bad] of [
      ...MESSAGE,
      ['parentId', ['', 'm1'], [null, 3, undefined]],
      ['setAsideAt', [0, 1e12], ['now', null, NaN, undefined]],
    ] as Case[]) {
      for (const v of good)
        expect(shapeProblem(BRANCH_MESSAGE_SHAPE, { ...branch, [field]: v })).toBeNull();
      for (const v of bad)
        expect(shapeProblem(BRANCH_MESSAGE_SHAPE, { ...branch, [field]: v })?.field).toMatch(
          new RegExp(`^${field}`),
        );
    }
  });

  it('is what appendMessage and editMessage refuse, storing nothing', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db);
    const m = await appendMessage(db, s.id, { role: 'user', content: 'a', tokens: 2 });
    const before = await snapshot(db);
    const given = (field: string, v: unknown) =>
      ({ role: 'user', content: 'b', [field]: v }) as Parameters<typeof appendMessage>[2];
    for (const [field, , bad] of MESSAGE) {
      if (field === 'seq') continue; // The repository numbers messages itself.
      for (const v of bad)
        await expect(appendMessage(db, s.id, given(field, v))).rejects.toMatchObject({
          code: 'invalid-input',
        });
    }
    await expect(appendMessage(db, s.id, given('role', 'robot'))).rejects.toThrow(
      "A message's role is not one of system, user, assistant, tool.",
    );
    await expect(editMessage(db, m.id, { tokens: -1 })).rejects.toThrow(
      'A token count must be a number of zero or more.',
    );
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('the session description', () => {
  it('takes a title that holds text once made one line, and text ids', () => {
    expect(shapeProblem(SESSION_SHAPE, { title: ' a\n b ', workspaceId: 'w' })).toBeNull();
    expect(shapeProblem(SESSION_SHAPE, { title: ' \n ', workspaceId: 'w' })).toMatchObject({
      field: 'title',
    });
    expect(shapeProblem(SESSION_SHAPE, { title: 'a', workspaceId: 5 })).toMatchObject({
      field: 'workspaceId',
    });
    expect(shapeProblem(SESSION_SHAPE, { title: 'a', workspaceId: 'w', model: 3 })).toMatchObject({
      field: 'model',
    });
  });

  it('is what the session repository refuses', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db, { title: 'Kept' });
    await expect(renameSession(db, s.id, '  ')).rejects.toThrow('A session needs a name.');
    await expect(
      createSession(db, { workspaceId: 5 as unknown as string, title: 'x' }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await db.sessions.get(s.id))?.title).toBe('Kept');
  });
});

/** An export of two sessions, each with a message and settings, as parsed JSON. */
async function exported(db: TernDB) {
  for (const title of ['One', 'Two']) {
    const s = await newSession(db, { title });
    await appendMessage(db, s.id, { role: 'user', content: title });
    await setSettings(db, s.id, { params: { temperature: 1 } });
  }
  const text = (
    await exportPieces(db, {
      scope: { kind: 'all' },
      includeImages: false,
      includeSecrets: false,
      appVersion: 't',
    })
  ).join('');
  return JSON.parse(text) as {
    sessions: {
      session: { title: string };
      settings: { params: Record<string, unknown> };
      messages: Record<string, unknown>[];
    }[];
  };
}

describe('the Tern reader', () => {
  it.each([
    ['settings', 'params.temperature', 9],
    ['settings', 'params.maxTokens', 1.5],
    ['settings', 'permissionMode', 'sometimes'],
    ['message', 'role', 'robot'],
    ['message', 'status', 'done'],
    ['message', 'tokens', -4],
    ['message', 'seq', 0],
  ] as const)(
    'reports the session whose %s %s is bad, naming it, and takes the others',
    async (where, field, v) => {
      const file = await exported((await openTestDb()).db);
      const bad = file.sessions.find((s) => s.session.title === 'One')!;
      if (where === 'settings') {
        const [top, sub] = field.split('.') as [string, string | undefined];
        if (sub) bad.settings.params[sub] = v;
        else (bad.settings as Record<string, unknown>)[top] = v;
      } else bad.messages[0]![field] = v;

      const { db } = await openTestDb();
      const report = await importBytes(db, [{ name: 't.json', bytes: bytes(file) }]);
      const one = report.items.find((i) => i.title === 'One');
      expect(one).toMatchObject({ kind: 'invalid', code: 'invalid-conversation' });
      expect(one?.kind === 'invalid' && one.reason).toContain(` ${field} `);
      expect(report.items.find((i) => i.title === 'Two')).toMatchObject({ kind: 'imported' });
      const titles = (await db.sessions.toArray()).map((s) => s.title);
      expect(titles).toContain('Two');
      expect(titles).not.toContain('One');
    },
  );

  it('takes the same good values the repository took', async () => {
    const file = await exported((await openTestDb()).db);
    const { db } = await openTestDb();
    const report = await importBytes(db, [{ name: 't.json', bytes: bytes(file) }]);
    expect(report.items.map((i) => i.kind)).toEqual(['imported', 'imported']);
  });
});
