// Version 3 adds the search index. Runs in Node (fake-indexeddb) and in real Chromium (the browser
// project includes this folder). The upgrade only creates the empty stores; the first pass fills
// them afterwards, resumes from its watermark after an interruption, and every message is found.
import { describe, expect, it } from 'vitest';
import { openTern } from '../../src/lib/db/lifecycle';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { upgradeMarkerKey } from '../../src/lib/db/schema';
import type { MessageRow, SessionRow } from '../../src/lib/db/rows';
import { backfillBlock } from '../../src/lib/domain/search-index/backfill';
import { BLOCK } from '../../src/lib/domain/search-index/postings';
import { searchIndex } from '../../src/lib/domain/search-index/query';
import { freshDeps } from '../helpers/db';
import { seedAtVersion } from './harness';

const T = 1_700_000_000_000;
const noPause = async () => {};

function library(sessions: number, perSession: number) {
  const s: SessionRow[] = [];
  const m: MessageRow[] = [];
  for (let i = 0; i < sessions; i++) {
    const id = `s${i}`;
    s.push({
      id,
      workspaceId: 'w',
      title: `Session ${i}`,
      model: null,
      createdAt: T + i,
      updatedAt: T + i,
      lastActivityAt: T + i * 1000,
      deletedAt: null,
      messageCount: perSession,
      imageCount: 0,
      totalTokens: 0,
      compactionCount: 0,
      metadata: {},
    });
    for (let k = 1; k <= perSession; k++)
      m.push({
        id: `${id}-${k}`,
        sessionId: id,
        seq: k,
        role: k % 2 ? 'user' : 'assistant',
        content: `word${i}x${k}y and the river`,
        parts: [],
        name: null,
        toolCallId: null,
        tokens: null,
        status: 'complete',
        preserved: false,
        metadata: {},
        createdAt: T + i * 1000 + k,
        updatedAt: T + i * 1000 + k,
      });
  }
  return { sessions: s, messages: m };
}

describe('upgrading to version 3 (the search index)', () => {
  it('creates the index empty, then the first pass makes every message findable', async () => {
    const deps = await freshDeps();
    const lib = library(30, 10);
    await seedAtVersion(deps, 2, {
      workspaces: [{ id: 'w', name: 'W', createdAt: T, updatedAt: T }],
      ...lib,
    });
    const result = await openTern({ ...deps, appVersion: 'test' });
    if (result.kind !== 'ready') throw new Error(result.kind);
    const db = result.db;
    expect(await db.meta.get(upgradeMarkerKey(3))).toBeDefined();
    expect([
      await db.searchDocs.count(),
      await db.searchPostings.count(),
      await db.searchQueue.count(),
    ]).toEqual([0, 0, 0]);
    expect((await searchIndex(db, 'river')).hits).toEqual([]);
    while (await backfillBlock(db, { pause: noPause }));
    expect(await db.searchDocs.count()).toBe(30 + 300);
    for (const m of lib.messages.filter((_, i) => i % 7 === 0)) {
      const word = /word\d+x\d+y/.exec(m.content)?.[0] ?? '';
      expect((await searchIndex(db, word)).hits.map((h) => h.messageId)).toEqual([m.id]);
    }
    // Newest first: the most recently active session's messages lead a common word's hits.
    expect((await searchIndex(db, 'river')).hits[0]?.sessionId).toBe('s29');
    expect((await checkIntegrity(db)).issues).toEqual([]);
    db.close();
  });

  it('resumes the first pass from its watermark after the tab closed mid-way', async () => {
    const deps = await freshDeps();
    const lib = library(30, 20);
    await seedAtVersion(deps, 2, {
      workspaces: [{ id: 'w', name: 'W', createdAt: T, updatedAt: T }],
      ...lib,
    });
    let result = await openTern({ ...deps, appVersion: 'test' });
    if (result.kind !== 'ready') throw new Error(result.kind);
    // Stopped during its first block: nothing of it is kept, and the watermark has not moved.
    const stop = new AbortController();
    let reads = 0;
    await backfillBlock(result.db, {
      signal: stop.signal,
      pause: () => {
        if (++reads === 2) stop.abort();
        return Promise.resolve();
      },
    });
    const state = (await result.db.meta.get('search:backfill'))?.value as { down: number };
    expect(state.down).toBe(2 ** 31 - 1);
    result.db.close();
    result = await openTern({ ...deps, appVersion: 'test' });
    if (result.kind !== 'ready') throw new Error(result.kind);
    while (await backfillBlock(result.db, { pause: noPause }));
    expect(await result.db.searchDocs.count()).toBe(30 + 600);
    for (const id of ['s29-20', 's15-1', 's0-7']) {
      const [s, k] = id.slice(1).split('-');
      const hits = (await searchIndex(result.db, `word${s}x${k}y`)).hits;
      expect(hits.map((h) => h.messageId)).toEqual([id]);
    }
    expect(BLOCK).toBeGreaterThan(630);
    result.db.close();
  });
});
