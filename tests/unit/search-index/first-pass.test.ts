// The first pass over a library with more words than one write carries: the block is written in
// several transactions and puts, and every word of every text is found afterwards, in its text only.
import { describe, expect, it } from 'vitest';
import type { MessageRow, SessionRow } from '../../../src/lib/db/rows';
import { BACKFILL_KEY, LIVE_KEY } from '../../../src/lib/db/search-layout';
import { backfillBlock } from '../../../src/lib/domain/search-index/backfill';
import { searchIndex } from '../../../src/lib/domain/search-index/query';
import { verifySearchIndex } from '../../../src/lib/domain/search-index/verify';
import { indexTables } from '../../../src/lib/domain/search-index/writer';
import { messageRow, sessionRow } from '../../helpers/builders';
import { openTestDb } from '../../helpers/db';

const T = 1_700_000_000_000;

describe('the first pass of the search index', () => {
  it('writes a block of thousands of words in slices, and every word finds its own text', async () => {
    const { db } = await openTestDb();
    const sessions: SessionRow[] = [];
    const messages: MessageRow[] = [];
    for (let s = 0; s < 30; s++) {
      sessions.push(sessionRow({ id: `s${s}`, messageCount: 20, lastActivityAt: T + s * 100 }, T));
      for (let k = 1; k <= 20; k++) {
        const n = s * 20 + k;
        const content = `river w${n}a w${n}b w${n}c garden`;
        messages.push(messageRow({ id: `s${s}-m${k}`, sessionId: `s${s}`, seq: k, content }, T));
      }
    }
    await db.transaction(
      'rw',
      [db.sessions, db.messages, db.meta, ...indexTables(db)],
      async () => {
        await db.sessions.bulkPut(sessions);
        await db.messages.bulkPut(messages);
        for (const t of indexTables(db)) await t.clear();
        await db.meta.bulkDelete([BACKFILL_KEY, LIVE_KEY]);
      },
    );
    while (await backfillBlock(db, { pause: () => Promise.resolve() }));
    // 1,800 words of one text each, two in all 600, and the titles' words.
    expect(await db.searchPostings.count()).toBeGreaterThan(1800);
    for (const n of [1, 150, 299, 450, 600]) {
      const r = await searchIndex(db, `w${n}b garden`);
      const s = Math.floor((n - 1) / 20);
      expect(r.hits.map((h) => h.messageId)).toEqual([`s${s}-m${n - s * 20}`]);
    }
    expect((await searchIndex(db, '"river w77"')).hits.map((h) => h.messageId)).toEqual(['s3-m17']);
    expect(await verifySearchIndex(db)).toMatchObject({ ok: true, texts: 630 });
  });
});
