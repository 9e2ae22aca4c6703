// The vocabularies, the shared field checks and the session-owned stores: one list each, and every
// path that depends on them (repositories, the Tern reader, purge and export) agrees with it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/lib/db/database';
import type { JsonObject } from '../../src/lib/db/rows';
import { cleanMetadata, metadataProblem } from '../../src/lib/db/row-shapes';
import { readSessionRows } from '../../src/lib/db/session-rows';
import { SESSION_OWNED_TABLES } from '../../src/lib/db/vocab';
import { setAsideFrom } from '../../src/lib/domain/branches';
import { appendMessage, editMessage } from '../../src/lib/domain/messages';
import { createSession, purgeSession } from '../../src/lib/domain/sessions';
import { setSettings } from '../../src/lib/domain/settings';
import { openTestDb } from '../helpers/db';

describe('message metadata', () => {
  it('names the known field that holds the wrong type, and lets free fields be', () => {
    expect(metadataProblem({ archivedCount: 3, summarisedBy: 'model', anything: [1] })).toBeNull();
    expect(metadataProblem({ archivedCount: '3' })).toEqual({
      field: 'metadata.archivedCount',
      label: "A message's metadata.archivedCount",
      reason: 'is not a number',
    });
    // A reply asked of the provider's default model records model null; a count is never null.
    expect(metadataProblem({ provider: null, model: null })).toBeNull();
    expect(metadataProblem({ archivedCount: null })).toMatchObject({
      field: 'metadata.archivedCount',
      reason: 'is not a number',
    });
    expect(cleanMetadata({ archivedCount: '3', finishReason: 'stop', x: 1 })).toEqual({
      finishReason: 'stop',
      x: 1,
    });
  });

  it('is refused by the repository when a known field has the wrong type', async () => {
    const { db } = await openTestDb();
    const s = await createSession(db, { workspaceId: DEFAULT_WORKSPACE_ID });
    // As a caller passing on JSON from elsewhere would hand them over.
    const wrongCount: JsonObject = { archivedCount: 'x' };
    const wrongEvent: JsonObject = { compactionEventId: 5 };
    await expect(
      appendMessage(db, s.id, { role: 'user', content: 'a', metadata: wrongCount }),
    ).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('archivedCount') as unknown,
    });
    const m = await appendMessage(db, s.id, {
      role: 'user',
      content: 'a',
      metadata: { model: 'm' },
    });
    await expect(editMessage(db, m.id, { metadata: wrongEvent })).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });
});

describe('the stores a session owns', () => {
  it('are every store with rows of one session, and a purge leaves none of them', async () => {
    const { db } = await openTestDb();
    const perSession = db.tables
      .filter((t) => t.name !== 'sessions')
      .filter(
        (t) =>
          t.schema.primKey.keyPath === 'sessionId' ||
          t.schema.idxByName.sessionId ||
          Object.keys(t.schema.idxByName).some((i) => i.startsWith('[sessionId+')),
      )
      .map((t) => t.name)
      .sort();
    expect([...SESSION_OWNED_TABLES].sort()).toEqual(perSession);

    const s = await createSession(db, { workspaceId: DEFAULT_WORKSPACE_ID });
    await appendMessage(db, s.id, { role: 'user', content: 'a' });
    await appendMessage(db, s.id, { role: 'assistant', content: 'b' });
    await setAsideFrom(db, s.id, 2);
    await setSettings(db, s.id, { model: 'x' });
    const before = await readSessionRows(db, s.id);
    expect(before.messages).toHaveLength(1);
    expect(before.branchMessages).toHaveLength(1);
    expect(before.sessionSettings?.model).toBe('x');
    await purgeSession(db, s.id);
    const after = await readSessionRows(db, s.id);
    expect(after).toEqual({
      messages: [],
      branchMessages: [],
      images: [],
      sessionSettings: undefined,
      compactionEvents: [],
      messageArchive: [],
    });
  });
});
