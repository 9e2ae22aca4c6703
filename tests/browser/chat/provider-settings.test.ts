// The provider settings as a user meets them, in Chromium: adding a provider, fetching its models,
// testing the connection (a real CORS refusal explained in words), the default, removing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { mount, unmount, flushSync } from 'svelte';
import { createStore } from 'idb-keyval';
import { createPrefs, type Prefs } from '../../../src/lib/db/prefs';
import ProviderSettings from '../../../src/lib/components/providers/ProviderSettings.svelte';
import { providers } from '../../../src/lib/state/providers.svelte';
import { providerServer, type RemoteProviderServer } from './provider-client';

const KEY = 'sk-settings-test-key-1357';

let server: RemoteProviderServer;
let prefs: Prefs;
let component: ReturnType<typeof mount>;
let target: HTMLElement;

async function render(): Promise<void> {
  await providers.load(prefs);
  target = document.createElement('div');
  document.body.append(target);
  component = mount(ProviderSettings, { target });
  flushSync();
}

beforeEach(async () => {
  server = await providerServer();
  prefs = createPrefs(createStore(`tern-prefs-test-${crypto.randomUUID()}`, 'prefs'));
  await render();
});
afterEach(async () => {
  await unmount(component);
  target.remove();
  await server.close();
});

async function addProvider(name: string, baseUrl: string): Promise<void> {
  await page.getByRole('button', { name: 'Add provider' }).click();
  const form = page.getByRole('form', { name: 'New provider' });
  await form.getByRole('combobox', { name: 'Kind' }).selectOptions('OpenAI-compatible');
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  await form.getByRole('textbox', { name: 'Base URL' }).fill(baseUrl);
  await form.getByLabelText('API key (optional)').fill(KEY);
}

describe('provider settings', () => {
  it('adds a provider with models fetched from its API, and keeps it after a reload', async () => {
    await addProvider('Local test', `${server.url}/v1`);
    const form = page.getByRole('form', { name: 'New provider' });
    await expect
      .element(form.getByLabelText('API key (optional)'))
      .toHaveAttribute('type', 'password');
    await form.getByRole('button', { name: 'Fetch models' }).click();
    await expect.element(form.getByRole('status')).toHaveTextContent('Found 2 models.');
    await expect
      .element(form.getByRole('textbox', { name: 'Models (one per line)' }))
      .toHaveValue('model-a\nmodel-b');
    await form.getByRole('button', { name: 'Save provider' }).click();

    const list = page.getByRole('list', { name: 'Providers set up' });
    await expect.element(list.getByRole('listitem', { name: 'Local test' })).toBeVisible();
    await expect.element(list).toHaveTextContent('2 models · key set');
    // The key is stored, never shown.
    expect(document.body.textContent).not.toContain(KEY);
    await page.getByRole('combobox', { name: 'Default model' }).selectOptions('model-b');

    // A fresh load from the stored prefs, as after a reload.
    await unmount(component);
    target.remove();
    await render();
    await expect
      .element(page.getByRole('combobox', { name: 'Default provider' }))
      .toHaveDisplayValue('Local test');
    await expect
      .element(page.getByRole('combobox', { name: 'Default model' }))
      .toHaveValue('model-b');
    expect(providers.resolve(null)).toMatchObject({
      label: 'Local test',
      baseUrl: `${server.url}/v1`,
      apiKey: KEY,
      models: ['model-a', 'model-b'],
      defaultModel: 'model-b',
    });
  });

  it('“Test connection” explains a CORS refusal, and says when it works', async () => {
    await server.refuseCors(true);
    await addProvider('Strict server', `${server.url}/v1`);
    const form = page.getByRole('form', { name: 'New provider' });
    await form.getByRole('button', { name: 'Test connection' }).click();
    const alert = form.getByRole('alert');
    await expect.element(alert).toHaveTextContent('refused to let this page');
    await expect.element(alert).toHaveTextContent(`OLLAMA_ORIGINS=${location.origin}`);
    await expect.element(alert).not.toHaveTextContent(/failed to fetch/i);
    await expect.element(alert).not.toHaveTextContent(KEY);

    await server.refuseCors(false);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .element(form.getByRole('status'))
      .toHaveTextContent('Connected to Strict server: it offers 2 models.');
  });

  it('says a wrong key in words, and removes a provider only once confirmed', async () => {
    await server.failModels(401);
    await addProvider('Keyed', `${server.url}/v1`);
    const form = page.getByRole('form', { name: 'New provider' });
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect.element(form.getByRole('alert')).toHaveTextContent('refused the API key (401)');
    await expect.element(form.getByRole('alert')).toHaveTextContent('Check the key');
    await expect.element(form.getByRole('alert')).not.toHaveTextContent(KEY);
    await server.failModels(404);
    await form.getByRole('button', { name: 'Fetch models' }).click();
    await expect.element(form.getByRole('alert')).toHaveTextContent('Check the base URL');
    await form.getByRole('textbox', { name: 'Models (one per line)' }).fill('typed-model');
    await form.getByRole('button', { name: 'Save provider' }).click();

    await page.getByRole('button', { name: 'Remove Keyed' }).click();
    await page.getByRole('button', { name: 'Keep it' }).click();
    await expect.element(page.getByRole('listitem', { name: 'Keyed' })).toBeVisible();
    await page.getByRole('button', { name: 'Remove Keyed' }).click();
    await page.getByRole('button', { name: 'Yes, remove Keyed' }).click();
    await expect.element(page.getByRole('status').last()).toHaveTextContent('Keyed is removed.');
    expect(providers.list).toEqual([]);
  });
});
