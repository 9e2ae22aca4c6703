import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/lib/db/database';
import { appendMessage } from '../../src/lib/domain/messages';
import { createSession } from '../../src/lib/domain/sessions';
import { app } from '../../src/lib/state/app.svelte';
import { MessageSearch } from '../../src/lib/state/search.svelte';
import { flushQueue } from '../../src/lib/domain/search-index/writer';
import { openTestDb } from '../helpers/db';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function library() {
  const { db } = await openTestDb();
  const s = await createSession(db, { workspaceId: DEFAULT_WORKSPACE_ID, title: 'Birds' });
  for (let i = 0; i < 1_200; i++)
    await appendMessage(db, s.id, { role: 'user', content: i % 2 ? `tern ${i}` : `gull ${i}` });
  while ((await flushQueue(db)) > 0);
  app.use(db);
  return db;
}

describe('the sidebar search state', () => {
  afterEach(() => {
    app.use(null);
  });

  it('waits for typing to stop, and only the last query runs', async () => {
    await library();
    const search = new MessageSearch(40);
    search.set('g');
    search.set('gu');
    search.set('gull');
    expect(search.status).toBe('searching');
    await wait(10);
    expect(search.query).toBe('');
    await expect.poll(() => search.status).toBe('done');
    expect(search.query).toBe('gull');
    expect(search.hits.length).toBe(50);
    expect(search.limited).toBe(true);
    expect(search.hits.every((h) => /^gull \d+$/.test(h.snippet.text))).toBe(true);
  });

  it('drops a search under way when a new key is pressed, keeping only the new one’s hits', async () => {
    await library();
    const search = new MessageSearch(0);
    search.set('nowhere at all');
    await wait(5);
    expect(search.query).toBe('nowhere at all');
    search.set('tern 1199');
    expect(search.status).toBe('searching');
    await expect.poll(() => search.status).toBe('done');
    expect(search.query).toBe('tern 1199');
    expect(search.hits.map((h) => h.seq)).toEqual([1200]);
    expect(search.error).toBe(null);
  });

  it('clears at once for an empty query, and stops on request', async () => {
    await library();
    const search = new MessageSearch(0);
    search.set('tern');
    await expect.poll(() => search.status).toBe('done');
    search.set('   ');
    expect(search).toMatchObject({ status: 'idle', query: '', hits: [], limited: false });
    search.set('nowhere');
    search.stop();
    expect(search.status).toBe('done');
    await wait(20);
    expect(search.query).toBe('');
  });
});
