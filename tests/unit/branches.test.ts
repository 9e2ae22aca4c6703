// The conversation tree: versions set aside keep their ids and text, flipping brings back a
// version with its own continuation, deleting a version never takes its siblings, deleting one
// message keeps the versions below it attached, and the session's counters count every message.
import { describe, expect, it } from 'vitest';
import type { TernDB } from '../../src/lib/db/database';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { BRANCH_ROOT, type MessageRow } from '../../src/lib/db/rows';
import { addImage } from '../../src/lib/domain/images';
import {
  countVersion,
  deleteVersion,
  planFlips,
  switchVersion,
  versionsOf,
} from '../../src/lib/domain/branches';
import { branchOff } from '../../src/lib/domain/branch-off';
import { planFlipHead } from '../../src/lib/domain/flip-head';
import { activateMessage } from '../../src/lib/domain/branch-path';
import { allMessages, appendMessage, deleteMessage } from '../../src/lib/domain/messages';
import { getSession } from '../../src/lib/domain/sessions';
import { newVersionOf, restartAfter } from '../../src/lib/domain/chat/store';
import { sessionWith } from '../helpers/builders';
import { openTestDb } from '../helpers/db';

const texts = (rows: readonly MessageRow[]) => rows.map((m) => m.content);

async function counters(db: TernDB, id: string) {
  const s = await getSession(db, id);
  return { messages: s?.messageCount, tokens: s?.totalTokens, images: s?.imageCount };
}

/** Regenerates the reply at `seq`'s place with a finished reply of `text`. */
async function regenerate(db: TernDB, sessionId: string, afterSeq: number, text: string) {
  const reply = await restartAfter(db, sessionId, afterSeq, {});
  await db.messages.update(reply.id, { content: text, status: 'complete', openStatus: undefined });
  return reply;
}

/** Under the first reply (m2): a question with two answers, the second one shown last. */
async function forkBelowFirstReply() {
  const { db } = await openTestDb();
  const { session, messages } = await sessionWith(db, 2);
  await appendMessage(db, session.id, { role: 'user', content: 'q2' });
  await appendMessage(db, session.id, { role: 'assistant', content: 'a2' });
  await regenerate(db, session.id, 3, 'a2 again');
  return { db, session, first: messages[1] as MessageRow };
}

describe('the conversation tree', () => {
  it('sets a regenerated reply and what followed it aside, and flips back to them', async () => {
    const { db } = await openTestDb();
    const { session, messages } = await sessionWith(db, 4, {
      message: () => ({ tokens: 3 }),
    });
    const [, firstReply] = messages as [MessageRow, MessageRow];
    const again = await regenerate(db, session.id, 1, 'm2 again');
    expect(texts(await allMessages(db, session.id))).toEqual(['m1', 'm2 again']);
    // Nothing is lost: the counters still count the four, and the new reply.
    expect(await counters(db, session.id)).toEqual({ messages: 5, tokens: 12, images: 0 });
    const aside = await db.branchMessages.toArray();
    expect(aside.map((m) => [m.content, m.parentId])).toEqual(
      expect.arrayContaining([
        ['m2', (messages[0] as MessageRow).id],
        ['m3', firstReply.id],
        ['m4', (messages[2] as MessageRow).id],
      ]),
    );

    const path = await allMessages(db, session.id);
    const versions = await versionsOf(db, session.id, path, true);
    expect(versions.get(again.id)).toEqual({ ids: [firstReply.id, again.id], index: 1 });
    expect(versions.has((path[0] as MessageRow).id)).toBe(false);

    await switchVersion(db, again.id, firstReply.id);
    const back = await allMessages(db, session.id);
    expect(texts(back)).toEqual(['m1', 'm2', 'm3', 'm4']);
    // The same rows, ids kept, in order.
    expect(back.map((m) => m.id)).toEqual(messages.map((m) => m.id));
    expect(back.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect((await db.branchMessages.toArray()).map((m) => m.content)).toEqual(['m2 again']);
    expect(await counters(db, session.id)).toEqual({ messages: 5, tokens: 12, images: 0 });

    // Flipping again shows the new reply alone, as it was.
    await switchVersion(db, firstReply.id, again.id);
    expect(texts(await allMessages(db, session.id))).toEqual(['m1', 'm2 again']);
  });

  it('brings back the continuation that was on screen last, in a branch of several', async () => {
    const { db, session, first } = await forkBelowFirstReply();
    const other = await regenerate(db, session.id, 1, 'other reply');
    await switchVersion(db, other.id, first.id);
    expect(texts(await allMessages(db, session.id))).toEqual(['m1', 'm2', 'q2', 'a2 again']);
  });

  it('reads the first screenful of a flip as the whole flip draws it, forks and versions too', async () => {
    const { db, session, first } = await forkBelowFirstReply();
    // Then a long tail below the newer answer.
    for (let i = 0; i < 6; i++)
      await appendMessage(db, session.id, { role: 'user', content: `t${i}` });
    const other = await regenerate(db, session.id, 1, 'other reply');
    const [whole] = await planFlips(db, other.id, [first.id]);
    expect(whole?.rows.map((m) => m.content)).toEqual([
      'm2',
      'q2',
      'a2 again',
      't0',
      't1',
      't2',
      't3',
      't4',
      't5',
    ]);
    for (const limit of [1, 3, 9, 40]) {
      const head = await planFlipHead(db, other.id, first.id, limit);
      expect(head?.rows).toEqual(whole?.rows.slice(0, limit));
      expect(head?.versions).toEqual(
        new Map([...(whole?.versions ?? [])].filter(([id]) => head?.rows.some((m) => m.id === id))),
      );
    }
    // 2/2 at the first reply, 2/2 at the fork below: the versions the switchers show.
    expect(
      [...(whole?.versions.values() ?? [])].map((v) => `${v.index + 1}/${v.ids.length}`),
    ).toEqual(['1/2', '2/2']);
  });

  it('reads no first screenful for a flip that cannot happen now', async () => {
    const { db } = await openTestDb();
    const { session, messages } = await sessionWith(db, 4);
    const reply = await regenerate(db, session.id, 3, 'm4 again');
    const aside = (await db.branchMessages.toArray())[0];
    // From another place, or with a reply still arriving below.
    expect(await planFlipHead(db, (messages[1] as MessageRow).id, aside?.id ?? '')).toBeUndefined();
    await db.messages.update(reply.id, { status: 'streaming', openStatus: 'streaming' });
    expect(await planFlipHead(db, reply.id, aside?.id ?? '')).toBeUndefined();
    expect(await planFlipHead(db, reply.id, 'gone')).toBeUndefined();
  });

  it('refuses a version from another place, and says why', async () => {
    const { db } = await openTestDb();
    const { session, messages } = await sessionWith(db, 4);
    await regenerate(db, session.id, 3, 'm4 again');
    const aside = (await db.branchMessages.toArray())[0];
    await expect(
      switchVersion(db, (messages[1] as MessageRow).id, aside?.id ?? ''),
    ).rejects.toThrow('That version belongs elsewhere in the conversation.');
    expect(texts(await allMessages(db, session.id))).toEqual(['m1', 'm2', 'm3', 'm4 again']);
  });

  it('deletes one version with everything below it, and its newest sibling takes its place', async () => {
    const { db } = await openTestDb();
    const { session, messages } = await sessionWith(db, 4);
    await regenerate(db, session.id, 1, 'm2 b');
    const c = await regenerate(db, session.id, 1, 'm2 c');
    // Under "m2 c", its own follow-up with two versions.
    await appendMessage(db, session.id, { role: 'user', content: 'q' });
    await regenerate(db, session.id, 3, 'a1');
    await regenerate(db, session.id, 3, 'a2');
    expect(await countVersion(db, c.id)).toBe(4);
    expect(await deleteVersion(db, c.id)).toBe(4);
    // "m2 b" was set aside after the first version, so it is the one shown.
    expect(texts(await allMessages(db, session.id))).toEqual(['m1', 'm2 b']);
    const left = (await db.branchMessages.toArray()).map((m) => m.content).sort();
    expect(left).toEqual(['m2', 'm3', 'm4']);
    expect((await counters(db, session.id)).messages).toBe(5);
    const path = await allMessages(db, session.id);
    expect((await versionsOf(db, session.id, path, true)).get(path[1]?.id ?? '')?.ids).toEqual([
      (messages[1] as MessageRow).id,
      path[1]?.id,
    ]);
  });

  it('keeps the versions below a message deleted alone attached to the one before it', async () => {
    const { db } = await openTestDb();
    const { session, messages } = await sessionWith(db, 3);
    await regenerate(db, session.id, 2, 'm3 again');
    const m2 = messages[1] as MessageRow;
    await deleteMessage(db, m2.id);
    const aside = await db.branchMessages.toArray();
    expect(aside.map((m) => [m.content, m.parentId])).toEqual([
      ['m3', (messages[0] as MessageRow).id],
    ]);
  });

  it('sends an edited question as a new version with its images copied', async () => {
    const { db } = await openTestDb();
    const { session } = await sessionWith(db, 0);
    const blob = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' });
    const image = await addImage(db, { sessionId: session.id, blob, width: 1, height: 1 });
    const q = await appendMessage(db, session.id, {
      role: 'user',
      parts: [
        { type: 'text', text: 'what is this?' },
        { type: 'image', imageId: image.id },
      ],
    });
    await appendMessage(db, session.id, { role: 'assistant', content: 'a dot' });
    const edited = await newVersionOf(db, q.id, 'and this?', 2);
    expect(edited.seq).toBe(1);
    const copied = edited.parts.find((p) => p.type === 'image');
    expect(copied && copied.type === 'image' && copied.imageId).not.toBe(image.id);
    const rows = await db.images.toArray();
    expect(rows.map((i) => i.messageId).sort()).toEqual([q.id, edited.id].sort());
    expect(await counters(db, session.id)).toEqual({ messages: 3, tokens: 2, images: 2 });
    const versions = await versionsOf(db, session.id, [edited], true);
    expect(versions.get(edited.id)?.ids).toEqual([q.id, edited.id]);
    expect((await db.branchMessages.get(q.id))?.parentId).toBe(BRANCH_ROOT);

    // A search hit in the old version opens it: the first message's other version comes back.
    expect(await activateMessage(db, q.id)).toBe(session.id);
    expect(texts(await allMessages(db, session.id))).toEqual(['what is this?', 'a dot']);
    expect((await allMessages(db, session.id)).map((m) => m.seq)).toEqual([1, 2]);
  });

  it('drops a failed empty reply on retry rather than keeping it as a version', async () => {
    const { db } = await openTestDb();
    const { session } = await sessionWith(db, 1);
    await appendMessage(db, session.id, { role: 'assistant', status: 'error', content: '' });
    await restartAfter(db, session.id, 1, {});
    expect(await db.branchMessages.count()).toBe(0);
    expect((await allMessages(db, session.id)).map((m) => m.status)).toEqual([
      'complete',
      'streaming',
    ]);
  });

  it('branches off into a new session holding the path up to a message, images copied', async () => {
    const { db } = await openTestDb();
    const { session, messages } = await sessionWith(db, 1, { title: 'Trip' });
    const blob = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' });
    const image = await addImage(db, { sessionId: session.id, blob, width: 1, height: 1 });
    const reply = await appendMessage(db, session.id, {
      role: 'assistant',
      parts: [
        { type: 'text', text: 'm2' },
        { type: 'image', imageId: image.id },
      ],
    });
    await appendMessage(db, session.id, { role: 'user', content: 'm3' });
    const copy = await branchOff(db, reply.id);
    expect(copy.title).toBe('Trip (branch)');
    expect(copy.metadata.branchedFrom).toEqual({ sessionId: session.id, messageId: reply.id });
    const rows = await allMessages(db, copy.id);
    expect(texts(rows)).toEqual(['m1', 'm2']);
    expect(rows.map((m) => m.id)).not.toContain((messages[0] as MessageRow).id);
    // The reply's image is a copy of its own, in the new session, attached to the copied reply.
    const part = rows[1]?.parts.find((p) => p.type === 'image');
    const copiedId = part?.type === 'image' ? part.imageId : '';
    expect(copiedId).not.toBe(image.id);
    const copied = await db.images.get(copiedId);
    expect([copied?.sessionId, copied?.messageId, copied?.bytes]).toEqual([
      copy.id,
      rows[1]?.id,
      image.bytes,
    ]);
    expect(await counters(db, copy.id)).toEqual({ messages: 2, tokens: 0, images: 1 });
    // The source keeps its messages and its image.
    expect(texts(await allMessages(db, session.id))).toEqual(['m1', 'm2', 'm3']);
    expect((await db.images.get(image.id))?.messageId).toBe(reply.id);
    expect((await checkIntegrity(db)).issues).toEqual([]);
  });
});
