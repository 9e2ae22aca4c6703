// A flip is drawn before it is written: the window shows the new path from the rows the flip read,
// hands over to the stored rows once they show it, and shows the old path again (with a notice)
// when the write fails.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageRow } from '../../src/lib/db/rows';
import { allMessages } from '../../src/lib/domain/messages';
import { app } from '../../src/lib/state/app.svelte';
import { planFlips, switchVersion } from '../../src/lib/state/branch-actions';
import {
  drawFlip,
  Flips,
  flips,
  writtenVersions,
  type ShownFlip,
} from '../../src/lib/state/flips.svelte';
import { view } from '../../src/lib/state/view.svelte';
import { restartAfter } from '../../src/lib/domain/chat/store';
import { HEAD_ROWS } from '../../src/lib/domain/flip-head';
import { editMessage } from '../../src/lib/domain/messages';
import { sessionWith } from '../helpers/builders';
import { openTestDb } from '../helpers/db';

const row = (id: string, seq: number) => ({ id, seq }) as MessageRow;

function flip(over: Partial<ShownFlip> = {}): ShownFlip {
  return {
    id: 1,
    sessionId: 's',
    seq: 3,
    rows: [row('x3', 3), row('x4', 4), row('x5', 5)],
    versions: new Map([['x3', { ids: ['a3', 'x3'], index: 1 }]]),
    writtenAt: null,
    ...over,
  };
}

const ids = (rows: readonly MessageRow[] | undefined) => rows?.map((m) => m.id);
const window = [row('a1', 1), row('a2', 2), row('a3', 3), row('a4', 4)];

describe('a flip drawn over the window', () => {
  it('replaces the rows from its seq on, within the window’s bounds', () => {
    expect(ids(drawFlip(window, flip(), 's', 1, null)?.rows)).toEqual([
      'a1',
      'a2',
      'x3',
      'x4',
      'x5',
    ]);
    expect(ids(drawFlip(window, flip(), 's', 1, 4)?.rows)).toEqual(['a1', 'a2', 'x3', 'x4']);
    expect(ids(drawFlip(window.slice(3), flip(), 's', 4, null)?.rows)).toEqual(['x4', 'x5']);
    expect(drawFlip(window, flip(), 's', 1, null)?.ids).toEqual(new Set(['x3', 'x4', 'x5']));
  });

  it('draws nothing in another session, or once written and read back', () => {
    expect(drawFlip(window, flip(), 'other', 1, null)).toBeNull();
    // Written, but the window has not read the new rows yet: still drawn.
    expect(drawFlip(window, flip({ writtenAt: 5 }), 's', 1, null)).not.toBeNull();
    const stored = [row('a1', 1), row('a2', 2), row('x3', 3), row('x4', 4), row('x5', 5)];
    expect(drawFlip(stored, flip({ writtenAt: 5 }), 's', 1, null)).toBeNull();
  });

  it('keeps the versions it left until the window has read them again after the write', () => {
    const left = { ids: ['a3', 'x3'], index: 1 };
    // Not yet written: the drawing itself says what the versions are.
    expect(writtenVersions(flip(), 's', 'x3', 1)).toBeNull();
    // Written at 5, the versions held were read at 4: they still count a3 as the one on screen.
    expect(writtenVersions(flip({ writtenAt: 5 }), 's', 'x3', 4)).toEqual({ versions: left });
    expect(writtenVersions(flip({ writtenAt: 5 }), 's', 'x3', undefined)).toEqual({
      versions: left,
    });
    // A row of the flip with no other versions has none, whatever the old read said.
    expect(writtenVersions(flip({ writtenAt: 5 }), 's', 'x4', 4)).toEqual({ versions: undefined });
    // Read after the write: the stored answer holds; so it does for rows the flip did not draw.
    expect(writtenVersions(flip({ writtenAt: 5 }), 's', 'x3', 6)).toBeNull();
    expect(writtenVersions(flip({ writtenAt: 5 }), 's', 'a1', 4)).toBeNull();
    expect(writtenVersions(flip({ writtenAt: 5 }), 'other', 'x3', 4)).toBeNull();
  });
});

describe('flipping from the screen', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    app.use(null);
    if (flips.current) flips.drop(flips.current.id);
    view.dismiss();
  });

  async function twoVersions() {
    const { db } = await openTestDb();
    const { session, messages } = await sessionWith(db, 4);
    const again = await restartAfter(db, session.id, 1, {});
    await editMessage(db, again.id, { content: 'again', status: 'complete' });
    app.use(db);
    return { db, sid: session.id, first: messages[1] as MessageRow, again };
  }

  it('draws the new path before it is written, then leaves it to the stored rows', async () => {
    const { db, sid, first, again } = await twoVersions();
    let resolved = false;
    const calls: { early: boolean; id: number }[] = [];
    const show = vi.spyOn(flips, 'show').mockImplementation(function (
      this: Flips,
      plan,
      replacing,
    ) {
      const id = Flips.prototype.show.call(this, plan, replacing);
      calls.push({ early: !resolved, id });
      return id;
    });
    const done = switchVersion(again.id, first.id).finally(() => (resolved = true));
    expect(await done).toBe(true);
    show.mockRestore();
    // Drawn from its first screenful, then confirmed by the flip's own plan: one drawing, kept.
    expect(calls.every((c) => c.early)).toBe(true);
    expect(new Set(calls.map((c) => c.id)).size).toBe(1);
    expect(flips.current?.writtenAt).toBeTypeOf('number');
    const stored = await allMessages(db, sid);
    expect(flips.current?.rows).toEqual(stored.slice(1));
    expect(drawFlip(stored, flips.current, sid, 1, null)).toBeNull();
  });

  it('draws the first screenful of a long version at once, then the whole of it', async () => {
    const { db } = await openTestDb();
    const { session, messages } = await sessionWith(db, 60);
    const again = await restartAfter(db, session.id, 1, {});
    await editMessage(db, again.id, { content: 'again', status: 'complete' });
    app.use(db);
    const drawn: string[][] = [];
    const show = vi.spyOn(flips, 'show').mockImplementation(function (
      this: Flips,
      plan,
      replacing,
    ) {
      drawn.push(plan.rows.map((m) => m.id));
      return Flips.prototype.show.call(this, plan, replacing);
    });
    expect(await switchVersion(again.id, (messages[1] as MessageRow).id)).toBe(true);
    show.mockRestore();
    const stored = await allMessages(db, session.id);
    const path = stored.slice(1).map((m) => m.id);
    expect(path).toHaveLength(59);
    expect(drawn).toEqual([path.slice(0, HEAD_ROWS), path]);
    expect(flips.current?.rows).toEqual(stored.slice(1));
  });

  it('draws a flip planned ahead at the click, and its own reads leave the drawing as it is', async () => {
    const { db, sid, first, again } = await twoVersions();
    // The pointer rests on the arrows a while before the click.
    await planFlips(again.id, [first.id]);
    let written = false;
    const calls: { replacing: number | null | undefined; written: boolean }[] = [];
    const show = vi.spyOn(flips, 'show').mockImplementation(function (
      this: Flips,
      plan,
      replacing,
    ) {
      calls.push({ replacing, written });
      return Flips.prototype.show.call(this, plan, replacing);
    });
    const done = switchVersion(again.id, first.id).finally(() => (written = true));
    await vi.waitUntil(() => calls.length > 0);
    const drawn = flips.current;
    expect(drawn?.rows.map((m) => m.content)).toEqual(['m2', 'm3', 'm4']);
    expect(await done).toBe(true);
    // Drawn first from the plan made ahead, then the flip's own plan found the same: the drawing
    // was left as it was.
    expect(calls).toEqual([
      { replacing: undefined, written: false },
      { replacing: drawn?.id, written: false },
    ]);
    expect(flips.current?.id).toBe(drawn?.id);
    expect(flips.current?.writtenAt).toBeTypeOf('number');
    expect(flips.current?.rows).toBe(drawn?.rows);
    expect(drawFlip(await allMessages(db, sid), flips.current, sid, 1, null)).toBeNull();
    show.mockRestore();
  });

  it('shows the old path again and says why when the write fails', async () => {
    const { db, sid, first, again } = await twoVersions();
    // A reply on screen still being written, but not marked so on the sparse index (as a row from
    // an older version could be): the flip is drawn, then refused when the tail is read.
    await db.messages.update(again.id, { status: 'streaming' });
    const before = await allMessages(db, sid);
    const show = vi.spyOn(flips, 'show');
    expect(await switchVersion(again.id, first.id)).toBe(false);
    expect(show).toHaveBeenCalled();
    show.mockRestore();
    expect(flips.current).toBeNull();
    expect(view.notice?.kind).toBe('error');
    // What is in the way, not a generic "already exists".
    expect(view.notice?.text).toBe(
      'A reply is still being written or a message waits to be sent in this version.',
    );
    expect(await allMessages(db, sid)).toEqual(before);
  });
});
