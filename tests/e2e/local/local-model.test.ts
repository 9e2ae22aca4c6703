// "On this device" end to end, in real Chromium against the built app: a GGUF model made here
// (scripts/make-gguf.mjs) picked from disk in the settings, a reply streamed by the real engine,
// Stop, a reload in the middle of a reply then Continue, and the whole chat with the network gone;
// a download from a 127.0.0.1 server that fails halfway and resumes with a range request; a file
// that is not GGUF; a full disk. Nothing reaches the internet.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeGguf } from '../../../scripts/make-gguf.mjs';
import { watchErrors } from '../harness';
import { ChatPage } from '../chat/chat-page';
import { poll, useChatEnv } from '../chat/chat-env';

const env = useChatEnv();
let dir = '';
let model: Buffer;
// The whole context the app gives a model (4,096 tokens): replies here run until stopped, and on a
// busy machine the stops come late, so a smaller one could fill up and end a reply before its Stop.
const MODEL = { layers: 4, embd: 256, heads: 4, ff: 704, ctx: 4096 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tern-gguf-'));
  model = Buffer.concat(makeGguf(MODEL));
  await writeFile(join(dir, 'pocket.gguf'), model);
  await writeFile(join(dir, 'notes.gguf'), 'Not a model at all.\n'.repeat(200));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function settings(page: Page) {
  return page.getByRole('dialog', { name: 'Settings' });
}

/** Opens Settings → App → Add provider with the kind "On this device". */
async function openLocalForm(tern: ChatPage) {
  await tern.openAppSettings();
  const dialog = settings(tern.page);
  await dialog.getByRole('button', { name: 'Add provider' }).click();
  const form = dialog.getByRole('form', { name: 'New provider' });
  await form.getByLabel('Kind').selectOption({ label: 'On this device' });
  return form;
}

const kept = (page: Page) =>
  settings(page).getByRole('list', { name: 'Models kept on this device' }).getByRole('listitem');

async function saveAndClose(tern: ChatPage) {
  const dialog = settings(tern.page);
  await dialog.getByRole('button', { name: 'Save provider' }).click();
  await dialog
    .getByRole('list', { name: 'Providers set up' })
    .getByRole('listitem', { name: 'On this device' })
    .waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });
}

async function withModel() {
  const page = await env.context.newPage();
  const errors = watchErrors(page);
  const tern = new ChatPage(page, env.server.url);
  await tern.open();
  const form = await openLocalForm(tern);
  await form.getByLabel('Add a GGUF file from this device').setInputFiles(join(dir, 'pocket.gguf'));
  await poll(() => kept(page).filter({ hasText: 'pocket.gguf' }).count()).toBe(1);
  await poll(async () => (await form.getByRole('status').last().textContent()) ?? '').toContain(
    'pocket.gguf is kept on this device',
  );
  // It says how it runs here: one thread, since this page is not cross-origin isolated.
  await poll(async () => (await form.textContent()) ?? '').toContain('one thread');
  await saveAndClose(tern);
  await tern.newSession();
  return { page, tern, errors };
}

const textOf = async (l: { textContent(): Promise<string | null> }) =>
  (await l.textContent()) ?? '';

describe('a model on this device', () => {
  it('streams a reply, stops, survives a reload mid-reply (Continue), and answers offline', async () => {
    const { page, tern, errors } = await withModel();

    await tern.send('Hello there');
    const reply = tern.replies().last();
    await poll(() => reply.getByText('Writing…').count()).toBe(1);
    await poll(async () => (await textOf(reply)).length).toBeGreaterThan(40);
    await tern.stopButton.click();
    await poll(() => reply.getByText('Stopped').count()).toBe(1);

    // A reload in the middle of a reply: what arrived was kept while it streamed.
    await tern.send('Tell me more');
    await poll(() => tern.replies().count()).toBe(2);
    const second = tern.replies().nth(1);
    await poll(async () => (await textOf(second)).length).toBeGreaterThan(60);
    await page.reload();
    const cut = tern.replies().nth(1);
    await poll(() => cut.getByRole('button', { name: 'Continue' }).count()).toBe(1);
    const before = (await textOf(cut)).length;
    expect(before).toBeGreaterThan(20);
    await cut.getByRole('button', { name: 'Continue' }).click();
    await poll(async () => (await textOf(cut)).length).toBeGreaterThan(before + 40);
    await tern.stopButton.click();
    await poll(() => tern.stopButton.count()).toBe(0);

    // No network at all, and the page reloaded from the service worker: the engine's code and
    // wasm come from its cache, the model from the device, and nothing waits in the outbox.
    await env.context.setOffline(true);
    env.server.setOffline(true);
    try {
      await page.reload();
      await tern.heading.waitFor();
      await poll(async () => textOf(tern.connection)).toContain(
        'Offline. The model on this device answers this session.',
      );
      const lastBefore = await textOf(tern.messages.last());
      await tern.send('Written on a plane');
      // The reply comes right after the message, from the model on this device.
      await poll(() => tern.message('Written on a plane').count()).toBe(1);
      const offline = tern.messages.last();
      await poll(async () => {
        const t = await textOf(offline);
        return t !== lastBefore && t.includes('Assistant');
      }).toBe(true);
      await poll(async () => (await textOf(offline)).length).toBeGreaterThan(40);
      expect(await tern.message('Written on a plane').getByText('Waiting to send').count()).toBe(0);
      await tern.stopButton.click();
      await poll(() => offline.getByText('Stopped').count()).toBe(1);
    } finally {
      env.server.setOffline(false);
      await env.context.setOffline(false);
    }
    expect(errors).toEqual([]);
  });

  it('refuses a file that is not GGUF, and a model the disk has no room for, keeping nothing', async () => {
    const page = await env.context.newPage();
    const tern = new ChatPage(page, env.server.url);
    await tern.open();
    const form = await openLocalForm(tern);
    await form
      .getByLabel('Add a GGUF file from this device')
      .setInputFiles(join(dir, 'notes.gguf'));
    await poll(async () => textOf(form.getByRole('alert'))).toContain('is not a GGUF model');
    expect(await kept(page).count()).toBe(0);

    // A disk with room for Tern's data but not for the model.
    const cdp = await env.context.newCDPSession(page);
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', {
      origin: env.server.url,
      quotaSize: usage + model.length / 2,
    });
    try {
      await form
        .getByLabel('Add a GGUF file from this device')
        .setInputFiles(join(dir, 'pocket.gguf'));
      await poll(async () => textOf(form.getByRole('alert'))).toContain('not enough space');
      expect(await kept(page).count()).toBe(0);
      const files = await page.evaluate(async () => {
        const root = await navigator.storage.getDirectory();
        const models = await (
          await root.getDirectoryHandle('tern-models')
        ).getDirectoryHandle('models');
        const names: string[] = [];
        for await (const [name] of (
          models as unknown as { entries(): AsyncIterable<[string]> }
        ).entries())
          names.push(name);
        return names;
      });
      expect(files).toEqual([]);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: env.server.url });
    }
  });
});

describe('downloading a model', () => {
  let files: Server;
  let url = '';
  const ranges: (string | null)[] = [];
  let failNext = true;

  beforeAll(async () => {
    files = createServer((req, res) => {
      const cors = {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'range, if-range',
        'access-control-expose-headers': 'content-range, content-length, etag, accept-ranges',
      };
      if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
      const range = req.headers.range ?? null;
      ranges.push(range);
      const start = range ? Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0) : 0;
      const body = model.subarray(start);
      res.writeHead(range ? 206 : 200, {
        ...cors,
        'content-type': 'application/octet-stream',
        'content-length': String(body.length),
        'accept-ranges': 'bytes',
        etag: '"pocket-1"',
        ...(range ? { 'content-range': `bytes ${start}-${model.length - 1}/${model.length}` } : {}),
      });
      if (failNext) {
        // Half the file, then the connection drops.
        failNext = false;
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
        return;
      }
      res.end(body);
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    const address = files.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    url = `http://127.0.0.1:${address.port}/models/pocket.gguf`;
  });
  afterAll(async () => {
    files.closeAllConnections();
    await new Promise<void>((r) => files.close(() => r()));
  });

  it('fails halfway with a clear message, resumes from there with a range request, and keeps the whole model', async () => {
    const page = await env.context.newPage();
    const tern = new ChatPage(page, env.server.url);
    await tern.open();
    const form = await openLocalForm(tern);
    await form.getByRole('textbox', { name: 'Address of a GGUF file' }).fill(url);
    await form.getByRole('button', { name: 'Download', exact: true }).click();
    await poll(async () => textOf(form.getByRole('alert'))).toContain('the connection was lost');
    const download = form.getByRole('group', { name: 'Download' });
    await poll(async () => textOf(download)).toContain('Paused');
    expect(await kept(page).count()).toBe(0);

    await download.getByRole('button', { name: 'Resume' }).click();
    await poll(() => kept(page).filter({ hasText: 'pocket.gguf' }).count()).toBe(1);
    // The first request asked for the whole file; the last, only what was missing.
    expect(ranges[0]).toBeNull();
    const resumedFrom = Number(/bytes=(\d+)-/.exec(ranges.at(-1) ?? '')?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThan(model.length);
    const size = await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const models = await (
        await root.getDirectoryHandle('tern-models')
      ).getDirectoryHandle('models');
      return (await (await models.getFileHandle('pocket.gguf')).getFile()).size;
    });
    expect(size).toBe(model.length);
    // The finished download steps aside once the kept model is listed.
    await poll(() => form.getByRole('group', { name: 'Download' }).count()).toBe(0);
  });
});
