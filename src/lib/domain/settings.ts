// Per-session settings: one row per session, created on first write. Reading a session that has
// none gives the defaults. The session's `model` mirrors the settings' model in the same write.
import { TernError } from '../errors';
import type { SessionSettingsRow } from '../db/rows';
import { sentence, shapeProblem } from '../db/row-shapes';
import { SETTINGS_SHAPE } from '../db/settings-shape';
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

/** Refuses a patch whose fields do not hold what the row needs (see db/row-shapes). */
function validate(patch: SettingsPatch): void {
  const problem = shapeProblem(SETTINGS_SHAPE, patch, { patch: true });
  if (problem) throw new TernError('invalid-input', sentence(problem));
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
