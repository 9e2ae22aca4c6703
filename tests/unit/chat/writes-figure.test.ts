// The figure the issue asks for: database writes per streamed reply of 1,000 tokens, at a
// realistic pace (about 100 tokens a second). Printed for the report; asserted only as a bound
// that a per-token writer could never meet.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProviderServer, type ProviderServer } from '../../helpers/provider-server';
import { setup } from './setup';

let server: ProviderServer;
beforeAll(async () => {
  server = await startProviderServer();
});
afterAll(() => server.close());

it('a 1,000-token reply streamed over ~10 s is written a few dozen times, not 1,000', async () => {
  const tokens = Array.from({ length: 1000 }, (_, i) => `w${i} `);
  server.scripts.push({ kind: 'reply', tokens, delayMs: 10 });
  let writes = 0;
  const { engine, session, messages } = await setup(server, { onWrite: () => writes++ });
  const started = Date.now();
  await engine.send(session.id, 'Write a lot');
  await engine.idle();
  const seconds = (Date.now() - started) / 1000;
  console.log(`writes per 1,000-token reply: ${writes} over ${seconds.toFixed(1)} s`);
  expect((await messages())[1]?.content).toBe(tokens.join(''));
  expect(writes).toBeLessThan(100);
}, 60_000);
