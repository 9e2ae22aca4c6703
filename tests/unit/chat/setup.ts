// A chat engine on a fresh fake-indexeddb database, talking to the wire-protocol server.
import { type TernDB } from '../../../src/lib/db/database';
import { ChatEngine } from '../../../src/lib/domain/chat/engine';
import type { ChatEngineDeps } from '../../../src/lib/domain/chat/engine-core';
import { allMessages } from '../../../src/lib/domain/messages';
import { setSettings, type SettingsPatch } from '../../../src/lib/domain/settings';
import type { ProviderConfig, ProviderKind } from '../../../src/lib/providers/types';
import { openTestDb, type TestDeps } from '../../helpers/db';
import type { ProviderServer } from '../../helpers/provider-server';
import { newSession } from '../../helpers/builders';
import { sleep } from '../../helpers/sleep';

export const KEY = 'sk-chat-test-key-5678';

export function providerFor(
  server: ProviderServer,
  kind: ProviderKind = 'openai-compatible',
): ProviderConfig {
  return {
    id: 'p1',
    kind,
    label: 'Test AI',
    baseUrl: kind === 'openai-compatible' ? `${server.url}/v1` : server.url,
    apiKey: KEY,
    models: ['model-a'],
  };
}

export function engineFor(
  db: TernDB,
  server: ProviderServer,
  extra: Partial<ChatEngineDeps> & { kind?: ProviderKind } = {},
): ChatEngine {
  const config = providerFor(server, extra.kind);
  return new ChatEngine({ db, providerConfig: (id) => (id === 'p1' ? config : null), ...extra });
}

export async function setup(
  server: ProviderServer,
  extra: Partial<ChatEngineDeps> & {
    kind?: ProviderKind;
    settings?: SettingsPatch;
    deps?: TestDeps;
  } = {},
) {
  const { db, deps } = await openTestDb(extra.deps);
  const session = await newSession(db);
  await setSettings(db, session.id, {
    provider: 'p1',
    model: 'model-a',
    permissionMode: 'auto',
    ...extra.settings,
  });
  const engine = engineFor(db, server, extra);
  const messages = () => allMessages(db, session.id);
  return { db, deps, session, engine, messages };
}

export async function until(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}
