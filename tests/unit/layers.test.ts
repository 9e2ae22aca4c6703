// The layer rule (scripts/eslint-layers.js) fires on an import that goes up a layer and passes on
// the source tree as it is.
import { ESLint } from 'eslint';
import svelte from 'eslint-plugin-svelte';
import ts from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layersConfig } from '../../scripts/eslint-layers.js';

const root = new URL('../..', import.meta.url).pathname;

// Only the parsers and the layer rule: the type-aware rules are not under test and are slow.
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    // The tree's disable comments are for rules that are not loaded here.
    { linterOptions: { reportUnusedDisableDirectives: 'off' } },
    ...svelte.configs.base,
    { files: ['**/*.ts'], languageOptions: { parser: ts.parser } },
    { files: ['**/*.svelte'], languageOptions: { parserOptions: { parser: ts.parser } } },
    layersConfig,
  ],
});

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('the layer rule', () => {
  it.each([
    ['src/lib/ui/x.ts', "import type { McpStatus } from '../state/mcp.svelte';"],
    ['src/lib/ui/x.ts', "export { rankCommands } from '../db/database';"],
    ['src/lib/domain/x.ts', "import { send } from '../state/send';"],
    ['src/lib/db/x.ts', "import type { Session } from '../domain/sessions';"],
    ['src/lib/providers/x.ts', "import { db } from '../db/database';"],
    ['src/lib/providers/x.ts', "import { listSessions } from '../domain/sessions';"],
    ['src/lib/io/tern/x.ts', "import { createDatabase } from '../../db/database';"],
    ['src/lib/state/x.ts', "import Sidebar from '../components/Sidebar.svelte';"],
    ['src/lib/providers/x.ts', "import { x } from '../domain';"],
    [
      'src/lib/components/X.svelte',
      '<script lang="ts">import { db } from \'../db/database\';</script>',
    ],
    ['src/lib/components/x.ts', "const m = import('$lib/db/lifecycle');"],
    ['src/lib/sync/x.ts', "import { db } from '../db/database';"],
    ['src/lib/sync/x.ts', "import type { Provider } from '../providers';"],
    ['src/lib/io/x.ts', "import { changes } from '../sync/couch';"],
  ])('fires in %s on %s', async (file, code) => {
    const messages = await lint(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^tern\/layers: .* imports point down the layers only/);
  });

  it.each([
    ['src/lib/components/x.ts', "import Dexie from 'dexie';"],
    ['src/lib/ui/x.ts', "import { get } from 'idb-keyval';"],
    ['src/lib/io/x.ts', "import { importInto } from 'dexie-export-import';"],
    ['src/lib/sync/x.ts', "import Dexie from 'dexie';"],
  ])('keeps storage libraries out of %s: %s', async (file, code) => {
    expect(await lint(file, code)).toEqual([
      expect.stringMatching(/^tern\/layers: .* only lib\/db, lib\/domain and lib\/state/),
    ]);
  });

  it.each([
    ['src/lib/ui/x.ts', "import type { MessageRow } from '../db/rows';"],
    ['src/lib/domain/x.ts', "import { isProviderError } from '../providers';"],
    [
      'src/lib/components/X.svelte',
      '<script lang="ts">import type { SessionRow } from \'../db/rows\';</script>',
    ],
    ['src/lib/providers/x.ts', "import { TernError } from '../errors';"],
    ['src/lib/io/x.ts', "import type { V2Rows } from '../db/transforms/v1-to-v2';"],
    ['src/lib/io/x.ts', "import type { V1ChatRow } from '../db/schema/v1-rows';"],
    ['src/lib/state/x.ts', "import { errorText } from '../ui/error-text';"],
    ['src/lib/domain/x.ts', "import Dexie from 'dexie';"],
    ['src/lib/domain/x.ts', "import { bulkDocs } from '../sync/couch';"],
    ['src/lib/state/x.ts', "import type { CouchConfig } from '$lib/sync/couch';"],
    [
      'src/lib/components/X.svelte',
      '<script lang="ts">import { testConnection } from \'../sync/couch\';</script>',
    ],
    ['src/main.ts', "import { SyncError } from './lib/sync/errors';"],
    ['src/lib/sync/x.ts', "import { TernError } from '../errors';"],
    ['src/main.ts', "import { start } from './lib/state/app.svelte';"],
  ])('lets %s import %s', async (file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });

  it('passes on the source tree', async () => {
    const results = await eslint.lintFiles(['src']);
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath.slice(root.length)}:${m.line} ${m.message}`),
    );
    expect(results.length).toBeGreaterThan(100);
    expect(problems).toEqual([]);
    // Some 300 files to parse, on a machine that may be busy.
  }, 180_000);
});
