// Start-up recovery with two tabs: a reply another tab is still streaming (it holds the Web Lock
// for it) must stay `streaming`; one nobody holds was cut by a reload and becomes `interrupted`.
import { expect, it } from 'vitest';
import { appendMessage } from '../../../src/lib/domain/messages';
import { startProviderServer } from '../../helpers/provider-server';
import { setup } from './setup';

it('recover leaves replies that another tab is streaming alone', async () => {
  const server = await startProviderServer();
  try {
    const held: string[] = [];
    const locks = {
      query: () =>
        Promise.resolve({
          held: held.map((name) => ({ name, mode: 'exclusive' as const })),
          pending: [],
        }),
      request: (_name: string, ...rest: unknown[]) =>
        (rest[rest.length - 1] as (l: unknown) => unknown)({}),
    } as unknown as LockManager; // only query() and request() are used by the engine
    const { db, engine, session, messages } = await setup(server, { locks });
    await appendMessage(db, session.id, { role: 'user', content: 'Q' });
    const live = await appendMessage(db, session.id, {
      role: 'assistant',
      content: 'still coming',
      status: 'streaming',
    });
    const cut = await appendMessage(db, session.id, {
      role: 'assistant',
      content: 'cut off',
      status: 'streaming',
    });
    held.push(`tern-stream:${live.id}`, 'tern-outbox');

    const interrupted = await engine.recover();
    expect(interrupted.map((m) => m.id)).toEqual([cut.id]);
    const rows = await messages();
    expect(rows.find((m) => m.id === live.id)?.status).toBe('streaming');
    expect(rows.find((m) => m.id === cut.id)).toMatchObject({
      status: 'interrupted',
      content: 'cut off',
    });
    await engine.idle();
  } finally {
    await server.close();
  }
});
