// MCP server definitions in a full export: there, without their token unless secrets are asked
// for; a session's switch-on (server id, allowed tools) travels with its settings, its legacy
// headers only with secrets.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../../src/lib/db/database';
import { createSession } from '../../../src/lib/domain/sessions';
import { setSettings } from '../../../src/lib/domain/settings';
import { exportPieces } from '../../../src/lib/state/io-service';
import { saveMcpServers } from '../../../src/lib/state/mcp-store';
import { openTestDb } from '../../helpers/db';
import { memoryPrefs } from '../../helpers/mcp/memory-prefs';

const DEF = {
  id: 'files',
  name: 'Files',
  url: 'https://mcp.example/mcp',
  headerName: 'Authorization',
  headerValue: 'Bearer top-secret-token',
};

async function exported(scope: 'all' | 'session', includeSecrets: boolean) {
  const { db } = await openTestDb();
  const session = await createSession(db, { workspaceId: DEFAULT_WORKSPACE_ID });
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
  await saveMcpServers(prefs, [DEF]);
  const text = (
    await exportPieces(db, {
      scope: scope === 'all' ? { kind: 'all' } : { kind: 'session', sessionId: session.id },
      includeImages: false,
      includeSecrets,
      appVersion: 'test',
      prefs,
    })
  ).join('');
  return {
    text,
    file: JSON.parse(text) as Record<string, unknown> & {
      sessions: { settings: { mcpServers: unknown[] } }[];
    },
  };
}

describe('MCP servers in exports', () => {
  it('a full export carries the definitions without their token', async () => {
    const { text, file } = await exported('all', false);
    expect(file.mcpServers).toEqual([{ ...DEF, headerValue: '' }]);
    expect(text).not.toContain('top-secret-token');
    expect(text).not.toContain('old-secret');
    expect(file.sessions[0]?.settings.mcpServers).toEqual([
      { name: 'Files', url: DEF.url, enabled: true, serverId: 'files', tools: ['read'] },
      { name: 'Old', url: 'https://old.example/mcp', enabled: true },
    ]);
  });

  it('with secrets ticked, the token goes too', async () => {
    const { file } = await exported('all', true);
    expect(file.mcpServers).toEqual([DEF]);
  });

  it('a session export carries no server definitions', async () => {
    const { file } = await exported('session', true);
    expect(file.mcpServers).toBeUndefined();
  });
});
