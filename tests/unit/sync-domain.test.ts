// Sync's local half, between two databases standing for two devices (the server's part is tested
// against a real CouchDB-API server elsewhere): every change is stamped and queued in its own
// transaction, the later change wins on both sides, a deletion syncs and loses to a newer edit,
// and messages appended on both devices while apart all survive, in the same order on both.
import { describe, expect, it } from 'vitest';
import type { TernDB } from '../../src/lib/db/database';
import type { MessageRow } from '../../src/lib/db/rows';
import { recordKey } from '../../src/lib/db/sync-kinds';
import { allMessages, appendMessage, deleteMessage } from '../../src/lib/domain/messages';
import { renameSession } from '../../src/lib/domain/sessions';
import { switchVersion } from '../../src/lib/domain/branches';
import { restartAfter } from '../../src/lib/domain/chat/store';
import { checkIntegrity } from '../../src/lib/db/integrity';
import { applyRecords } from '../../src/lib/domain/sync/incoming';
import { countUnsent, markSent, readUnsent } from '../../src/lib/domain/sync/outgoing';
import { sessionWith } from '../helpers/builders';
import { openTestDb } from '../helpers/db';

/** Sends each side's unsent changes to the other until neither has any left. */
async function exchange(a: TernDB, b: TernDB): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const fromA = (await readUnsent(a, 10_000)).records;
    const fromB = (await readUnsent(b, 10_000)).records;
    if (fromA.length === 0 && fromB.length === 0) return;
    await markSent(a, fromA);
    await markSent(b, fromB);
    await applyRecords(b, structuredClone(fromA));
    await applyRecords(a, structuredClone(fromB));
  }
  throw new Error('the two sides did not settle');
}

const order = (rows: readonly MessageRow[]) => rows.map((m) => [m.seq, m.content]);

describe('sync between two devices, locally', () => {
  it('stamps every change in the same transaction and keeps a deletion as a tombstone', async () => {
    const { db } = await openTestDb();
    const { session, messages } = await sessionWith(db, 2);
    const key = recordKey('message', messages[0]!.id);
    expect((await db.syncClocks.get(key))?.dirty).toBe(1);
    expect(await db.syncClocks.get(recordKey('session', session.id))).toBeTruthy();
    const { records } = await readUnsent(db, 100);
    await markSent(db, records);
    expect(await countUnsent(db)).toBe(0);
    await deleteMessage(db, messages[0]!.id);
    const after = await readUnsent(db, 100);
    const gone = after.records.find((r) => r.key === key);
    expect(gone?.row).toBeNull();
  });

  it('applies the later change on both sides, and a deletion loses to a newer edit', async () => {
    const { db: a } = await openTestDb();
    const { db: b } = await openTestDb();
    const { session } = await sessionWith(a, 2);
    await exchange(a, b);
    expect((await b.sessions.get(session.id))?.title).toBe(session.title);
    await renameSession(a, session.id, 'From A');
    await new Promise((r) => setTimeout(r, 5));
    await renameSession(b, session.id, 'From B, later');
    await exchange(a, b);
    expect((await a.sessions.get(session.id))?.title).toBe('From B, later');
    expect((await b.sessions.get(session.id))?.title).toBe('From B, later');

    const [first] = await allMessages(a, session.id);
    await deleteMessage(a, first!.id);
    await new Promise((r) => setTimeout(r, 5));
    await b.messages.update(first!.id, { content: 'edited on B after the delete' });
    await exchange(a, b);
    expect((await a.messages.get(first!.id))?.content).toBe('edited on B after the delete');

    // And the other way round: an edit older than a deletion loses to it.
    const [second] = (await allMessages(a, session.id)).slice(1);
    await b.messages.update(second!.id, { content: 'edited on B before the delete' });
    await new Promise((r) => setTimeout(r, 5));
    await deleteMessage(a, second!.id);
    await exchange(a, b);
    expect(await a.messages.get(second!.id)).toBeUndefined();
    expect(await b.messages.get(second!.id)).toBeUndefined();
    expect((await b.sessions.get(session.id))?.messageCount).toBe(
      (await a.sessions.get(session.id))?.messageCount,
    );
  });

  it('keeps the messages both devices appended while apart, in one order on both', async () => {
    const { db: a } = await openTestDb();
    const { db: b } = await openTestDb();
    const { session } = await sessionWith(a, 2);
    await exchange(a, b);
    await appendMessage(a, session.id, { role: 'user', content: 'A1' });
    await appendMessage(a, session.id, { role: 'assistant', content: 'A2' });
    await new Promise((r) => setTimeout(r, 5));
    await appendMessage(b, session.id, { role: 'user', content: 'B1' });
    await appendMessage(b, session.id, { role: 'assistant', content: 'B2' });
    await exchange(a, b);
    const onA = order(await allMessages(a, session.id));
    const onB = order(await allMessages(b, session.id));
    expect(onA).toEqual(onB);
    expect(onA.map(([, c]) => c)).toEqual(['m1', 'm2', 'A1', 'A2', 'B1', 'B2']);
    expect((await a.sessions.get(session.id))?.messageCount).toBe(6);
    expect((await b.sessions.get(session.id))?.messageCount).toBe(6);
  });

  it('carries every version, and a flip on one device is a flip on the other', async () => {
    const { db: a } = await openTestDb();
    const { db: b } = await openTestDb();
    const { session, messages } = await sessionWith(a, 4);
    const again = await restartAfter(a, session.id, 1, {});
    await a.messages.update(again.id, {
      content: 'm2 again',
      status: 'complete',
      openStatus: undefined,
    });
    await exchange(a, b);
    const path = async (db: TernDB) => (await allMessages(db, session.id)).map((m) => m.content);
    expect(await path(b)).toEqual(['m1', 'm2 again']);
    expect((await b.branchMessages.toArray()).map((m) => m.content).sort()).toEqual([
      'm2',
      'm3',
      'm4',
    ]);
    await switchVersion(b, again.id, messages[1]!.id);
    await exchange(a, b);
    expect(await path(a)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect((await a.branchMessages.toArray()).map((m) => m.content)).toEqual(['m2 again']);
    expect(await checkIntegrity(a)).toMatchObject({ ok: true });
  });

  it('does not send a message that is still waiting or streaming', async () => {
    const { db } = await openTestDb();
    const { session } = await sessionWith(db, 1);
    await appendMessage(db, session.id, { role: 'assistant', content: '', status: 'streaming' });
    const { records, held } = await readUnsent(db, 100);
    expect(held).toBe(1);
    expect(
      records.some((r) => r.kind === 'message' && (r.row as MessageRow).status === 'streaming'),
    ).toBe(false);
  });
});
