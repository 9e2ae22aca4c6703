// Start-up of the chat side, once the database is open: the provider settings from the prefs
// store, then the engine (recovery of cut replies, the outbox). A database opened read-only gets
// no engine: nothing may be written to it.
import { createPrefs } from '../db/prefs';
import { app } from './app.svelte';
import { chat } from './chat.svelte';
import { providers } from './providers.svelte';

export async function startChat(): Promise<void> {
  await providers.load(createPrefs()).catch(() => undefined);
  if (app.db && app.writable) await chat.start(app.db);
}
