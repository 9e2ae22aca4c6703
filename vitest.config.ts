import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './scripts/chromium.mjs';

const browserProjects = !process.argv.some((a) => a === 'unit' || a === 'migration');
// Looking for Chromium (and installing it where none is found) only when a browser suite runs.
const launchOptions = browserProjects ? chromiumLaunchOptions() : {};

export default defineConfig({
  plugins: [svelte()],
  define: { __APP_VERSION__: JSON.stringify('test') },
  resolve: { alias: { $lib: '/src/lib' } },
  // The dependency scan gives up on the PWA plugin's virtual module, so every dependency the browser
  // tests load is named here: one found late reloads the page midway, and a test that was running
  // then is left holding two Svelte runtimes (a clean checkout failed on exactly that).
  optimizeDeps: {
    include: [
      '@streamparser/json',
      'fflate',
      'dexie',
      'dexie-export-import',
      'fake-indexeddb',
      'idb-keyval',
      'marked',
      'dompurify',
      'eventsource-parser',
      'gpt-tokenizer/encoding/cl100k_base',
      '@wllama/wllama',
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/unit/**/*.test.ts'],
          setupFiles: ['tests/helpers/node-setup.ts'],
          // A guard against hangs, not a speed test: the streaming-import tests parse megabytes and
          // take seconds on a busy two-core machine.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'migration',
          environment: 'node',
          include: ['tests/migration/**/*.test.ts'],
          setupFiles: ['tests/helpers/node-setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts', 'tests/migration/**/*.test.ts'],
          globalSetup: ['tests/browser/provider-setup.ts', 'tests/helpers/couch-setup.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          // PouchDB Servers on demand for pages that sync (tests/helpers/couch-control.ts).
          globalSetup: ['tests/helpers/couch-setup.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 90_000,
          // A built app in a real browser: its first open (the database created, the service
          // worker installing) can take more than a second on a busy machine.
          expect: { poll: { timeout: 5000 } },
        },
      },
    ],
  },
});
