// Hostile strings as session titles, messages and Markdown: none may run, all must show as text.
import { describe, expect, it } from 'vitest';
import { useApp, newContext } from '../harness';
import { recordXss, seed, TernPage, xssRan } from '../pages/app';

const env = useApp();

const PAYLOADS = [
  '<script>window.__xss("script")</script>',
  '<img src=x onerror="window.__xss(\'img\')">',
  '<svg onload="window.__xss(\'svg\')"><circle r=1 /></svg>',
  '<iframe src="javascript:window.__xss(\'iframe\')"></iframe>',
  '[click me](javascript:window.__xss("md-link"))',
  '[data](data:text/html,<script>window.__xss("data")</script>)',
  '![pic](x" onerror="window.__xss(\'md-img\'))',
  '<a href="javascript:window.__xss(\'a\')">a link</a>',
  '```html\n<script>window.__xss("code")</script>\n```',
  '<details open ontoggle="window.__xss(\'details\')">d</details>',
  '<style>@import "javascript:window.__xss(\'css\')"</style>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss("mxss")>',
  '[x](  JaVaScRiPt:window.__xss("case"))',
];

describe('hostile strings', () => {
  it('runs none of them and shows them as text, in titles and messages, after a reload too', async () => {
    const context = await newContext(env.browser);
    await recordXss(context);
    const page = await context.newPage();
    await seed(
      page,
      env.server.url,
      PAYLOADS.map((p, i) => ({ id: `x${i}`, title: p, messages: [{ content: p }] })),
    );
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    for (const p of PAYLOADS) {
      // Titles are shown as typed, every character.
      await expect.poll(() => tern.session(p).count()).toBe(1);
    }
    for (let round = 0; round < 2; round++) {
      for (const p of PAYLOADS) {
        await tern.session(p).getByRole('button').first().click();
        await expect.poll(() => tern.messages.count()).toBe(1);
        await expect.poll(() => tern.heading.textContent()).toBe(p);
        const found = await tern.messages.first().evaluate((el) => {
          // The message's own action buttons (icons are SVG) are the app's, not the payload's.
          const all = [...el.querySelectorAll('*')].filter((e) => !e.closest('.actions'));
          return {
            tags: all
              .map((e) => e.tagName.toLowerCase())
              .filter((t) => /^(script|iframe|svg|img|style|math|object|embed|form)$/.test(t)),
            handlers: all.flatMap((e) =>
              [...e.attributes].map((a) => a.name).filter((n) => n.startsWith('on')),
            ),
            links: [...el.querySelectorAll('a[href]')]
              .map((a) => a.getAttribute('href') ?? '')
              .filter((h) => !/^(https?:|mailto:|#)/i.test(h)),
          };
        });
        expect(found, p).toEqual({ tags: [], handlers: [], links: [] });
      }
      await page.waitForTimeout(300);
      expect(await xssRan(page)).toEqual([]);
      await page.reload();
      await tern.heading.waitFor();
    }
    // The HTML ones show their markup as text.
    await tern
      .session(PAYLOADS[0] ?? '')
      .getByRole('button')
      .first()
      .click();
    await expect
      .poll(() => tern.message('<script>window.__xss("script")</script>').count())
      .toBe(1);
    await context.close();
  });

  it('keeps a hostile message typed into the composer as text', async () => {
    const context = await newContext(env.browser);
    await recordXss(context);
    const page = await context.newPage();
    const tern = new TernPage(page, env.server.url);
    await tern.open();
    await tern.newSession();
    await tern.send('<img src=x onerror="window.__xss(1)"> and [x](javascript:window.__xss(2))');
    await expect.poll(() => tern.message('<img src=x onerror=').count()).toBe(1);
    await tern.renameSession('New chat', '<b onmouseover="window.__xss(3)">bold</b>');
    await expect
      .poll(() => tern.session('<b onmouseover="window.__xss(3)">bold</b>').count())
      .toBe(1);
    await tern.message('<img src=x').hover();
    await page.reload();
    await expect.poll(() => tern.message('<img src=x onerror=').count()).toBe(1);
    expect(await xssRan(page)).toEqual([]);
    await context.close();
  });
});
