// Provider configurations travel with an export of everything and with a full backup, and come
// back with them; their API keys only when the user ticked "Include API keys", and then only
// those. Without the tick, no key is anywhere in the file.
import './file-reader-shim';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { IDBFactory } from 'fake-indexeddb';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { createDatabase, DEFAULT_WORKSPACE_ID } from '../../../src/lib/db/database';
import { createPrefs, type Prefs } from '../../../src/lib/db/prefs';
import { readAppSettings, restoreAppSettings } from '../../../src/lib/domain/app-settings';
import {
  backupDatabase,
  readBackupAppSettings,
  restoreDatabase,
} from '../../../src/lib/domain/full-backup';
import { appendMessage } from '../../../src/lib/domain/messages';
import {
  readStoredProviders,
  writeStoredProviders,
  type StoredProviders,
} from '../../../src/lib/domain/provider-store';
import { exportPieces, importFiles } from '../../../src/lib/state/io-service';
import { openTestDb } from '../../helpers/db';
import { newSession } from '../../helpers/builders';

const KEYS = ['sk-live-4f9a8b7c6d5e', 'anthropic-key-0a1b2c3d'];

const PROVIDERS: StoredProviders = {
  list: [
    {
      id: 'p-openai',
      kind: 'openai-compatible',
      label: 'OpenAI',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: KEYS[0] ?? '',
      models: ['gpt-5', 'o3'],
      defaultModel: 'o3',
    },
    {
      id: 'p-claude',
      kind: 'anthropic',
      label: 'Claude',
      baseUrl: 'https://api.anthropic.com/v1',
      apiKey: KEYS[1] ?? '',
      models: ['claude-sonnet-4-5'],
    },
    {
      id: 'p-local',
      kind: 'openai-compatible',
      label: 'Ollama',
      baseUrl: 'http://localhost:11434/v1',
      apiKey: '',
      models: [],
    },
  ],
  defaultId: 'p-claude',
  stallSeconds: 45,
};

// idb-keyval opens its stores through the global factory.
globalThis.indexedDB = new IDBFactory();

function newPrefs(): Prefs {
  return createPrefs(createStore(`tern-prefs-test-${crypto.randomUUID()}`, 'prefs'));
}

async function withProviders(): Promise<Prefs> {
  const prefs = newPrefs();
  await writeStoredProviders(prefs, PROVIDERS);
  return prefs;
}

async function exportText(prefs: Prefs, includeSecrets: boolean): Promise<string> {
  const { db } = await openTestDb();
  const s = await newSession(db, { title: 'A chat' });
  await appendMessage(db, s.id, { role: 'user', content: 'hello' });
  const pieces = await exportPieces(db, {
    scope: { kind: 'all' },
    includeImages: true,
    includeSecrets,
    appVersion: 't',
    appSettings: await readAppSettings(prefs, includeSecrets),
  });
  return pieces.join('');
}

const withoutKeys = PROVIDERS.list.map((c) => ({ ...c, apiKey: '' }));

describe('providers in an export of everything', () => {
  it('carries every provider without any key when keys are not asked for', async () => {
    const text = await exportText(await withProviders(), false);
    for (const key of KEYS) expect(text).not.toContain(key);
    const file = JSON.parse(text) as { secrets: string; app: { providers: StoredProviders } };
    expect(file.secrets).toBe('omitted');
    expect(file.app.providers).toEqual({ ...PROVIDERS, list: withoutKeys });
    const schema = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../../docs/export-format.schema.json'), 'utf8'),
    ) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...file, app: { providers: { list: [{ id: 1 }] } } })).toBe(false);
  });

  it('carries the keys when asked, and an import into an empty profile brings the providers back', async () => {
    const text = await exportText(await withProviders(), true);
    for (const key of KEYS) expect(text).toContain(key);

    const { db } = await openTestDb();
    const prefs = newPrefs();
    const report = await importFiles(
      db,
      [{ name: 'x.json', bytes: new TextEncoder().encode(text) }],
      {
        policy: 'keep-local',
        workspaceId: DEFAULT_WORKSPACE_ID,
        onAppSettings: async (v) => void (await restoreAppSettings(prefs, v)),
      },
    );
    expect(report.items.map((i) => i.kind)).toEqual(['imported']);
    expect(await readStoredProviders(prefs)).toEqual(PROVIDERS);
  });

  it('keeps a provider already here as it is, and adds the others', async () => {
    const prefs = newPrefs();
    const mine = { ...PROVIDERS.list[0]!, label: 'Mine', apiKey: 'sk-mine' };
    await writeStoredProviders(prefs, { list: [mine], defaultId: mine.id });
    const file = JSON.parse(await exportText(await withProviders(), true)) as { app: unknown };
    expect((await restoreAppSettings(prefs, file.app)).added).toEqual({ providers: 2 });
    const after = await readStoredProviders(prefs);
    expect(after.list.map((c) => [c.id, c.label, c.apiKey])).toEqual([
      ['p-openai', 'Mine', 'sk-mine'],
      ['p-claude', 'Claude', KEYS[1]],
      ['p-local', 'Ollama', ''],
    ]);
    expect(after.defaultId).toBe('p-openai');
    // The same file again adds nothing.
    expect((await restoreAppSettings(prefs, file.app)).added).toEqual({ providers: 0 });
  });

  it('takes nothing from a section of the wrong shape, and leaves what is here', async () => {
    const prefs = await withProviders();
    for (const bad of [null, 'x', [], { providers: 'x' }, { providers: { list: [{ id: 1 }] } }])
      await restoreAppSettings(prefs, bad);
    expect(await readStoredProviders(prefs)).toEqual(PROVIDERS);
  });

  it('refuses to export locked keys when keys are asked for, in words', async () => {
    const prefs = newPrefs();
    const sealed = {
      ...PROVIDERS.list[0]!,
      apiKey: '',
      sealedApiKey: { iv: 'aaaa', data: 'bbbb' },
    };
    await writeStoredProviders(prefs, { list: [sealed], defaultId: sealed.id });
    await expect(readAppSettings(prefs, true)).rejects.toMatchObject({
      code: 'keys-locked',
      message: expect.stringMatching(/unlock them/) as unknown,
    });
    // Without keys the sealed data stays out too.
    const text = JSON.stringify(await readAppSettings(prefs, false));
    expect(text).not.toContain('bbbb');
    expect(text).not.toContain('sealedApiKey');
  });
});

describe('providers in a full backup', () => {
  async function backup(prefs: Prefs, includeSecrets: boolean) {
    const name = `tern-${crypto.randomUUID()}`;
    const db = createDatabase({ name });
    await db.open();
    const s = await newSession(db, { title: 'Backed up' });
    await appendMessage(db, s.id, { role: 'user', content: 'hi' });
    const file = await backupDatabase(db, undefined, await readAppSettings(prefs, includeSecrets));
    db.close();
    return { name, file };
  }

  it('holds no key without the tick, and restoring it brings the providers back', async () => {
    const { name, file } = await backup(await withProviders(), false);
    const text = await file.text();
    for (const key of KEYS) expect(text).not.toContain(key);
    // Still a backup dexie-export-import restores.
    await restoreDatabase(file, { name, appVersion: 'test' });
    const again = createDatabase({ name });
    await again.open();
    expect((await again.sessions.toArray()).map((s) => s.title)).toEqual(['Backed up']);
    again.close();
    const prefs = newPrefs();
    await restoreAppSettings(prefs, await readBackupAppSettings(file));
    expect(await readStoredProviders(prefs)).toEqual({ ...PROVIDERS, list: withoutKeys });
  });

  it('holds the keys with the tick, and gives them back on restore', async () => {
    const { file } = await backup(await withProviders(), true);
    for (const key of KEYS) expect(await file.text()).toContain(key);
    const prefs = newPrefs();
    await restoreAppSettings(prefs, await readBackupAppSettings(file));
    expect(await readStoredProviders(prefs)).toEqual(PROVIDERS);
  });

  it('reads an older backup, with no settings in it, as carrying none', async () => {
    const { file } = await backup(newPrefs(), true);
    expect(await readBackupAppSettings(file)).toBeNull();
  });
});
