// First, before anything can start a worker: script URLs of this origin become trusted.
import './lib/ui/trusted-types';
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { app } from './lib/state/app.svelte';
import { prefs } from './lib/state/prefs.svelte';
import { startChat } from './lib/state/chat-start';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

void prefs.load();
void app.open().then(startChat);
mount(App, { target });
