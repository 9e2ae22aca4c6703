// Per-session settings: one row per session, created on first write. Reading a session that has
// none gives the defaults. The session's `model` mirrors the settings' model in the same write.
import { TernError } from '../errors';
import type { SessionSettingsRow } from '../db/rows';
import { isOneOf, PERMISSION_MODES } from '../db/vocab';
import type { TernDB } from '../db/database';
import { mapErrors } from '../db/errors';
import { now, rw } from './tx';

export type SettingsPatch = Partial<
  Omit<SessionSettingsRow, 'sessionId' | 'createdAt' | 'updatedAt'>
>;

export function defaultSettings(sessionId: string, at = 0): SessionSettingsRow {
  return {
    sessionId,
    systemPrompt: '',
    provider: null,
    model: null,
    params: {},
    allowedTools: [],
    permissionMode: 'confirm',
    mcpServers: [],
    createdAt: at,
    updatedAt: at,
  };
}

export function getSettings(db: TernDB, sessionId: string): Promise<SessionSettingsRow> {
  return mapErrors(async () => {
    const [row, session] = await Promise.all([
      db.sessionSettings.get(sessionId),
      db.sessions.get(sessionId),
    ]);
    if (row) return row;
    return { ...defaultSettings(sessionId), model: session?.model ?? null };
  });
}

function validate(patch: SettingsPatch): void {
  if (patch.permissionMode !== undefined && !isOneOf(PERMISSION_MODES, patch.permissionMode))
    throw new TernError(
      'invalid-input',
      `Unknown permission mode ${String(patch.permissionMode)}.`,
    );
  const temp = patch.params?.temperature;
  if (temp !== undefined && (!Number.isFinite(temp) || temp < 0 || temp > 2))
    throw new TernError('invalid-input', 'Temperature goes from 0 to 2.');
  const topP = patch.params?.topP;
  if (topP !== undefined && (!Number.isFinite(topP) || topP < 0 || topP > 1))
    throw new TernError('invalid-input', 'Top P goes from 0 to 1.');
  const max = patch.params?.maxTokens;
  if (max !== undefined && (!Number.isInteger(max) || max < 1))
    throw new TernError('invalid-input', 'Max tokens is a whole number above 0.');
  const budget = patch.params?.thinkingBudget;
  if (budget !== undefined && (!Number.isInteger(budget) || budget < 0))
    throw new TernError('invalid-input', 'Thinking budget is a whole number of tokens (0 = off).');
  if (patch.allowedTools !== undefined && !patch.allowedTools.every((t) => typeof t === 'string'))
    throw new TernError('invalid-input', 'Allowed tools are names.');
  if (patch.alwaysAllow !== undefined && !patch.alwaysAllow.every((t) => typeof t === 'string'))
    throw new TernError('invalid-input', 'Always-allowed tools are names.');
  for (const m of patch.mcpServers ?? [])
    if (typeof m.name !== 'string' || typeof m.url !== 'string')
      throw new TernError('invalid-input', 'Each MCP server needs a name and an address.');
}

export async function setSettings(
  db: TernDB,
  sessionId: string,
  patch: SettingsPatch,
): Promise<SessionSettingsRow> {
  validate(patch);
  return rw(db, [db.sessions, db.sessionSettings], async () => {
    const session = await db.sessions.get(sessionId);
    if (!session) throw new TernError('not-found', 'That session no longer exists.');
    const t = now();
    const current = (await db.sessionSettings.get(sessionId)) ?? {
      ...defaultSettings(sessionId, t),
      model: session.model,
    };
    const next: SessionSettingsRow = { ...current, ...patch, sessionId, updatedAt: t };
    await db.sessionSettings.put(next);
    await db.sessions.update(sessionId, {
      updatedAt: t,
      ...(patch.model !== undefined ? { model: patch.model } : {}),
    });
    return next;
  });
}
