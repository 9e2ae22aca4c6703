import { describe, expect, it } from 'vitest';
import { useApp } from '../harness';
import { openFresh } from '../pages/app';

const env = useApp();

const fresh = (width = 1280, height = 800) => openFresh(env, { width, height });

describe('sessions and workspaces', () => {
  it('creates a session, keeps its messages and rename, after a reload too', async () => {
    const { context, page, tern, errors } = await fresh();
    await expect.poll(() => page.getByRole('heading', { name: 'Welcome to Tern' }).count()).toBe(1);
    await tern.newSession();
    await tern.send('Hello **Tern**');
    await expect.poll(() => tern.message('Hello Tern').count()).toBe(1);
    await expect
      .poll(() => tern.message('Hello Tern').locator('strong').textContent())
      .toBe('Tern');
    await tern.renameSession('New chat', 'Trip planning');
    await expect.poll(() => tern.session('Trip planning').count()).toBe(1);
    await expect.poll(() => tern.session('Trip planning').getByText('1 message').count()).toBe(1);
    await expect.poll(() => tern.heading.textContent()).toBe('Trip planning');

    await page.reload();
    await expect.poll(() => tern.heading.textContent()).toBe('Trip planning');
    await expect.poll(() => tern.message('Hello Tern').count()).toBe(1);
    expect(errors.filter((e) => e.startsWith('pageerror')).join('\n')).toBe('');
    await context.close();
  });

  it('refuses an empty title with a clear message and keeps the old one', async () => {
    const { context, page, tern } = await fresh();
    await tern.newSession();
    await tern.renameSession('New chat', '   ');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('A session needs a name.');
    await expect.poll(() => tern.session('New chat').count()).toBe(1);
    await page.reload();
    await expect.poll(() => tern.session('New chat').count()).toBe(1);
    await context.close();
  });

  it('sends a session to the trash with undo, restores it, and purges after confirming', async () => {
    const { context, page, tern } = await fresh();
    await tern.newSession();
    await tern.renameSession('New chat', 'Keep me');
    await expect.poll(() => tern.session('Keep me').count()).toBe(1);
    await tern.trashSession('Keep me');
    await expect.poll(() => tern.session('Keep me').count()).toBe(0);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => tern.session('Keep me').count()).toBe(1);

    await tern.trashSession('Keep me');
    await expect.poll(() => tern.session('Keep me').count()).toBe(0);
    await page.reload();
    await expect.poll(() => tern.session('Keep me').count()).toBe(0);
    await tern.sidebar.getByRole('button', { name: 'Trash (1)' }).click();
    const trash = tern.dialog('Trash');
    await expect.poll(() => trash.getByText('Keep me').count()).toBe(1);
    await trash.getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => tern.session('Keep me').count()).toBe(1);
    await expect.poll(() => trash.getByText('The trash is empty.').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => trash.count()).toBe(0);

    await tern.trashSession('Keep me');
    await tern.sidebar.getByRole('button', { name: 'Trash (1)' }).click();
    await trash.getByRole('button', { name: 'Delete…' }).click();
    await trash.getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(() => trash.getByText('The trash is empty.').count()).toBe(1);
    await page.reload();
    await expect
      .poll(() => tern.sidebar.getByRole('button', { name: 'Trash', exact: true }).count())
      .toBe(1);
    await expect.poll(() => tern.session('Keep me').count()).toBe(0);
    await context.close();
  });

  it('creates, renames and removes workspaces, moving their sessions', async () => {
    const { context, page, tern } = await fresh();
    await tern.sidebar.getByRole('button', { name: 'New workspace' }).click();
    const name = tern.sidebar.getByRole('textbox', { name: 'New workspace name' });
    await name.fill('Work');
    await name.press('Enter');
    await expect.poll(() => tern.workspace('Work').count()).toBe(1);
    await tern.sidebar.getByRole('button', { name: 'New session in Work' }).click();
    await expect.poll(() => tern.workspace('Work').getByText('New chat').count()).toBe(1);

    await tern.sidebar.getByRole('button', { name: 'Workspace actions for Work' }).click();
    await tern.sidebar.getByRole('button', { name: 'Rename workspace' }).click();
    const input = tern.sidebar.getByRole('textbox', { name: 'Workspace name' });
    await input.fill('Office');
    await input.press('Enter');
    await expect.poll(() => tern.workspace('Office').count()).toBe(1);

    await tern.sidebar.getByRole('button', { name: 'More actions for New chat' }).click();
    await tern.sidebar
      .getByRole('combobox', { name: 'Move to workspace' })
      .selectOption({ label: 'My workspace' });
    await expect.poll(() => tern.workspace('My workspace').getByText('New chat').count()).toBe(1);
    await expect.poll(() => tern.workspace('Office').getByText('New chat').count()).toBe(0);

    await tern.sidebar.getByRole('button', { name: 'New session in Office' }).click();
    await expect.poll(() => tern.workspace('Office').getByText('New chat').count()).toBe(1);
    await tern.sidebar.getByRole('button', { name: 'Workspace actions for Office' }).click();
    await tern.sidebar.getByRole('button', { name: 'Remove workspace' }).click();
    const dlg = tern.dialog('Remove “Office”?');
    await expect.poll(() => dlg.getByText('It holds 1 session').count()).toBe(1);
    await dlg.getByRole('button', { name: 'Remove workspace' }).click();
    await expect.poll(() => tern.workspace('Office').count()).toBe(0);
    await expect.poll(() => tern.workspace('My workspace').getByText('New chat').count()).toBe(2);
    await page.reload();
    await expect.poll(() => tern.workspace('My workspace').getByText('New chat').count()).toBe(2);
    await expect.poll(() => tern.workspace('Office').count()).toBe(0);
    await context.close();
  });

  it('works as a drawer at 360 px and from the keyboard', async () => {
    const { context, page, tern } = await fresh(360, 740);
    await expect.poll(() => tern.sidebar.isVisible()).toBe(false);
    await page.keyboard.press('Control+Shift+O');
    await expect.poll(() => tern.heading.textContent()).toBe('New chat');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Message');
    await tern.composer.fill('line one');
    await tern.composer.press('Shift+Enter');
    await tern.composer.pressSequentially('line two');
    await tern.composer.press('Enter');
    await expect.poll(() => tern.message('line two').count()).toBe(1);
    await expect.poll(() => tern.message('line one').locator('br').count()).toBe(1);
    await page.getByRole('button', { name: 'Open sidebar' }).click();
    await expect.poll(() => tern.sidebar.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => tern.sidebar.isVisible()).toBe(false);
    await page.keyboard.press('Control+k');
    await expect.poll(() => tern.sidebar.isVisible()).toBe(true);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Search sessions');
    await page.keyboard.type('zzz');
    await expect.poll(() => tern.sidebar.getByText('No session title matches').count()).toBe(1);
    // No workspace claims to be empty because none of its titles matched.
    expect(await tern.sidebar.getByText('No sessions yet.').count()).toBe(0);
    await context.close();
  });
});
