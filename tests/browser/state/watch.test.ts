// In Chromium: there Dexie's context is lost at a nested await, where Node's fake database hides it.
// What the screen follows sees every write to what it read, including what the repositories read
// after their first await: a session written by another part of the app shows up in the sidebar's
// page, and a reply written to it shows in its message count.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../../src/lib/db/database';
import { appendMessage } from '../../../src/lib/domain/messages';
import { createSession, trashSession } from '../../../src/lib/domain/sessions';
import { readLibrary, type WorkspaceView } from '../../../src/lib/state/library.svelte';
import { watch } from '../../../src/lib/state/watch';
import { newSession } from '../../helpers/builders';
import { openTestDb } from '../../helpers/db';

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

/** The sidebar's page of the default workspace, as `title:count`, each time it is read. */
function follow(views: WorkspaceView[][]) {
  return () =>
    views.map((v) =>
      (v.find((w) => w.workspace.id === DEFAULT_WORKSPACE_ID)?.sessions ?? []).map(
        (s) => `${s.title}:${s.messageCount}`,
      ),
    );
}

describe('following the library', () => {
  it('sees a session created after the first read, and a message appended to it', async () => {
    const { db } = await openTestDb();
    await newSession(db, { title: 'Older' });
    const views: WorkspaceView[][] = [];
    const sub = watch(() => readLibrary(db, { pages: {}, filter: '', openId: null })).subscribe({
      next: (v) => views.push(v),
    });
    stops.push(() => sub.unsubscribe());
    const seen = follow(views);
    await expect.poll(seen).toEqual([['Older:0']]);

    const s = await createSession(db, {
      workspaceId: DEFAULT_WORKSPACE_ID,
      title: 'Before the flight',
    });
    await expect.poll(() => seen().at(-1)).toEqual(['Before the flight:0', 'Older:0']);

    await appendMessage(db, s.id, { role: 'user', content: 'What do terns eat?' });
    await expect.poll(() => seen().at(-1)).toEqual(['Before the flight:1', 'Older:0']);

    await trashSession(db, s.id);
    await expect.poll(() => seen().at(-1)).toEqual(['Older:0']);
  });
});
