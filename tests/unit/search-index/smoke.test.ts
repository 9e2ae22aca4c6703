import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../../src/lib/db/database';
import { appendMessage } from '../../../src/lib/domain/messages';
import { createSession } from '../../../src/lib/domain/sessions';
import { searchIndex } from '../../../src/lib/domain/search-index/query';
import { flushQueue } from '../../../src/lib/domain/search-index/writer';
import { backfillBlock } from '../../../src/lib/domain/search-index/backfill';
import { openTestDb } from '../../helpers/db';

describe('smoke', () => {
  it('finds', async () => {
    const { db } = await openTestDb();
    const s = await createSession(db, { workspaceId: DEFAULT_WORKSPACE_ID, title: 'Birds' });
    await appendMessage(db, s.id, { role: 'user', content: 'The quetzal is green' });
    expect(await db.searchQueue.count()).toBeGreaterThan(0);
    let r = await searchIndex(db, 'quetz');
    expect(r.hits.map((h) => h.kind)).toEqual(['message']);
    await flushQueue(db);
    expect(await db.searchQueue.count()).toBe(0);
    r = await searchIndex(db, 'quetz');
    expect(r.hits.map((h) => h.kind)).toEqual(['message']);
    r = await searchIndex(db, 'bird');
    expect(r.hits.map((h) => h.kind)).toEqual(['title']);
    while (await backfillBlock(db, { pause: async () => {} }));
    r = await searchIndex(db, '"quetzal is"');
    expect(r.hits.length).toBe(1);
    expect(await db.searchDocs.count()).toBe(2);
  });
});
