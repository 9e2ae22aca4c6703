// End-to-end plumbing: a static server for a built copy of the app on 127.0.0.1 (its root can be
// switched, to serve a newer build to the same origin), and the system's Chromium driven by
// playwright-core. `/__blank` is a page of the same origin that runs none of the app, for seeding
// IndexedDB or holding a connection open as an "old tab" would.
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/chromium.mjs';
import { cspHeader } from '../../scripts/csp.mjs';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export interface AppServer {
  url: string;
  /** Serve another build from now on (same origin, as a deploy would). */
  setRoot(dir: string): void;
  /** Refuse every request (the network is gone) until set back. */
  setOffline(offline: boolean): void;
  /** Paths requested so far (to check what was fetched). */
  requests: string[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Send the Content-Security-Policy header with every page, as the preview server does. */
  cspHeader?: boolean;
}

export async function serveApp(
  root = 'dist',
  { cspHeader: withCsp = true }: ServeOptions = {},
): Promise<AppServer> {
  let dir = resolve(root);
  let offline = false;
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      requests.push(path);
      if (offline) {
        req.socket.destroy();
        return;
      }
      if (path === '/__blank') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><title>blank</title>');
        return;
      }
      let file = normalize(join(dir, path));
      if (!file.startsWith(dir)) {
        res.writeHead(403).end();
        return;
      }
      const isFile = await stat(file).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!isFile) {
        if (extname(path) !== '') {
          res.writeHead(404).end();
          return;
        }
        file = join(dir, 'index.html');
      }
      const body = await readFile(file);
      const headers: Record<string, string> = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      };
      if (file.endsWith('sw.js') || file.endsWith('.html')) headers['cache-control'] = 'no-cache';
      if (withCsp && file.endsWith('.html')) headers['content-security-policy'] = cspHeader();
      res.writeHead(200, headers);
      res.end(body);
    })().catch(() => {
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    setRoot: (d) => (dir = resolve(d)),
    setOffline: (o) => (offline = o),
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function launch(): Promise<Browser> {
  return launchChromium();
}

/** A fresh profile (its own IndexedDB); pages in one context are tabs of one browser. */
export async function newContext(
  browser: Browser,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  return browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
}

/** Collects uncaught page errors and console errors, so tests can assert none happened. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} @ ${JSON.stringify(m.location())}`);
  });
  return errors;
}

export interface AppEnv {
  readonly server: AppServer;
  readonly browser: Browser;
}

/** The built app served and one Chromium, for every test of the calling file, closed after it. */
export function useApp(): AppEnv {
  const env: { server?: AppServer; browser?: Browser } = {};
  beforeAll(async () => {
    env.server = await serveApp();
    env.browser = await launch();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return {
    get server() {
      if (!env.server) throw new Error('The app is served from beforeAll on.');
      return env.server;
    },
    get browser() {
      if (!env.browser) throw new Error('Chromium runs from beforeAll on.');
      return env.browser;
    },
  };
}

/**
 * Waits until the page's transitions have run: colours and places are then as painted. An
 * animation cancelled midway (its element removed or restyled) rejects `finished` with an
 * AbortError; it is over all the same.
 */
export async function animationsSettled(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
  );
}
