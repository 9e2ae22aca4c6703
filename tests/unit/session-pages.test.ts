// The sidebar's and the trash's pages: the most recent first, one past the page says whether more
// follow, the title filter reads until a page of matches, the open session is always listed, and
// the counts come from the indexes.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID, type TernDB } from '../../src/lib/db/database';
import type { SessionRow } from '../../src/lib/db/rows';
import {
  countTrash,
  countSessionsByWorkspace,
  createWorkspace,
  emptyTrash,
  sessionPage,
  trashedByWorkspace,
  trashPage,
} from '../../src/lib/domain/sessions';
import { readLibrary, readTrash } from '../../src/lib/state/library.svelte';
import { openTestDb } from '../helpers/db';
import { sessionRow } from '../helpers/builders';

function row(i: number, workspaceId = DEFAULT_WORKSPACE_ID, deletedAt: number | null = null) {
  const title = i % 10 === 0 ? `Tenth ${i}` : `Chat ${i}`;
  return sessionRow({ id: `s${i}`, workspaceId, title, deletedAt }, 1_000_000 + i * 1000);
}

async function library(): Promise<TernDB> {
  const { db } = await openTestDb();
  const other = await createWorkspace(db, { name: 'Other', id: 'other' });
  const rows: SessionRow[] = [];
  for (let i = 0; i < 250; i++) rows.push(row(i, i < 200 ? DEFAULT_WORKSPACE_ID : other.id));
  // Five of the default workspace's in the trash, trashed in this order.
  for (const [k, i] of [3, 150, 199, 7, 42].entries())
    rows[i] = row(i, DEFAULT_WORKSPACE_ID, k + 1);
  await db.sessions.bulkPut(rows);
  return db;
}

const ids = (rows: SessionRow[]) => rows.map((s) => s.id);

describe('pages of sessions', () => {
  it('lists the most recent live sessions of a workspace, and says whether more follow', async () => {
    const db = await library();
    const first = await sessionPage(db, DEFAULT_WORKSPACE_ID, 10);
    expect(ids(first.rows)).toEqual(
      [198, 197, 196, 195, 194, 193, 192, 191, 190, 189].map((i) => `s${i}`),
    );
    expect(first.more).toBe(true);
    const all = await sessionPage(db, DEFAULT_WORKSPACE_ID, 195);
    expect(all.rows).toHaveLength(195);
    expect(all.more).toBe(false);
    const counts = await countSessionsByWorkspace(db);
    expect(counts.get(DEFAULT_WORKSPACE_ID)).toBe(200);
    expect(counts.get('other')).toBe(50);
  });

  it('filters titles across the whole workspace, a page of matches at a time', async () => {
    const db = await library();
    const tenth = (s: SessionRow) => s.title.toLowerCase().includes('tenth');
    const page = await sessionPage(db, DEFAULT_WORKSPACE_ID, 3, tenth);
    expect(ids(page.rows)).toEqual(['s190', 's180', 's170']);
    expect(page.more).toBe(true);
    const last = await sessionPage(db, DEFAULT_WORKSPACE_ID, 20, tenth);
    expect(last.rows.at(-1)?.id).toBe('s0');
    expect(last.more).toBe(false);
  });

  it('lists the trash most recently trashed first, with its counts', async () => {
    const db = await library();
    const page = await trashPage(db, 2);
    expect(ids(page.rows)).toEqual(['s42', 's7']);
    expect(page.more).toBe(true);
    expect(await countTrash(db)).toBe(5);
    expect([...(await trashedByWorkspace(db))]).toEqual([[DEFAULT_WORKSPACE_ID, 5]]);
    expect(await readTrash(db, 10)).toMatchObject({ count: 5, more: false });
  });

  it('gives the sidebar each workspace’s page, the open session wherever it falls', async () => {
    const db = await library();
    const views = await readLibrary(db, { pages: { other: 5 }, filter: '', openId: 's10' });
    expect(views.map((v) => [v.workspace.id, v.sessions.length, v.more])).toEqual([
      [DEFAULT_WORKSPACE_ID, 101, true],
      ['other', 5, true],
    ]);
    expect(views[0]?.sessions.at(-1)?.id).toBe('s10');
    // A trashed open session is not listed; a filtered one only if it matches.
    const trashedOpen = await readLibrary(db, { pages: {}, filter: '', openId: 's3' });
    expect(trashedOpen[0]?.sessions).toHaveLength(100);
    const filtered = await readLibrary(db, { pages: {}, filter: 'tenth', openId: 's11' });
    expect(filtered[0]?.sessions.some((s) => s.id === 's11')).toBe(false);
    expect(filtered[1]?.sessions.every((s) => s.title.startsWith('Tenth'))).toBe(true);
  });

  it('empties a big trash a chunk of sessions at a time, telling its progress', async () => {
    const { db } = await openTestDb();
    const rows = Array.from({ length: 250 }, (_, i) => row(i, DEFAULT_WORKSPACE_ID, i + 1));
    rows.push(row(300));
    await db.sessions.bulkPut(rows);
    await db.messages.add({
      id: 'm1',
      sessionId: 's5',
      seq: 1,
      role: 'user',
      content: 'x',
      parts: [],
      name: null,
      toolCallId: null,
      tokens: null,
      status: 'complete',
      error: null,
      preserved: false,
      metadata: {},
      createdAt: 1,
      updatedAt: 1,
    });
    const seen: [number, number][] = [];
    expect(await emptyTrash(db, (done, total) => seen.push([done, total]))).toBe(250);
    expect(seen).toEqual([
      [100, 250],
      [200, 250],
      [250, 250],
    ]);
    expect(await db.sessions.toCollection().primaryKeys()).toEqual(['s300']);
    expect(await db.messages.count()).toBe(0);
  });
});
