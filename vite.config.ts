import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import pkg from './package.json' with { type: 'json' };
import { cspHeader, cspMeta } from './scripts/csp.mjs';

// The built page carries the policy itself (the copy the service worker keeps included). Not in
// development: Vite's dev client injects what a strict policy refuses.
const cspInPage: Plugin = {
  name: 'tern-csp-meta',
  apply: 'build',
  // Right after the charset (which must stay in the first bytes) and before every script and style.
  transformIndexHtml: {
    order: 'pre',
    handler(html) {
      const meta = `<meta http-equiv="Content-Security-Policy" content="${cspMeta()}" />`;
      const out = html.replace(/<meta charset="[^"]*" \/>/i, (m) => `${m}\n    ${meta}`);
      if (out === html) throw new Error('index.html has no <meta charset> to put the CSP after');
      return out;
    },
  },
};

// The static first screen in index.html paints from the HTML and the stylesheet alone. The app's
// scripts start loading once it has been painted: a small boot module (same origin, no inline
// script) imports the entry and its chunks together after the next frame, so on a slow network
// the first paint never waits for JavaScript.
const bootAfterPaint: Plugin = {
  name: 'tern-boot-after-paint',
  apply: 'build',
  enforce: 'post',
  generateBundle(_, bundle) {
    const page = bundle['index.html'];
    if (page?.type !== 'asset') return;
    let html = String(page.source);
    const entry = /<script type="module"[^>]*src="([^"]+)"[^>]*><\/script>\s*/.exec(html);
    if (!entry?.[1]) throw new Error('index.html has no module entry to boot');
    const chunks = [entry[1]];
    html = html
      .replace(entry[0], '')
      .replace(/<link rel="modulepreload"[^>]*href="([^"]+)"[^>]*>\s*/g, (_tag, href: string) => {
        chunks.push(href);
        return '';
      });
    const ref = this.emitFile({
      type: 'asset',
      name: 'boot.js',
      source: `requestAnimationFrame(() => setTimeout(() => { for (const c of ${JSON.stringify(chunks.reverse())}) import(c); }));\n`,
    });
    page.source = html.replace(
      '</head>',
      `  <script type="module" fetchpriority="low" src="/${this.getFileName(ref)}"></script>\n  </head>`,
    );
  },
};

export default defineConfig({
  resolve: { alias: { $lib: '/src/lib' } },
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // The tokenizer's vocabulary (about 970 KB, 450 KB gzipped) is in the token-counting worker by
    // design: it loads only when a provider reports no usage. Everything else stays far below this.
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      output: {
        // The error types and Vite's preload helper are needed by the first screen and by many lazy
        // chunks, each with a different set of other modules; one small chunk for them instead of
        // one each.
        codeSplitting: {
          groups: [
            { name: 'errors', test: /[\\/]src[\\/]lib[\\/](db[\\/])?errors\.ts$|preload-helper/ },
            { name: 'provider-errors', test: /[\\/]src[\\/]lib[\\/]providers[\\/]errors\.ts$/ },
            // What opening the database needs (the stored shapes, the schema, the opening itself and
            // the repositories the first screen reads): each small, all loaded at start, and
            // cheaper as one chunk than as a dozen.
            {
              name: 'core',
              test: /[\\/]src[\\/]lib[\\/](db[\\/](rows|vocab|reads|session-rows|row-shapes|read-only|lifecycle|database|probe|search-queue|search-layout|sync-clock|sync-kinds|hlc|prefs|schema[\\/]\w+|transforms[\\/]v1-to-v2)|state[\\/](events|search-indexer|app\.svelte|watch|view\.svelte|sync-presence\.svelte)|domain[\\/](provider-store|sessions|tx)|providers[\\/](registry|types))\.ts$/,
            },
          ],
        },
      },
    },
  },
  // The preview server sends the policy as a header too, which can also forbid framing.
  preview: { headers: { 'Content-Security-Policy': cspHeader() } },
  // The import worker is started with `type: 'module'`.
  worker: { format: 'es' },
  plugins: [
    svelte(),
    cspInPage,
    bootAfterPaint,
    VitePWA({
      // A new version waits until the user accepts it (drafts are saved first); registration is
      // done by src/lib/state/pwa.svelte.ts, not by an injected script.
      registerType: 'prompt',
      injectRegister: false,
      // Icons are generated from public/logo.svg (pwa-assets.config.ts) and committed. The
      // globPatterns below already precache them (and the plugin adds the manifest): listing them
      // again would only duplicate precache entries.
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Tern',
        short_name: 'Tern',
        description: 'Offline-first chat for large language models, entirely in your browser.',
        lang: 'en',
        theme_color: '#0f766e',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        categories: ['productivity', 'utilities'],
        icons: [
          { src: 'pwa-64x64.png', sizes: '64x64', type: 'image/png' },
          { src: 'pwa-192x192.png', sizes: '192x192', type: 'image/png' },
          { src: 'pwa-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: 'maskable-icon-512x512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        // Everything the app can ever load, lazy chunks included: Tern must open with no network.
        globPatterns: ['**/*.{js,css,html,ico,png,svg,webp,woff2,wasm}'],
        // The on-device model's engine (10 MB of wasm, and an 18 MB compat build with its loader)
        // is not for everyone: it is cached the first time it is fetched (runtimeCaching below),
        // when the user opens or uses "On this device", and then works offline.
        globIgnores: ['**/wllama-*.{wasm,js}'],
        runtimeCaching: [
          {
            urlPattern: ({ url, sameOrigin }) =>
              sameOrigin && /\/assets\/wllama-[\w-]+\.(?:wasm|js)$/.test(url.pathname),
            // The names carry a content hash: a cached copy is never stale.
            handler: 'CacheFirst',
            options: { cacheName: 'tern-engine', expiration: { maxEntries: 4 } },
          },
        ],
        navigateFallback: 'index.html',
        // Paths under /__ are never app pages; the network answers them, not the app shell.
        navigateFallbackDenylist: [/^\/__/],
        cleanupOutdatedCaches: true,
        // Control the first visit at once, so chunks loaded later already come from the cache. An
        // update still waits for the user (no skipWaiting).
        clientsClaim: true,
      },
    }),
  ],
});
