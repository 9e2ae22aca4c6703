// Titles written by the model, in the built app against the wire-protocol server: the first reply,
// then one short title request whose answer names the session; the setting in Settings → App is
// kept across a reload, and with it off the next session is named after its first words.
import { describe, expect, it } from 'vitest';
import { watchErrors } from '../harness';
import { ChatPage } from './chat-page';
import { poll, useChatEnv } from './chat-env';
import { sleep } from '../../helpers/sleep';

const env = useChatEnv();
const posts = () => env.provider.requests.filter((r) => r.method === 'POST');

describe('session titles', () => {
  it('the model names a new session after the first reply; turned off, the first words do', async () => {
    const page = await env.context.newPage();
    const errors = watchErrors(page);
    const tern = new ChatPage(page, env.server.url);
    await tern.open();
    await tern.addProvider(`${env.provider.url}/v1`, { modelTitles: true });
    await tern.newSession();
    env.provider.scripts.push(
      { kind: 'reply', tokens: ['Small', ' seabirds', '.'] },
      { kind: 'reply', tokens: ['"Terns', ' in', ' brief"'] },
    );
    await tern.send('What is a tern?');
    await poll(() => tern.heading.textContent()).toBe('Terns in brief');
    expect(posts()).toHaveLength(2);
    const asked = posts()[1]?.body as { max_tokens?: number; messages: { content: string }[] };
    expect(asked.max_tokens).toBeLessThanOrEqual(32);
    expect(JSON.stringify(asked.messages)).toContain('What is a tern?');
    expect(JSON.stringify(asked.messages)).toContain('Small seabirds.');

    // Off, and still off after a reload: a new session asks for no title.
    await tern.openAppSettings();
    const box = tern
      .dialog('Settings')
      .getByRole('checkbox', { name: 'Let the model title new sessions' });
    await box.uncheck();
    await page.reload();
    await tern.openAppSettings();
    expect(await box.isChecked()).toBe(false);
    await tern.dialog('Settings').getByRole('button', { name: 'Close' }).click();
    await tern.newSession();
    await tern.send('And a gull?');
    await poll(() => tern.heading.textContent()).toBe('And a gull');
    await poll(() => tern.replies().count()).toBe(1);
    await sleep(300);
    expect(posts()).toHaveLength(3);
    expect(errors).toEqual([]);
  });
});
