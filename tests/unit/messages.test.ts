import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { trashSession } from '../../src/lib/domain/sessions';
import {
  allMessages,
  appendMessage,
  deleteMessage,
  editMessage,
  firstMessageBy,
  latestMessages,
  messagesBefore,
  openMessages,
} from '../../src/lib/domain/messages';
import { addImage } from '../../src/lib/domain/images';
import { openTestDb } from '../helpers/db';
import { newSession } from '../helpers/builders';

async function setup() {
  const { db } = await openTestDb();
  const session = await newSession(db, { title: 'Chat' });
  return { db, session };
}

describe('messages', () => {
  it('appends in order with increasing seq and keeps the counters true', async () => {
    const { db, session } = await setup();
    const a = await appendMessage(db, session.id, { role: 'user', content: 'Hi', tokens: 3 });
    const b = await appendMessage(db, session.id, {
      role: 'assistant',
      content: 'Hello',
      tokens: 5,
    });
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(a.parts).toEqual([{ type: 'text', text: 'Hi' }]);
    const s = await db.sessions.get(session.id);
    expect(s?.messageCount).toBe(2);
    expect(s?.totalTokens).toBe(8);
    expect(s?.lastActivityAt).toBe(b.createdAt);
    expect(s?.updatedAt).toBe(b.createdAt);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('gives racing appends distinct, ordered seq values', async () => {
    const { db, session } = await setup();
    const rows = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        appendMessage(db, session.id, { role: 'user', content: `m${i}` }),
      ),
    );
    const seqs = rows.map((r) => r.seq).sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(40);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await db.sessions.get(session.id))?.messageCount).toBe(40);
    expect((await checkIntegrity(db)).ok).toBe(true);
  });

  it('gives racing appends from two connections (two tabs) distinct seq values', async () => {
    const { db, deps } = await openTestDb();
    const { createDatabase } = await import('../../src/lib/db/database');
    const other = createDatabase(deps);
    await other.open();
    const session = await newSession(db);
    const rows = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        appendMessage(i % 2 ? db : other, session.id, { role: 'user', content: `m${i}` }),
      ),
    );
    expect(new Set(rows.map((r) => r.seq)).size).toBe(30);
    expect((await checkIntegrity(db)).ok).toBe(true);
    other.close();
  });

  it('edits content, tokens and status and keeps totals and the open-status index true', async () => {
    const { db, session } = await setup();
    const m = await appendMessage(db, session.id, {
      role: 'assistant',
      content: '',
      status: 'streaming',
      tokens: 0,
    });
    expect((await openMessages(db, 'streaming')).map((x) => x.id)).toEqual([m.id]);
    const edited = await editMessage(db, m.id, {
      content: 'Done.',
      tokens: 12,
      status: 'complete',
    });
    expect(edited.content).toBe('Done.');
    expect(edited.parts).toEqual([{ type: 'text', text: 'Done.' }]);
    expect(await openMessages(db, 'streaming')).toEqual([]);
    expect((await db.sessions.get(session.id))?.totalTokens).toBe(12);
    expect((await checkIntegrity(db)).ok).toBe(true);
  });

  it('deletes a message with its images and keeps counters true', async () => {
    const { db, session } = await setup();
    const m = await appendMessage(db, session.id, { role: 'user', content: 'look', tokens: 4 });
    await addImage(db, {
      sessionId: session.id,
      messageId: m.id,
      blob: new Blob(['x'], { type: 'image/png' }),
    });
    await appendMessage(db, session.id, { role: 'assistant', content: 'nice', tokens: 2 });
    await deleteMessage(db, m.id);
    const s = await db.sessions.get(session.id);
    expect([s?.messageCount, s?.imageCount, s?.totalTokens]).toEqual([1, 0, 2]);
    expect(await db.images.count()).toBe(0);
    expect((await checkIntegrity(db)).ok).toBe(true);
  });

  it('pages from the newest backwards without gaps or overlap', async () => {
    const { db, session } = await setup();
    for (let i = 0; i < 120; i++)
      await appendMessage(db, session.id, { role: i % 2 ? 'assistant' : 'user', content: `${i}` });
    const latest = await latestMessages(db, session.id, 50);
    expect(latest.map((m) => m.content)).toEqual(Array.from({ length: 50 }, (_, i) => `${i + 70}`));
    const older = await messagesBefore(db, session.id, latest[0]!.seq, 50);
    expect(older.map((m) => m.content)).toEqual(Array.from({ length: 50 }, (_, i) => `${i + 20}`));
    const oldest = await messagesBefore(db, session.id, older[0]!.seq, 50);
    expect(oldest.map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}`));
    expect((await allMessages(db, session.id)).length).toBe(120);
  });

  it('refuses to write into a trashed or missing session, leaving data as it was', async () => {
    const { db, session } = await setup();
    await appendMessage(db, session.id, { role: 'user', content: 'kept' });
    await trashSession(db, session.id);
    await expect(
      appendMessage(db, session.id, { role: 'user', content: 'x' }),
    ).rejects.toMatchObject({
      code: 'session-trashed',
    });
    await expect(appendMessage(db, 'nope', { role: 'user', content: 'x' })).rejects.toMatchObject({
      code: 'not-found',
    });
    expect((await db.sessions.get(session.id))?.messageCount).toBe(1);
    expect(await db.messages.count()).toBe(1);
  });

  it('rejects bad input with a code and writes nothing', async () => {
    const { db, session } = await setup();
    await expect(
      appendMessage(db, session.id, { role: 'wizard' as 'user', content: 'x' }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(
      appendMessage(db, session.id, { role: 'user', content: 'x', tokens: -1 }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await db.messages.count()).toBe(0);
  });

  it('stores hostile strings exactly as given', async () => {
    const { db, session } = await setup();
    const hostile = '<script>alert(1)</script>\u0000\uD83D\uDE00 __proto__ 日本語 \u202E';
    const m = await appendMessage(db, session.id, {
      role: 'user',
      content: hostile,
      metadata: { ['__proto__']: 'x', constructor: 'y' },
    });
    const back = await db.messages.get(m.id);
    expect(back?.content).toBe(hostile);
    expect(Object.keys(back?.metadata ?? {})).toContain('constructor');
  });

  it('gives the composer’s images to the message they were sent with, and deletes them with it', async () => {
    const { db, session } = await setup();
    const other = await newSession(db, { title: 'Other' });
    const png = () => new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    const attached = await addImage(db, { sessionId: session.id, blob: png() });
    const foreign = await addImage(db, { sessionId: other.id, blob: png() });
    const msg = await appendMessage(db, session.id, {
      role: 'user',
      content: 'What is in these?',
      parts: [
        { type: 'text', text: 'What is in these?' },
        { type: 'image', imageId: attached.id, mimeType: 'image/png' },
        { type: 'image', imageId: foreign.id, mimeType: 'image/png' },
      ],
    });
    expect((await db.images.get(attached.id))?.messageId).toBe(msg.id);
    // Another session's image is never taken over by a message that names it.
    expect((await db.images.get(foreign.id))?.messageId).toBeNull();

    await deleteMessage(db, msg.id);
    expect(await db.images.get(attached.id)).toBeUndefined();
    expect(await db.images.get(foreign.id)).toBeDefined();
    expect((await db.sessions.get(session.id))?.imageCount).toBe(0);
    expect((await db.sessions.get(other.id))?.imageCount).toBe(1);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });

  it('finds the first message of a role in its session only', async () => {
    const { db, session } = await setup();
    const other = await newSession(db, { title: 'Other' });
    await appendMessage(db, other.id, { role: 'user', content: 'elsewhere' });
    await appendMessage(db, session.id, { role: 'system', content: 'Be brief.' });
    await appendMessage(db, session.id, { role: 'assistant', content: 'Hello.' });
    await appendMessage(db, session.id, { role: 'user', content: 'first' });
    await appendMessage(db, session.id, { role: 'user', content: 'second' });
    expect((await firstMessageBy(db, session.id, 'user'))?.content).toBe('first');
    expect((await firstMessageBy(db, session.id, 'tool'))?.content).toBeUndefined();
  });
});
