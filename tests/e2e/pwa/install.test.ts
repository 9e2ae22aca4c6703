// Installability of the production build: the manifest a browser reads, the icons it would put on
// a home screen, the tags in the head, and a service worker that controls the start URL with every
// file of the app precached.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, newContext, serveApp, watchErrors, type AppServer } from '../harness';

interface ManifestIcon {
  src: string;
  sizes: string;
  type?: string;
  purpose?: string;
}
interface Manifest {
  name: string;
  short_name: string;
  description: string;
  theme_color: string;
  background_color: string;
  display: string;
  start_url: string;
  scope: string;
  icons: ManifestIcon[];
}

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync('dist/index.html')) throw new Error('build the app first: npx vite build');
  server = await serveApp('dist');
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The decoded pixel size of an image, as the browser loads it. */
function imageSize(page: Page, url: string): Promise<{ width: number; height: number }> {
  return page.evaluate(
    (src) =>
      new Promise<{ width: number; height: number }>((resolve, reject) => {
        const img = new Image();
        img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
        img.onerror = () => reject(new Error(`${src} did not load`));
        img.src = src;
      }),
    url,
  );
}

describe('Tern as an installable app', () => {
  it('has a manifest browsers accept, with icons that load at their stated sizes', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const response = await page.request.get(new URL(href ?? '', server.url).href);
    expect(response.ok()).toBe(true);
    expect(response.headers()['content-type']).toContain('application/manifest+json');
    const manifest = (await response.json()) as Manifest;

    expect(manifest).toMatchObject({
      name: 'Tern',
      short_name: 'Tern',
      display: 'standalone',
      start_url: '/',
      scope: '/',
      theme_color: '#0f766e',
      background_color: '#ffffff',
    });
    expect(manifest.description.length).toBeGreaterThan(20);

    const find = (size: string, purpose: string) =>
      manifest.icons.find((i) => i.sizes === size && (i.purpose ?? 'any') === purpose);
    const wanted = [find('192x192', 'any'), find('512x512', 'any'), find('512x512', 'maskable')];
    for (const icon of wanted) {
      expect(icon).toBeDefined();
      if (!icon) continue;
      const [w, h] = icon.sizes.split('x').map(Number);
      expect(await imageSize(page, new URL(icon.src, server.url).href)).toEqual({
        width: w,
        height: h,
      });
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('carries the matching tags in the head', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    expect(await page.title()).toBe('Tern');
    expect(await page.locator('meta[name="theme-color"]').getAttribute('content')).toBe('#0f766e');
    // The on-screen keyboard resizes the layout (Android), keeping the composer above it.
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain(
      'interactive-widget=resizes-content',
    );
    const description = await page.locator('meta[name="description"]').getAttribute('content');
    expect(description).toBe(
      'Offline-first chat for large language models, entirely in your browser.',
    );
    const touch = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
    expect(await imageSize(page, new URL(touch ?? '', server.url).href)).toEqual({
      width: 180,
      height: 180,
    });
    const favicon = await page.locator('link[rel="icon"]').first().getAttribute('href');
    expect((await page.request.get(new URL(favicon ?? '', server.url).href)).ok()).toBe(true);
    await context.close();
  });

  it('has a service worker that controls the start URL, with every built file precached', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const script = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.ready;
      return r.active?.scriptURL ?? '';
    });
    expect(script).toBe(`${server.url}/sw.js`);
    // A fresh load of the start URL, as an installed app opens it.
    await page.goto(`${server.url}/`);
    const controller = await page.evaluate(
      () => navigator.serviceWorker.controller?.scriptURL ?? null,
    );
    expect(controller).toBe(`${server.url}/sw.js`);

    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const req of await cache.keys()) urls.push(new URL(req.url).pathname);
      }
      return urls;
    });
    const built = (await readdir('dist/assets')).filter((f) => !f.endsWith('.map'));
    // The on-device model's engine files are cached when first used, not for everyone
    // (tests/e2e/local/local-model.test.ts shows them kept for offline use).
    const engine = built.filter((f) => f.startsWith('wllama-'));
    expect(engine.some((f) => f.endsWith('.wasm'))).toBe(true);
    for (const file of engine) expect(cached).not.toContain(`/assets/${file}`);
    const assets = built.filter((f) => !engine.includes(f));
    expect(assets.length).toBeGreaterThan(1);
    for (const file of [
      ...assets.map((a) => `/assets/${a}`),
      '/index.html',
      '/manifest.webmanifest',
    ])
      expect(cached).toContain(file);
    for (const icon of ['/pwa-192x192.png', '/pwa-512x512.png', '/maskable-icon-512x512.png'])
      expect(cached).toContain(icon);
    await context.close();
  });
});
