// Import and export as a person does them: files picked in Settings → Storage, the report read on
// screen, the conversations found in the sidebar, after a reload and in another profile too.
import { readFile } from 'node:fs/promises';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useApp } from '../harness';
import { openFresh, type TernPage } from '../pages/app';
import { corpus } from '../../helpers/corpus';

const env = useApp();

interface PickedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

async function ioPanel(page: Page, tern: TernPage): Promise<Locator> {
  await tern.sidebar.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = tern.dialog('Settings');
  await dialog.getByRole('tab', { name: 'Storage' }).click();
  const io = dialog.getByRole('region', { name: 'Import and export' });
  await io.getByRole('button', { name: 'Export everything' }).waitFor();
  return io;
}

async function closeSettings(page: Page, tern: TernPage): Promise<void> {
  await page.keyboard.press('Escape');
  await expect.poll(() => tern.dialog('Settings').count()).toBe(0);
}

interface Outcome {
  /** The counts line ("Read as …"), or '' when nothing could be read. */
  summary: string;
  /** What was wrong with the file, or ''. */
  problem: string;
}

/** Picks files in the panel and waits for the import to end; returns what the panel says. */
async function importFiles(io: Locator, files: PickedFile[]): Promise<Outcome> {
  await io.getByLabel('Choose files…').setInputFiles(files);
  await io
    .getByRole('status')
    .filter({ hasText: /The import (is finished|was cancelled|stopped)|Nothing was imported/ })
    .waitFor({ timeout: 60_000 });
  const text = async (l: Locator) => ((await l.count()) > 0 ? ((await l.textContent()) ?? '') : '');
  return {
    summary: await text(io.getByText(/^Read as /)),
    problem: await text(io.getByRole('alert')),
  };
}

async function download(page: Page, button: Locator): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return readFile(await file.path());
}

async function sessionTitles(tern: TernPage): Promise<string[]> {
  const items = tern.sidebar.getByRole('button', { name: /^More actions for / });
  const labels = await items.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  return labels.map((l) => (l ?? '').replace(/^More actions for /, '')).sort();
}

async function openSession(tern: TernPage, title: string): Promise<void> {
  await tern.session(title).getByText(title, { exact: true }).click();
  await expect.poll(() => tern.heading.textContent()).toBe(title);
}

const messageTexts = (tern: TernPage) => tern.messages.allTextContents();

describe('import and export in the app', () => {
  it('imports a ChatGPT zip and a Claude export, keeps them over a reload, and takes the same files again as already here', async () => {
    const { context, page, tern, errors } = await openFresh(env);
    const chatgpt = corpus('chatgpt/branching-conversation.json');
    const zip: PickedFile = {
      name: 'chatgpt-export.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(zipSync({ 'conversations.json': chatgpt })),
    };
    const claude: PickedFile = {
      name: 'conversations.json',
      mimeType: 'application/json',
      buffer: Buffer.from(corpus('claude/thinking-and-null-entry.json')),
    };

    let io = await ioPanel(page, tern);
    expect(await importFiles(io, [zip])).toEqual({
      summary:
        'Read as a ChatGPT export: 1 conversation imported, 0 updated, 0 already here, 0 could not be read.',
      problem: '',
    });
    expect(await importFiles(io, [claude])).toEqual({
      summary:
        'Read as a Claude export: 1 conversation imported, 0 updated, 0 already here, 0 could not be read.',
      problem: '',
    });
    await closeSettings(page, tern);

    const titles = ['Lean legs and bioimpedance scale accuracy', 'Sample conversation with branch'];
    expect(await sessionTitles(tern)).toEqual(titles);
    await page.reload();
    await tern.heading.waitFor();
    await expect.poll(() => sessionTitles(tern)).toEqual(titles);

    // The active branch on screen, in order (not the empty system root); the side branch is the
    // other version of the third message, one flip away, and flipping back restores the first.
    await openSession(tern, 'Sample conversation with branch');
    await expect.poll(() => tern.messages.count()).toBe(4);
    const texts = await messageTexts(tern);
    expect(texts[0]).toContain('Hello!');
    expect(texts[2]).toContain('How do I write a function in JavaScript?');
    expect(texts.join('\n')).not.toContain('Python instead');
    const versions = tern.messages.nth(2).getByRole('group', { name: 'Versions' });
    await expect.poll(() => versions.textContent()).toContain('/2');
    const step = (await versions.textContent())?.includes('1/2') ? 'Next' : 'Previous';
    const back = step === 'Next' ? 'Previous' : 'Next';
    await versions.getByRole('button', { name: `${step} version` }).click();
    await expect.poll(() => tern.messages.count()).toBe(3);
    expect((await messageTexts(tern))[2]).toContain('Python instead');
    await tern.messages
      .nth(2)
      .getByRole('group', { name: 'Versions' })
      .getByRole('button', { name: `${back} version` })
      .click();
    await expect.poll(() => tern.messages.count()).toBe(4);
    expect((await messageTexts(tern))[3]).toContain('function in JavaScript');

    await openSession(tern, 'Lean legs and bioimpedance scale accuracy');
    await expect.poll(() => tern.messages.count()).toBe(2);
    expect((await messageTexts(tern))[1]).toContain('Yes, very lean legs');

    io = await ioPanel(page, tern);
    expect((await importFiles(io, [zip])).summary).toBe(
      'Read as a ChatGPT export: 0 conversations imported, 0 updated, 1 already here, 0 could not be read.',
    );
    await closeSettings(page, tern);
    expect(await sessionTitles(tern)).toEqual(titles);
    expect(errors.filter((e) => e.startsWith('pageerror')).join('\n')).toBe('');
    await context.close();
  });

  it('refuses a broken file with a reason and changes nothing', async () => {
    const { context, page, tern } = await openFresh(env);
    await tern.newSession();
    await tern.send('Keep this one');
    await expect.poll(() => tern.message('Keep this one').count()).toBe(1);
    await tern.renameSession('New chat', 'Keep this one');

    const io = await ioPanel(page, tern);
    const broken = [
      { name: 'cut.json', text: '[{"title":"half", "mapping": {', problem: /cut short/ },
      { name: 'notes.json', text: 'just some notes, not JSON at all', problem: /not JSON/ },
      { name: 'other.json', text: '{"hello": "world"}', problem: /does not recognise this file/ },
      {
        name: 'future.json',
        text: '{"format":"tern-export","formatVersion":9,"schemaVersion":99,"sessions":[]}',
        problem: /newer version of Tern/,
      },
    ];
    for (const f of broken) {
      const outcome = await importFiles(io, [
        { name: f.name, mimeType: 'application/json', buffer: Buffer.from(f.text) },
      ]);
      expect(outcome.summary, f.name).toBe('');
      expect(outcome.problem, f.name).toMatch(f.problem);
    }
    await closeSettings(page, tern);
    expect(await sessionTitles(tern)).toEqual(['Keep this one']);
    await page.reload();
    await tern.heading.waitFor();
    await expect.poll(() => sessionTitles(tern)).toEqual(['Keep this one']);
    await expect.poll(() => tern.message('Keep this one').count()).toBe(1);
    await context.close();
  });

  it('shows hostile titles and text from a file as text, running nothing', async () => {
    const { context, page, tern } = await openFresh(env);
    const ran: string[] = [];
    page.on('dialog', (d) => {
      ran.push(d.message());
      void d.dismiss();
    });
    const title = '<img src=x onerror="alert(1)">Plans';
    const body = '<script>alert(2)</script> [click](javascript:alert(3)) <svg onload=alert(4)>';
    const file = [
      {
        conversation_id: 'hostile-1',
        title,
        create_time: 1_700_000_000,
        update_time: 1_700_000_100,
        current_node: 'b',
        mapping: {
          root: { id: 'root', parent: null, children: ['a'], message: null },
          a: {
            id: 'a',
            parent: 'root',
            children: ['b'],
            message: {
              id: 'a',
              author: { role: 'user' },
              create_time: 1_700_000_001,
              content: { content_type: 'text', parts: [body] },
            },
          },
          b: {
            id: 'b',
            parent: 'a',
            children: [],
            message: {
              id: 'b',
              author: { role: 'assistant' },
              create_time: 1_700_000_002,
              content: { content_type: 'text', parts: ['Noted.'] },
            },
          },
        },
      },
    ];
    const io = await ioPanel(page, tern);
    const outcome = await importFiles(io, [
      {
        name: 'conversations.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(file)),
      },
    ]);
    expect(outcome.summary).toContain('1 conversation imported');
    await closeSettings(page, tern);
    await openSession(tern, title);
    await expect.poll(() => tern.messages.count()).toBe(2);
    expect((await messageTexts(tern))[0]).toContain('<script>alert(2)</script>');
    expect(await page.locator('main a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator('main svg[onload], main img[onerror]').count()).toBe(0);
    expect(ran).toEqual([]);
    await context.close();
  });

  it('exports everything and imports it into an empty profile, giving back the same file', async () => {
    const first = await openFresh(env);
    await first.tern.newSession();
    await first.tern.send('First, the blue umbrella');
    await first.tern.send('Then a line in Cyrillic: привет, and 猫');
    await expect.poll(() => first.tern.messages.count()).toBe(2);
    await first.tern.renameSession('New chat', 'Packing list');
    await first.tern.newSession();
    await first.tern.send('A second session');
    await first.tern.renameSession('New chat', 'A second session');
    await expect
      .poll(() => sessionTitles(first.tern))
      .toEqual(['A second session', 'Packing list']);

    let io = await ioPanel(first.page, first.tern);
    const exported = await download(
      first.page,
      io.getByRole('button', { name: 'Export everything' }),
    );
    await first.context.close();

    const second = await openFresh(env);
    io = await ioPanel(second.page, second.tern);
    expect(
      await importFiles(io, [
        { name: 'tern-export.json', mimeType: 'application/json', buffer: exported },
      ]),
    ).toEqual({
      summary:
        'Read as a Tern export: 2 conversations imported, 0 updated, 0 already here, 0 could not be read.',
      problem: '',
    });
    const again = await download(
      second.page,
      io.getByRole('button', { name: 'Export everything' }),
    );
    await closeSettings(second.page, second.tern);
    expect(await sessionTitles(second.tern)).toEqual(['A second session', 'Packing list']);
    await openSession(second.tern, 'Packing list');
    await expect
      .poll(() => messageTexts(second.tern))
      .toEqual([
        expect.stringContaining('First, the blue umbrella'),
        expect.stringContaining('привет, and 猫'),
      ]);

    const strip = (b: Buffer) => {
      const o = JSON.parse(b.toString('utf8')) as Record<string, unknown>;
      delete o.exportedAt;
      return o;
    };
    const a = strip(exported);
    const b = strip(again);
    // The default workspace of the second profile was created at its own first start.
    const workspaces = (o: Record<string, unknown>) => o.workspaces as { id: string }[];
    expect(workspaces(b).map((w) => w.id)).toEqual(workspaces(a).map((w) => w.id));
    delete a.workspaces;
    delete b.workspaces;
    expect(b).toEqual(a);
    await second.context.close();
  });

  it('exports the MCP servers without their token, and an import into an empty profile lists them again', async () => {
    const first = await openFresh(env);
    await first.tern.sidebar.getByRole('button', { name: 'Settings', exact: true }).click();
    let dialog = first.tern.dialog('Settings');
    await dialog.getByRole('tab', { name: 'MCP servers' }).click();
    await dialog.getByRole('button', { name: 'Add MCP server' }).click();
    const form = dialog.getByRole('form', { name: 'New MCP server' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Team files');
    // Nothing listens there: the definition is kept whether or not it connects.
    await form.getByRole('textbox', { name: 'Address' }).fill('http://127.0.0.1:9/mcp');
    await form.getByLabel('Token').fill('Bearer very-secret-mcp-token');
    await form.getByRole('button', { name: 'Save and connect' }).click();
    await expect
      .poll(() => dialog.getByRole('status', { name: 'State of Team files' }).count())
      .toBe(1);
    await closeSettings(first.page, first.tern);

    const io = await ioPanel(first.page, first.tern);
    const exported = await download(
      first.page,
      io.getByRole('button', { name: 'Export everything' }),
    );
    await first.context.close();
    expect(exported.toString('utf8')).not.toContain('very-secret-mcp-token');
    const file = JSON.parse(exported.toString('utf8')) as { app?: { mcpServers?: unknown[] } };
    expect(file.app?.mcpServers).toEqual([
      expect.objectContaining({
        name: 'Team files',
        url: 'http://127.0.0.1:9/mcp',
        headerValue: '',
      }),
    ]);

    const second = await openFresh(env);
    const io2 = await ioPanel(second.page, second.tern);
    expect(
      await importFiles(io2, [
        { name: 'tern-export.json', mimeType: 'application/json', buffer: exported },
      ]),
    ).toMatchObject({ problem: '' });
    dialog = second.tern.dialog('Settings');
    await dialog.getByRole('tab', { name: 'MCP servers' }).click();
    await expect
      .poll(() => dialog.getByRole('status', { name: 'State of Team files' }).count())
      .toBe(1);
    expect(await dialog.getByText('http://127.0.0.1:9/mcp', { exact: true }).count()).toBe(1);
    await second.context.close();
  });

  it('says why the MCP servers of a file were not taken, and takes none of them', async () => {
    const { context, page, tern } = await openFresh(env);
    const io = await ioPanel(page, tern);
    const exported = await download(page, io.getByRole('button', { name: 'Export everything' }));
    const file = JSON.parse(exported.toString('utf8')) as Record<string, unknown>;
    const hostile = {
      ...file,
      app: {
        mcpServers: [
          { id: 'x', name: 'Evil', url: 'javascript:alert(1)', headerName: '', headerValue: '' },
        ],
      },
    };
    const outcome = await importFiles(io, [
      {
        name: 'tern-export.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(hostile)),
      },
    ]);
    expect(outcome.problem).toBe(
      'The MCP servers in this file were not taken: entry 1 has an address that is not http:// or https://.',
    );
    await tern.dialog('Settings').getByRole('tab', { name: 'MCP servers' }).click();
    expect(await tern.dialog('Settings').getByText('Evil').count()).toBe(0);
    await context.close();
  });

  it('restores a downloaded full backup over what changed since', async () => {
    const { context, page, tern } = await openFresh(env);
    await tern.newSession();
    await tern.send('Before the backup');
    await expect.poll(() => tern.message('Before the backup').count()).toBe(1);
    await tern.renameSession('New chat', 'Before the backup');

    let io = await ioPanel(page, tern);
    const backup = await download(page, io.getByRole('button', { name: 'Download a backup file' }));
    await closeSettings(page, tern);

    await tern.renameSession('Before the backup', 'Renamed after');
    await tern.newSession();
    await tern.send('Written after the backup');
    await tern.renameSession('New chat', 'Written after the backup');
    await expect
      .poll(() => sessionTitles(tern))
      .toEqual(['Renamed after', 'Written after the backup']);

    io = await ioPanel(page, tern);
    page.once('dialog', (d) => void d.accept());
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      io.getByRole('button', { name: 'Restore a backup file…' }).click(),
    ]);
    await chooser.setFiles({
      name: 'tern-backup.json',
      mimeType: 'application/json',
      buffer: backup,
    });
    await io
      .getByRole('status')
      .filter({ hasText: 'The backup is restored.' })
      .waitFor({ timeout: 60_000 });
    await closeSettings(page, tern);
    await expect.poll(() => sessionTitles(tern)).toEqual(['Before the backup']);
    await page.reload();
    await tern.heading.waitFor();
    await expect.poll(() => sessionTitles(tern)).toEqual(['Before the backup']);
    await context.close();
  });
});
