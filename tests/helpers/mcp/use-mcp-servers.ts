// The reference MCP server and the tiny one, for the calling test file: started before its tests,
// stopped after them.
import { afterAll } from 'vitest';
import { startEverything } from './everything';
import { startTinyServer } from './tiny-server';

export async function useMcpServers() {
  const [everything, tiny] = await Promise.all([startEverything(), startTinyServer()]);
  afterAll(() => Promise.all([everything.close(), tiny.close()]));
  return { everything, tiny };
}
