// The sidebar's sync pill: absent while sync is off, a word or two for each phase once it is on
// (the error's message as its title), and a way into Settings → Sync.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import { flushSync, mount, unmount } from 'svelte';
import SyncIndicator from '../../../src/lib/components/sync/SyncIndicator.svelte';
import { app } from '../../../src/lib/state/app.svelte';
import { sync, type SyncSettings } from '../../../src/lib/state/sync.svelte';
import { view } from '../../../src/lib/state/view.svelte';
import type { TernDB } from '../../../src/lib/db/database';
import { openTestDb } from '../../helpers/db';
import { report, resetEngine } from './fake-sync-engine';

vi.mock(
  '../../../src/lib/state/sync-runner',
  async () => (await import('./fake-sync-engine')).engine,
);

const SETTINGS: SyncSettings = {
  url: 'https://couch.example.com',
  db: 'tern',
  username: 'ada',
  password: 'secret',
  images: true,
  encrypt: false,
};

let db: TernDB;
let component: ReturnType<typeof mount>;
let target: HTMLElement;

beforeAll(async () => {
  ({ db } = await openTestDb());
  app.use(db);
});
afterAll(() => {
  app.use(null);
  db.close();
});
beforeEach(() => {
  resetEngine();
  target = document.createElement('div');
  document.body.append(target);
  component = mount(SyncIndicator, { target });
  flushSync();
});
afterEach(async () => {
  await unmount(component);
  target.remove();
  await sync.disable();
  view.closePanel();
});

const pill = () => page.getByRole('status', { name: 'Sync' });

describe('the sync indicator', () => {
  it('is not there while sync is off', async () => {
    expect(sync.phase).toBe('off');
    await expect.element(pill()).not.toBeInTheDocument();
    expect(target.textContent?.trim()).toBe('');
  });

  it('says what sync is doing once it is on', async () => {
    await sync.enable(SETTINGS);
    await expect.element(pill()).toHaveTextContent('Synced');

    report({ phase: 'syncing', pending: 12 });
    const button = pill().getByRole('button');
    await expect.element(button).toHaveAccessibleName('Syncing 12 changes to send');
    await expect.element(button).toHaveAttribute('title', '12 changes to send');

    report({ phase: 'paused', pending: 3 });
    await expect.element(pill()).toHaveTextContent('Sync paused');
    report({ phase: 'offline' });
    await expect.element(pill()).toHaveTextContent('Sync offline');

    report({ phase: 'error', error: { code: 'unauthorized', message: 'Wrong password.' } });
    await expect.element(button).toHaveTextContent('Sync error');
    await expect.element(button).toHaveAttribute('title', 'Wrong password.');
  });

  it('opens Settings on the Sync tab', async () => {
    await sync.enable(SETTINGS);
    await pill().getByRole('button').click();
    expect(view.panel).toBe('settings');
    expect(view.settingsTab).toBe('sync');
  });

  it('goes away when sync is turned off', async () => {
    await sync.enable(SETTINGS);
    await expect.element(pill()).toBeVisible();
    await sync.disable();
    await expect.element(pill()).not.toBeInTheDocument();
  });
});
