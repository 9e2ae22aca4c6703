// The model picker in the conversation header: the provider's fetched models with a search, the
// recently picked first, per session; a typed name that is not in the list is used as typed.
import { describe, expect, it } from 'vitest';
import { watchErrors } from '../harness';
import { ChatPage } from './chat-page';
import { poll, useChatEnv } from './chat-env';

const env = useChatEnv();
const lastModel = () =>
  (env.provider.requests.filter((r) => r.method === 'POST').at(-1)?.body as { model: string })
    .model;

describe('the model picker', () => {
  it('picks a fetched model by search, lists it first next time, and takes a typed name', async () => {
    const page = await env.context.newPage();
    const errors = watchErrors(page);
    const tern = new ChatPage(page, env.server.url);
    await tern.open();
    await tern.addProvider(`${env.provider.url}/v1`);
    await tern.newSession();
    const trigger = page.getByRole('button', { name: /^Model:/ });
    await trigger.click();
    const picker = page.getByRole('dialog', { name: 'Choose a model' });
    const options = picker.getByRole('listbox', { name: 'Models' }).getByRole('option');
    expect(await options.allTextContents()).toEqual(['model-a', 'model-b']);
    await picker.getByRole('combobox', { name: 'Search or type a model name' }).fill('b');
    // What was typed is offered too, after the matches.
    expect(await options.allTextContents()).toEqual(['model-b', 'Use “b”']);
    await page.keyboard.press('Enter');
    await poll(() => trigger.getAttribute('aria-label')).toBe('Model: model-b');

    env.provider.scripts.push({ kind: 'reply', tokens: [' Hello'] });
    await tern.send('Hi');
    await poll(() => tern.replies().count()).toBe(1);
    await poll(() => tern.replies().last().getByText('Writing…').count()).toBe(0);
    expect(lastModel()).toBe('model-b');

    // Another session: the model picked last is offered first, marked as recent.
    await tern.newSession();
    await page.getByRole('button', { name: /^Model:/ }).click();
    await poll(async () => (await options.allTextContents())[0]).toMatch(/^model-brecent$/);
    // A name the provider does not list is used as typed.
    await picker.getByRole('combobox').fill('my-custom-model');
    expect(await options.allTextContents()).toEqual(['Use “my-custom-model”']);
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('button', { name: /^Model:/ }).getAttribute('aria-label')).toBe(
      'Model: my-custom-model',
    );
    env.provider.scripts.push({ kind: 'reply', tokens: [' Hi'] });
    await tern.send('Hello again');
    await poll(() => tern.replies().count()).toBe(1);
    await poll(() => tern.replies().last().getByText('Writing…').count()).toBe(0);
    expect(lastModel()).toBe('my-custom-model');
    // Escape closes the picker without changing the model.
    await page.getByRole('button', { name: /^Model:/ }).click();
    await page.keyboard.press('Escape');
    await poll(() => picker.count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
