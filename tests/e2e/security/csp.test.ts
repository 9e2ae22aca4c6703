// The Content-Security-Policy and Trusted Types, in the built app: script put into the page by
// any means does not run, the policy holds from the page's own meta tag when no header is sent (as
// when the service worker serves the page), framing is refused, and using every main screen
// reports no violation at all.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { newContext, serveApp, useApp, watchErrors, type AppServer } from '../harness';
import { ChatPage } from '../chat/chat-page';
import { poll } from '../chat/chat-env';
import { startProviderServer } from '../../helpers/provider-server';

const env = useApp();

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

/** Every `securitypolicyviolation` of every page of the profile, kept in the page. */
async function recordViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __violations: Violation[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__violations.push({
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        sample: e.sample,
      }),
    );
  });
}

const violations = (page: Page) =>
  page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);

/** Tries every way of running injected script from inside the page; returns what ran. */
function inject(page: Page) {
  return page.evaluate(async () => {
    const w = window as unknown as { __ran: string[] };
    w.__ran = [];
    const tried: Record<string, string> = {};
    const attempt = (name: string, fn: () => void) => {
      try {
        fn();
        tried[name] = 'no error';
      } catch (e) {
        tried[name] = e instanceof Error ? e.name : String(e);
      }
    };
    attempt('inline script', () => {
      const s = document.createElement('script');
      s.textContent = 'window.__ran.push("inline")';
      document.body.append(s);
    });
    attempt('script from a data URL', () => {
      const s = document.createElement('script');
      s.src = 'data:text/javascript,window.__ran.push("data")';
      document.body.append(s);
    });
    attempt('script from another origin', () => {
      const s = document.createElement('script');
      s.src = 'https://example.invalid/x.js';
      document.body.append(s);
    });
    attempt('HTML with a handler', () => {
      document.body.insertAdjacentHTML(
        'beforeend',
        '<img src="data:," onerror="window.__ran.push(\'html\')">',
      );
    });
    attempt('handler attribute', () => {
      const b = document.createElement('button');
      b.setAttribute('onclick', 'window.__ran.push("attribute")');
      document.body.append(b);
      b.click();
    });
    // The test driver's own evaluation may eval; a timer's callback is the page's own code.
    setTimeout(() =>
      attempt('eval', () => {
        (0, eval)('window.__ran.push("eval")');
      }),
    );
    attempt('javascript: link', () => {
      const a = document.createElement('a');
      a.href = 'javascript:window.__ran.push("link")';
      document.body.append(a);
      a.click();
    });
    // Inside the page: the tests' own helpers are not there.
    await new Promise((r) => setTimeout(r, 300));
    return { ran: w.__ran, tried };
  });
}

describe('Content-Security-Policy', () => {
  it('runs no script injected into the page, and reports each attempt', async () => {
    const context = await newContext(env.browser);
    await recordViolations(context);
    const page = await context.newPage();
    const response = await page.goto(env.server.url);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.getByRole('main').getByRole('heading', { level: 1 }).waitFor();
    const { ran, tried } = await inject(page);
    expect(ran).toEqual([]);
    // Trusted Types refuse the sinks outright; CSP refuses what gets past them.
    expect(tried).toMatchObject({
      'inline script': 'TypeError',
      'script from a data URL': 'TypeError',
      'script from another origin': 'TypeError',
      'HTML with a handler': 'TypeError',
      'handler attribute': 'TypeError',
      eval: 'EvalError',
    });
    const directives = new Set((await violations(page)).map((v) => v.directive));
    // The javascript: link gets past Trusted Types and is refused by script-src as inline script.
    for (const d of ['require-trusted-types-for', 'script-src-elem'])
      expect([...directives]).toContain(d);
    await context.close();
  });

  it('holds from the page itself when no header is sent, and keeps the app out of frames', async () => {
    const bare: AppServer = await serveApp('dist', { cspHeader: false });
    try {
      const context = await newContext(env.browser);
      await recordViolations(context);
      const page = await context.newPage();
      const response = await page.goto(bare.url);
      expect(response?.headers()['content-security-policy']).toBeUndefined();
      await page.getByRole('main').getByRole('heading', { level: 1 }).waitFor();
      const { ran } = await inject(page);
      expect(ran).toEqual([]);
      await context.close();
    } finally {
      await bare.close();
    }

    const context = await newContext(env.browser);
    const page = await context.newPage();
    await page.goto(`${env.server.url}/__blank`);
    const framed = await page.evaluate(async () => {
      const f = document.createElement('iframe');
      f.src = '/';
      document.body.append(f);
      await new Promise((r) => setTimeout(r, 1500));
      // A refused frame holds the browser's error page, of no origin the parent can read.
      return f.contentDocument?.querySelector('#app') ? 'app shown' : 'refused';
    });
    expect(framed).toBe('refused');
    await context.close();
  });
});

describe('normal use under the policy', () => {
  const provider = { server: null as Awaited<ReturnType<typeof startProviderServer>> | null };
  beforeAll(async () => {
    provider.server = await startProviderServer();
  });
  afterAll(async () => {
    await provider.server?.close();
  });

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 360, height: 740 },
  ])
    it(`reports no violation on any main screen at ${viewport.width}×${viewport.height}`, async () => {
      const server = provider.server;
      if (!server) throw new Error('no provider server');
      const context = await newContext(env.browser, { viewport });
      await recordViolations(context);
      const page = await context.newPage();
      const errors = watchErrors(page);
      const tern = new ChatPage(page, env.server.url);
      await tern.open();
      // On a phone the sidebar is a drawer.
      const openMenu = async () => {
        if (!(await tern.sidebar.isVisible()))
          await page.getByRole('button', { name: 'Open sidebar' }).click();
      };

      // A chat turn with Markdown, a highlighted code block and a task list.
      await openMenu();
      await tern.addProvider(`${server.url}/v1`);
      await openMenu();
      await tern.newSession();
      server.scripts.push({
        kind: 'reply',
        tokens: ['Here:\n\n', '```ts\nconst a: number = 1;\n```\n\n', '- [x] done\n', '- [ ] not'],
      });
      await tern.send('Show me code');
      await poll(() => page.locator('pre code.hljs').count()).toBe(1);
      await poll(() => page.getByRole('checkbox', { name: 'Done', exact: true }).count()).toBe(1);

      // Every settings tab, an import (its worker) and an export (a download).
      await openMenu();
      await tern.sidebar.getByRole('button', { name: 'Settings', exact: true }).click();
      const dialog = tern.dialog('Settings');
      for (const tab of ['Session', 'App', 'Storage'])
        await dialog.getByRole('tab', { name: tab }).click();
      const io = dialog.getByRole('region', { name: 'Import and export' });
      await io.getByLabel('Choose files…').setInputFiles({
        name: 'backup.json',
        mimeType: 'application/json',
        buffer: await readFile('tests/fixtures/io/nextchat-backup.json'),
      });
      await io.getByRole('status').filter({ hasText: 'The import is finished' }).waitFor();
      await Promise.all([
        page.waitForEvent('download'),
        io.getByRole('button', { name: 'Export everything' }).click(),
      ]);
      await page.keyboard.press('Escape');

      // Search, and the page as the service worker serves it after a reload.
      await openMenu();
      await tern.searchBox.fill('code');
      await page.reload();
      await tern.heading.waitFor();
      await page.waitForTimeout(500);

      expect(await violations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });
});
