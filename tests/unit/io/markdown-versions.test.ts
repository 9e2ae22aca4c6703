import { describe, expect, it } from 'vitest';
import { setAsideFrom } from '../../../src/lib/domain/branches';
import { readForExport } from '../../../src/lib/domain/export';
import { appendMessage } from '../../../src/lib/domain/messages';
import { sessionMarkdown } from '../../../src/lib/io/markdown';
import { openTestDb } from '../../helpers/db';
import { newSession } from '../../helpers/builders';

describe('Markdown of a session with other versions', () => {
  it('writes the version on screen and says how many others there are', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db, { title: 'Versions' });
    const q = await appendMessage(db, s.id, { role: 'user', content: 'Q' });
    for (const text of ['first', 'second', 'third']) {
      await appendMessage(db, s.id, { role: 'assistant', content: text });
      await setAsideFrom(db, s.id, q.seq + 1);
    }
    await appendMessage(db, s.id, { role: 'assistant', content: 'fourth' });
    const [c] = (await readForExport(db, { kind: 'session', sessionId: s.id })).conversations;
    const md = sessionMarkdown(c!);
    expect(md).toContain(
      'This conversation has 3 other versions; only the one on screen is written here.',
    );
    expect(md).toContain('fourth');
    expect(md).not.toContain('first');
  });

  it('says nothing of versions when there is one', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db, { title: 'One' });
    await appendMessage(db, s.id, { role: 'user', content: 'Q' });
    const [c] = (await readForExport(db, { kind: 'session', sessionId: s.id })).conversations;
    expect(sessionMarkdown(c!)).not.toContain('version');
  });

  it('counts a version set aside below the last message on screen', async () => {
    const { db } = await openTestDb();
    const s = await newSession(db, { title: 'Below' });
    const q = await appendMessage(db, s.id, { role: 'user', content: 'Q' });
    await appendMessage(db, s.id, { role: 'assistant', content: 'old' });
    await setAsideFrom(db, s.id, q.seq + 1);
    const [c] = (await readForExport(db, { kind: 'session', sessionId: s.id })).conversations;
    expect(sessionMarkdown(c!)).toContain('This conversation has 1 other version;');
  });
});
