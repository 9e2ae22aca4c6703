// Test builds of Tern, made from a temporary copy of the source so that nothing in the working tree
// changes: each carries the test hook, and "next" also has one more schema version than this code,
// as the release after this one would. Output goes to dist-test-* (ignored by git).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext } from 'playwright-core';

const run = promisify(execFile);
const ROOT = resolve('.');
const COPIED = [
  'index.html',
  'package.json',
  'vite.config.ts',
  'svelte.config.js',
  'tsconfig.json',
  'public',
  'src',
  // The Content-Security-Policy the build writes into the page.
  'scripts/csp.mjs',
];

const SCHEMA_INDEX = readFileSync(join(ROOT, 'src/lib/db/schema/index.ts'), 'utf8');
const HISTORY = /SCHEMA_HISTORY: readonly SchemaVersion\[\] = \[([^\]]*)\]/.exec(SCHEMA_INDEX);
if (!HISTORY?.[1]) throw new Error('src/lib/db/schema/index.ts has no SCHEMA_HISTORY list');
const LISTED_TEXT = HISTORY[1];
const LISTED = LISTED_TEXT.split(',').map((v) => v.trim());
/** The schema version of this code, and the one the "next" build adds. */
export const CURRENT_VERSION = LISTED.length;
export const NEXT_VERSION = CURRENT_VERSION + 1;

const NEXT = `import type { SchemaVersion } from './types';

export const v${NEXT_VERSION}: SchemaVersion = {
  version: ${NEXT_VERSION},
  date: '2026-12-31',
  notes: ['Pins: one per session, filled in by the upgrade.'],
  stores: { pins: 'id, sessionId' },
  async upgrade(tx) {
    const sessions = (await tx.table('sessions').toArray()) as { id: string }[];
    await tx.table('pins').bulkAdd(sessions.map((s) => ({ id: 'pin-' + s.id, sessionId: s.id })));
  },
};
`;

export async function buildTern(name: string, options: { nextSchema?: boolean } = {}) {
  const src = await mkdtemp(join(tmpdir(), 'tern-src-'));
  try {
    for (const entry of COPIED) await cp(join(ROOT, entry), join(src, entry), { recursive: true });
    await symlink(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
    await cp(join(ROOT, 'tests/e2e/pwa/test-hook.ts'), join(src, 'src/test-hook.ts'));
    const main = join(src, 'src/main.ts');
    await writeFile(main, `${await readFile(main, 'utf8')}\nimport './test-hook';\n`);
    if (options.nextSchema) {
      const schema = join(src, 'src/lib/db/schema');
      await writeFile(join(schema, `v${NEXT_VERSION}.ts`), NEXT);
      const last = LISTED[LISTED.length - 1] ?? '';
      const list = [...LISTED, `v${NEXT_VERSION}`].join(', ');
      const text = SCHEMA_INDEX.replace(
        `import { ${last} } from './${last}';`,
        `import { ${last} } from './${last}';\nimport { v${NEXT_VERSION} } from './v${NEXT_VERSION}';`,
      ).replace(`[${LISTED_TEXT}]`, `[${list}]`);
      if (!text.includes(`[${list}]`))
        throw new Error('the schema history did not take the next version');
      await writeFile(join(schema, 'index.ts'), text);
    }
    const out = join(ROOT, `dist-test-${name}`);
    await run(
      process.execPath,
      [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--emptyOutDir'],
      { cwd: src },
    );
    return out;
  } finally {
    await rm(src, { recursive: true, force: true });
  }
}

/**
 * The app's code runs once its first screen has painted, after the page's `load`: until the test
 * hook is installed, `window.__ternTest` stands in for it and each call waits for the real one.
 */
export async function awaitHook(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    let install: (hook: Record<string, (...a: unknown[]) => unknown>) => void = () => {};
    const real = new Promise<Record<string, (...a: unknown[]) => unknown>>((r) => (install = r));
    const stub = new Proxy(
      {},
      {
        get:
          (_t, name: string) =>
          async (...args: unknown[]) =>
            (await real)[name]?.(...args),
      },
    );
    Object.defineProperty(window, '__ternTest', {
      configurable: true,
      get: () => stub,
      set: (hook: Record<string, (...a: unknown[]) => unknown>) => install(hook),
    });
  });
}
