// What every chat flow test starts from: the built app and Chromium for the file (useApp), and for
// each test a fresh wire-protocol server and a fresh browser profile, both closed after it.
import { afterEach, beforeEach, expect } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { newContext, useApp, watchErrors, type AppEnv } from '../harness';
import { startProviderServer, type ProviderServer } from '../../helpers/provider-server';
import { ChatPage } from './chat-page';

export interface ChatEnv extends AppEnv {
  readonly provider: ProviderServer;
  readonly context: BrowserContext;
}

export function useChatEnv(): ChatEnv {
  const app = useApp();
  let provider: ProviderServer | undefined;
  let context: BrowserContext | undefined;
  beforeEach(async () => {
    provider = await startProviderServer();
    context = await newContext(app.browser);
  });
  afterEach(async () => {
    await context?.close();
    await provider?.close();
  });
  return {
    get server() {
      return app.server;
    },
    get browser() {
      return app.browser;
    },
    get provider() {
      if (!provider) throw new Error('The provider server runs from beforeEach on.');
      return provider;
    },
    get context() {
      if (!context) throw new Error('The browser profile exists from beforeEach on.');
      return context;
    },
  };
}

/** Streams take seconds here, longer than expect.poll's default second. */
export const poll = <T>(fn: () => T | Promise<T>) =>
  expect.poll(fn, { timeout: 15_000, interval: 50 });

/**
 * A new page of the test's profile with the test's provider set up through the settings and a new
 * session open; `errors` collects what the page logs as an error.
 */
export async function openChat(env: ChatEnv, options: { stallSeconds?: number } = {}) {
  const page = await env.context.newPage();
  const errors = watchErrors(page);
  const tern = new ChatPage(page, env.server.url);
  await tern.open();
  await tern.addProvider(`${env.provider.url}/v1`, options);
  await tern.newSession();
  return { page, tern, errors };
}
