import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import pkg from './package.json' with { type: 'json' };

// The static first screen in index.html paints from the HTML and the stylesheet alone; the app's
// scripts are fetched at low priority so they never hold that paint back on a slow network.
const scriptsAfterShell: Plugin = {
  name: 'tern-scripts-after-shell',
  transformIndexHtml: {
    order: 'post',
    handler: (html) =>
      html.replace(
        /<(script type="module"|link rel="modulepreload") crossorigin/g,
        '<$1 fetchpriority="low" crossorigin',
      ),
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
    // The tokenizer's vocabulary (about 970 KB, 450 KB gzipped) is one lazy chunk by design: it
    // loads only when a provider reports no usage. Everything else stays far below this.
    chunkSizeWarningLimit: 1000,
  },
  // The import worker is started with `type: 'module'`.
  worker: { format: 'es' },
  plugins: [
    svelte(),
    scriptsAfterShell,
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
