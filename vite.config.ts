import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import pkg from './package.json' with { type: 'json' };

export default defineConfig({
  resolve: { alias: { $lib: '/src/lib' } },
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
  },
  build: { target: 'es2022', sourcemap: true },
  // The import worker is started with `type: 'module'`.
  worker: { format: 'es' },
  plugins: [
    svelte(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Tern',
        short_name: 'Tern',
        description: 'Offline-first chat for large language models, entirely in your browser.',
        theme_color: '#0f766e',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '/',
        scope: '/',
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,ico,png,svg,webp,woff2,webmanifest}'],
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});
