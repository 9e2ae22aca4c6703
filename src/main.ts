// First, before anything can start a worker: script URLs of this origin become trusted.
import './lib/ui/trusted-types';
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { app } from './lib/state/app.svelte';
import { prefs } from './lib/state/prefs.svelte';
import { startChat } from './lib/state/chat-start';
import { syncPresence } from './lib/state/sync-presence.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

void prefs.load();
void app.open().then(() => {
  // Beside the chat engine, not before it. A read-only database takes no sync: nothing may be
  // written to it. A sync that fails to start shows in Settings → Sync, with a way to retry.
  if (app.writable)
    void syncPresence
      .check()
      .then(async (on) => on && (await import('./lib/state/sync.svelte')).sync.load())
      .catch(() => undefined);
  return startChat();
});
mount(App, { target });
