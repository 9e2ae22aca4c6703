// MCP server definitions travel in the `app` section of an export of everything and of a full
// backup, without their token unless secrets are asked for, and come back on import and restore.
// A session's switch-on (server id, allowed tools) travels with its settings, its legacy headers
// only with secrets. A file's definitions are untrusted: a bad one refuses them all, with a note.
import '../io/file-reader-shim';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createDatabase, DEFAULT_WORKSPACE_ID } from '../../../src/lib/db/database';
import type { Prefs } from '../../../src/lib/db/prefs';
import { readAppSettings, restoreAppSettings } from '../../../src/lib/domain/app-settings';
import { backupDatabase, readBackupAppSettings } from '../../../src/lib/domain/full-backup';
import { loadMcpServers, saveMcpServers } from '../../../src/lib/domain/mcp-store';
import { setSettings } from '../../../src/lib/domain/settings';
import { exportPieces, importFiles } from '../../../src/lib/state/io-service';
import { openTestDb } from '../../helpers/db';
import { memoryPrefs } from '../../helpers/mcp/memory-prefs';
import { newSession } from '../../helpers/builders';

globalThis.indexedDB = new IDBFactory();

const DEF = {
  id: 'files',
  name: 'Files',
  url: 'https://mcp.example/mcp',
  headerName: 'Authorization',
  headerValue: 'Bearer top-secret-token',
};
const OTHER = {
  id: 'search',
  name: 'Search',
  url: 'http://127.0.0.1:3001/mcp',
  headerName: '',
  headerValue: '',
};

type FileShape = Record<string, unknown> & {
  app?: { mcpServers?: unknown };
  sessions: { settings: { mcpServers: unknown[] } }[];
};

async function exported(scope: 'all' | 'session', includeSecrets: boolean) {
  const { db } = await openTestDb();
  const session = await newSession(db);
  await setSettings(db, session.id, {
    mcpServers: [
      { name: 'Files', url: DEF.url, enabled: true, serverId: 'files', tools: ['read'] },
      {
        name: 'Old',
        url: 'https://old.example/mcp',
        enabled: true,
        headers: { Authorization: 'Bearer old-secret' },
      },
    ],
  });
  const prefs = memoryPrefs();
  await saveMcpServers(prefs, [DEF, OTHER]);
  const text = (
    await exportPieces(db, {
      scope: scope === 'all' ? { kind: 'all' } : { kind: 'session', sessionId: session.id },
      includeImages: false,
      includeSecrets,
      appVersion: 'test',
      prefs,
      // As the export does: app settings only with an export of everything.
      ...(scope === 'all' ? { appSettings: await readAppSettings(prefs, includeSecrets) } : {}),
    })
  ).join('');
  return { text, file: JSON.parse(text) as FileShape };
}

/** Imports a file's text into an empty database, its app settings into `prefs`. */
async function importText(text: string, prefs: Prefs) {
  const { db } = await openTestDb();
  const notes: string[] = [];
  const report = await importFiles(
    db,
    [{ name: 'x.json', bytes: new TextEncoder().encode(text) }],
    {
      policy: 'keep-local',
      workspaceId: DEFAULT_WORKSPACE_ID,
      onAppSettings: async (v) => void notes.push(...(await restoreAppSettings(prefs, v)).notes),
    },
  );
  return { report, notes };
}

describe('MCP servers in exports', () => {
  it('a full export carries the definitions in its app section, with no token anywhere', async () => {
    const { text, file } = await exported('all', false);
    expect(file.app?.mcpServers).toEqual([{ ...DEF, headerValue: '' }, OTHER]);
    expect(file.mcpServers).toBeUndefined();
    expect(text).not.toContain('top-secret-token');
    expect(text).not.toContain('old-secret');
    expect(file.sessions[0]?.settings.mcpServers).toEqual([
      { name: 'Files', url: DEF.url, enabled: true, serverId: 'files', tools: ['read'] },
      { name: 'Old', url: 'https://old.example/mcp', enabled: true },
    ]);
    const schema = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../../docs/export-format.schema.json'), 'utf8'),
    ) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...file, app: { mcpServers: [{ id: 1 }] } })).toBe(false);
  });

  it('with secrets ticked, the token goes too', async () => {
    const { file } = await exported('all', true);
    expect(file.app?.mcpServers).toEqual([DEF, OTHER]);
  });

  it('a session export carries no server definitions', async () => {
    const { file } = await exported('session', true);
    expect(file.app).toBeUndefined();
    expect(file.mcpServers).toBeUndefined();
  });
});

describe('MCP servers back from a file', () => {
  it('an import into an empty profile gives the servers back, tokens with secrets', async () => {
    const { text } = await exported('all', true);
    const prefs = memoryPrefs();
    const { report, notes } = await importText(text, prefs);
    expect(report.items.map((i) => i.kind)).toEqual(['imported']);
    expect(notes).toEqual([]);
    expect(await loadMcpServers(prefs)).toEqual([DEF, OTHER]);
  });

  it('without secrets the servers come back without a token, and keep a token already here', async () => {
    const { text } = await exported('all', false);
    const prefs = memoryPrefs();
    const mine = { ...DEF, name: 'My files', headerValue: 'Bearer mine' };
    await saveMcpServers(prefs, [mine]);
    await importText(text, prefs);
    expect(await loadMcpServers(prefs)).toEqual([mine, OTHER]);
    // The same file again adds nothing.
    const again = await importText(text, prefs);
    expect(again.notes).toEqual([]);
    expect(await loadMcpServers(prefs)).toEqual([mine, OTHER]);
  });

  it('reads the top-level mcpServers of files written before they joined the app section', async () => {
    const { file } = await exported('all', true);
    // Such a file: no `app` section, the definitions at the top.
    const old = JSON.stringify({ ...file, app: undefined, mcpServers: [DEF] });
    const prefs = memoryPrefs();
    const { report } = await importText(old, prefs);
    expect(report.items.map((i) => i.kind)).toEqual(['imported']);
    expect(await loadMcpServers(prefs)).toEqual([DEF]);
  });

  it('a full backup carries them and a restore brings them back', async () => {
    const prefs = memoryPrefs();
    await saveMcpServers(prefs, [DEF, OTHER]);
    const name = `tern-mcp-backup-${crypto.randomUUID()}`;
    const db = createDatabase({ name });
    await db.open();
    const settings = await readAppSettings(prefs, false);
    const file = await backupDatabase(db, () => {}, settings);
    db.close();
    expect(await file.text()).not.toContain('top-secret-token');
    const into = memoryPrefs();
    const { added } = await restoreAppSettings(into, await readBackupAppSettings(file));
    expect(added.mcpServers).toBe(2);
    expect(await loadMcpServers(into)).toEqual([{ ...DEF, headerValue: '' }, OTHER]);
  });

  const hostile: [string, unknown][] = [
    ['a javascript: address', { ...OTHER, url: 'javascript:alert(1)' }],
    ['a data: address', { ...OTHER, url: 'data:text/html,<script>x</script>' }],
    ['an address that is not one', { ...OTHER, url: 'not a url' }],
    ['credentials in the address', { ...OTHER, url: 'https://u:p@evil.example/mcp' }],
    ['a name with control characters', { ...OTHER, name: 'Se\u0000arch\n' }],
    ['a name far too long', { ...OTHER, name: 'x'.repeat(10_000) }],
    ['a header that breaks its line', { ...OTHER, headerValue: 'x\r\nCookie: a=b' }],
    ['a header name that is not one', { ...OTHER, headerName: 'Bad Header:' }],
    ['a missing field', { id: 'x', name: 'X', url: 'https://x.example/mcp' }],
    ['a field of the wrong type', { ...OTHER, id: 7 }],
  ];
  for (const [what, entry] of hostile)
    it(`refuses them all, with a note, for ${what}`, async () => {
      const prefs = memoryPrefs();
      await saveMcpServers(prefs, [DEF]);
      const r = await restoreAppSettings(prefs, { mcpServers: [OTHER, entry] });
      expect(r.added.mcpServers).toBeUndefined();
      expect(r.notes).toHaveLength(1);
      expect(r.notes[0]).toMatch(/^The MCP servers in this file were not taken: entry 2 /);
      expect(await loadMcpServers(prefs)).toEqual([DEF]);
    });

  it('refuses a section that is not a list, or two entries with one id, and imports the rest', async () => {
    const prefs = memoryPrefs();
    for (const bad of ['x', { list: [OTHER] }, [OTHER, { ...OTHER, name: 'Twin' }]]) {
      const r = await restoreAppSettings(prefs, { mcpServers: bad });
      expect(r.notes[0]).toMatch(/not a list|share an id/);
    }
    expect(await loadMcpServers(prefs)).toEqual([]);
    const { file } = await exported('all', false);
    const text = JSON.stringify({
      ...file,
      app: { mcpServers: [{ ...OTHER, url: 'file:///etc' }] },
    });
    const { report, notes } = await importText(text, prefs);
    expect(report.items.map((i) => i.kind)).toEqual(['imported']);
    expect(notes).toEqual([
      'The MCP servers in this file were not taken: entry 1 has an address that is not http:// or https://.',
    ]);
    expect(await loadMcpServers(prefs)).toEqual([]);
  });
});
