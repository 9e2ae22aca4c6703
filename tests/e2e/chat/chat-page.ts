// What the chat flows share: a provider set up through the settings, as a user would, and the
// reply as a user sees it. Controls are found by role and accessible name.
import type { Locator, Page } from 'playwright-core';
import { TernPage } from '../pages/app';

export class ChatPage extends TernPage {
  constructor(page: Page, url: string) {
    super(page, url);
  }

  /**
   * Adds a provider (OpenAI-compatible unless told) at `baseUrl` in Settings → App, and closes.
   * Titles written by the model are switched off there unless `modelTitles` is set, so that the
   * requests a test counts are the replies it sends; the title tests count the title request.
   */
  async addProvider(
    baseUrl: string,
    options: {
      name?: string;
      stallSeconds?: number;
      kind?: 'Anthropic' | 'Google Gemini';
      modelTitles?: boolean;
    } = {},
  ): Promise<void> {
    await this.openAppSettings();
    const dialog = this.dialog('Settings');
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    const form = dialog.getByRole('form', { name: 'New provider' });
    if (options.kind) await form.getByLabel('Kind').selectOption({ label: options.kind });
    await form.getByRole('textbox', { name: 'Name' }).fill(options.name ?? 'Test server');
    await form.getByRole('textbox', { name: 'Base URL' }).fill(baseUrl);
    await form.getByRole('button', { name: 'Fetch models' }).click();
    await form.getByRole('status').getByText('Found').waitFor();
    await form.getByRole('button', { name: 'Save provider' }).click();
    await dialog
      .getByRole('list', { name: 'Providers set up' })
      .getByRole('listitem', { name: options.name ?? 'Test server' })
      .waitFor();
    if (options.stallSeconds !== undefined) {
      const stall = dialog.getByRole('spinbutton', { name: /sends nothing for/ });
      await stall.fill(String(options.stallSeconds));
      await stall.press('Tab');
    }
    await dialog
      .getByRole('checkbox', { name: 'Let the model title new sessions' })
      .setChecked(options.modelTitles ?? false);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  async openAppSettings(): Promise<void> {
    await this.sidebar.getByRole('button', { name: 'Settings' }).click();
    await this.dialog('Settings').getByRole('tab', { name: 'App' }).click();
  }

  /** The last message of the conversation (the reply, once there is one). */
  get last(): Locator {
    return this.messages.last();
  }

  replies(): Locator {
    return this.messages.filter({ has: this.page.getByText('Assistant', { exact: true }) });
  }

  get stopButton(): Locator {
    return this.page.getByRole('button', { name: 'Stop' });
  }

  get connection(): Locator {
    return this.page.getByRole('status', { name: 'Connection' });
  }
}
