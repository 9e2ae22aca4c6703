// The passphrase lock on API keys, with Chromium's Web Crypto: locked keys are stored only
// encrypted and cannot be read without the passphrase; another tab starts locked and unlocks once;
// a wrong passphrase is told in words and changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { flushSync, mount, unmount } from 'svelte';
import { createStore } from 'idb-keyval';
import { createPrefs, type Prefs } from '../../../src/lib/db/prefs';
import { sessionModel } from '../../../src/lib/domain/chat/request';
import { createLock, openSealed, seal, unlockWith } from '../../../src/lib/domain/key-lock';
import { PROVIDERS_KEY, readStoredProviders } from '../../../src/lib/domain/provider-store';
import KeyStorage from '../../../src/lib/components/providers/KeyStorage.svelte';
import { ProvidersState, providers } from '../../../src/lib/state/providers.svelte';
import { openTestDb } from '../../helpers/db';
import { newSession } from '../../helpers/builders';

const KEY = 'sk-lock-test-2468-abcdef';
const PASS = 'correct horse battery';

const newPrefs = (): Prefs =>
  createPrefs(createStore(`tern-prefs-test-${crypto.randomUUID()}`, 'prefs'));

const raw = async (prefs: Prefs) => JSON.stringify(await prefs.get(PROVIDERS_KEY));

async function lockedWithOneKey() {
  const prefs = newPrefs();
  const first = new ProvidersState();
  await first.load(prefs);
  await first.save({
    id: 'p1',
    kind: 'openai-compatible',
    label: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    apiKey: KEY,
    models: ['o3'],
  });
  await first.setLock(PASS);
  return { prefs, first };
}

describe('the lock itself', () => {
  it('opens what it sealed only with the same passphrase', async () => {
    const { record, key } = await createLock(PASS);
    const sealed = await seal(key, KEY);
    expect(JSON.stringify(sealed)).not.toContain(KEY);
    expect(await openSealed(await unlockWith(record, PASS), sealed)).toBe(KEY);
    await expect(unlockWith(record, 'correct horse battery!')).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    // A key derived from another passphrase cannot open it either.
    const other = await createLock('another passphrase');
    await expect(openSealed(other.key, sealed)).rejects.toMatchObject({ code: 'wrong-passphrase' });
    await expect(createLock('short')).rejects.toMatchObject({ code: 'invalid-input' });
  });
});

describe('providers with the lock', () => {
  it('stores the key only encrypted once locked, and keeps it usable in the tab that locked', async () => {
    const { prefs, first } = await lockedWithOneKey();
    expect(await raw(prefs)).not.toContain(KEY);
    const stored = await readStoredProviders(prefs);
    expect(stored.list[0]?.apiKey).toBe('');
    expect(stored.list[0]?.sealedApiKey).toBeDefined();
    expect(first.locked).toBe(false);
    expect(first.resolve('p1')?.apiKey).toBe(KEY);
  });

  it('starts locked in another tab, refuses a wrong passphrase in words, and unlocks once', async () => {
    const { prefs } = await lockedWithOneKey();
    const tab = new ProvidersState();
    await tab.load(prefs);
    expect([tab.lockOn, tab.locked]).toEqual([true, true]);
    expect(tab.resolve('p1')).toMatchObject({ apiKey: '', keyLocked: true });

    // A session cannot be sent with a locked key; it says why.
    const { db } = await openTestDb();
    const s = await newSession(db, { title: 'x' });
    expect(await sessionModel(db, (id) => tab.resolve(id), s.id)).toMatchObject({
      ok: false,
      error: { code: 'keys-locked', message: expect.stringMatching(/Unlock them/) as unknown },
    });

    const before = await raw(prefs);
    await expect(tab.unlock('not it at all')).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    expect(tab.locked).toBe(true);
    expect(await raw(prefs)).toBe(before);

    await tab.unlock(PASS);
    expect(tab.locked).toBe(false);
    expect(tab.resolve('p1')?.apiKey).toBe(KEY);
    expect(await sessionModel(db, (id) => tab.resolve(id), s.id)).toMatchObject({ ok: true });
    db.close();
  });

  it('keeps a locked key through edits made while locked, and refuses a new key until unlocked', async () => {
    const { prefs } = await lockedWithOneKey();
    const tab = new ProvidersState();
    await tab.load(prefs);
    const locked = tab.resolve('p1');
    if (!locked) throw new Error('missing');
    await tab.save({ ...locked, label: 'Renamed', apiKey: '', keyLocked: undefined });
    await tab.setDefault('p1', 'o3');
    const before = await raw(prefs);
    await expect(
      tab.save({ ...locked, id: 'p2', label: 'New', apiKey: 'sk-new-key' }),
    ).rejects.toMatchObject({ code: 'keys-locked' });
    expect(await raw(prefs)).toBe(before);
    expect(tab.list.map((c) => c.id)).toEqual(['p1']);

    await tab.unlock(PASS);
    expect(tab.resolve('p1')).toMatchObject({ label: 'Renamed', apiKey: KEY });
    await tab.save({ ...locked, id: 'p2', label: 'New', apiKey: 'sk-new-key' });
    expect(await raw(prefs)).not.toContain('sk-new-key');
    await tab.lockNow();
    expect(tab.resolve('p2')).toMatchObject({ apiKey: '', keyLocked: true });
  });

  it('stores the keys in the clear again when the lock is removed', async () => {
    const { prefs, first } = await lockedWithOneKey();
    await first.removeLock();
    expect(await raw(prefs)).toContain(KEY);
    expect((await readStoredProviders(prefs)).lock).toBeUndefined();
    const tab = new ProvidersState();
    await tab.load(prefs);
    expect([tab.lockOn, tab.locked, tab.resolve('p1')?.apiKey]).toEqual([false, false, KEY]);
  });
});

describe('the settings for key storage', () => {
  let component: ReturnType<typeof mount> | null = null;
  let target: HTMLElement | null = null;
  afterEach(async () => {
    if (component) await unmount(component);
    target?.remove();
  });

  it('says where keys are kept, locks them, and tells a wrong passphrase in words', async () => {
    const prefs = newPrefs();
    await providers.load(prefs);
    await providers.save({
      id: 'p1',
      kind: 'anthropic',
      label: 'Claude',
      baseUrl: 'https://api.anthropic.com/v1',
      apiKey: KEY,
      models: [],
    });
    target = document.createElement('div');
    document.body.append(target);
    component = mount(KeyStorage, { target });
    flushSync();
    await expect
      .element(page.getByText(/In this browser's storage for Tern, on this device only/))
      .toBeVisible();

    const lockForm = page.getByRole('form', { name: 'Lock API keys' });
    await lockForm.getByLabelText('New passphrase').fill(PASS);
    await lockForm.getByLabelText('The passphrase again').fill(`${PASS}x`);
    await lockForm.getByRole('button', { name: 'Lock keys with a passphrase' }).click();
    await expect.element(page.getByRole('alert')).toHaveTextContent('not the same');
    await lockForm.getByLabelText('The passphrase again').fill(PASS);
    await lockForm.getByRole('button', { name: 'Lock keys with a passphrase' }).click();
    await expect
      .element(page.getByRole('status'))
      .toHaveTextContent('Your API keys are locked with the passphrase.');
    expect(await raw(prefs)).not.toContain(KEY);

    await page.getByRole('button', { name: 'Lock now' }).click();
    const unlockForm = page.getByRole('form', { name: 'Unlock API keys' });
    await unlockForm.getByLabelText('Passphrase').fill('wrong passphrase');
    await unlockForm.getByRole('button', { name: 'Unlock keys' }).click();
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('That is not the passphrase the API keys were locked with.');
    await unlockForm.getByLabelText('Passphrase').fill(PASS);
    await unlockForm.getByRole('button', { name: 'Unlock keys' }).click();
    await expect
      .element(page.getByRole('status'))
      .toHaveTextContent('Your API keys are unlocked in this tab.');
    expect(providers.resolve('p1')?.apiKey).toBe(KEY);
  });
});
