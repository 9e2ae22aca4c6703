import { afterEach, describe, expect, it } from 'vitest';
import { app } from '../../src/lib/state/app.svelte';
import { MessageSearch } from '../../src/lib/state/search.svelte';
import { flushQueue } from '../../src/lib/domain/search-index/writer';
import { openTestDb } from '../helpers/db';
import { sessionWith } from '../helpers/builders';
import { sleep } from '../helpers/sleep';

async function library() {
  const { db } = await openTestDb();
  await sessionWith(db, 1_200, {
    title: 'Birds',
    content: (i) => ((i - 1) % 2 ? `tern ${i - 1}` : `gull ${i - 1}`),
    message: () => ({ role: 'user' }),
  });
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
    await sleep(10);
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
    await sleep(5);
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
    await sleep(20);
    expect(search.query).toBe('');
  });
});
