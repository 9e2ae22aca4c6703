// The layers of src/ (docs/architecture.md) as an ESLint rule: an import that goes up a layer, or
// storage code outside the layers that own it, fails the lint. Relative imports are resolved
// against the importing file; type-only imports count too, since a type pulled from a higher layer
// ties the lower one to it all the same.
import path from 'node:path';

/**
 * Importable from every layer: the error type, the stored row shapes, their vocabularies and the
 * description of their checked fields (no Dexie in them).
 */
const SHARED = new Set([
  'lib/errors',
  'lib/db/rows',
  'lib/db/vocab',
  'lib/db/row-shapes',
  'lib/db/settings-shape',
  'lib/db/sync-kinds',
  'lib/db/schema/v1-rows',
  'lib/db/schema/v2-rows',
]);

/** What each layer may import besides itself and SHARED. */
export const LAYERS = {
  db: ['transforms'],
  // Pure row transforms: used by the upgrades and by the import of old files.
  transforms: [],
  providers: [],
  mcp: ['providers'],
  // Sync with the user's CouchDB: the HTTP transport and the encryption, no storage.
  sync: [],
  domain: ['db', 'transforms', 'providers', 'mcp', 'sync'],
  io: ['domain', 'transforms', 'providers', 'mcp'],
  // Text formatting for people: plain data in, words out; used by state and components alike.
  ui: ['domain', 'providers', 'mcp'],
  state: ['db', 'transforms', 'domain', 'providers', 'mcp', 'sync', 'io', 'ui'],
  components: ['domain', 'providers', 'mcp', 'sync', 'io', 'ui', 'state'],
  // main.ts and App.svelte: start-up.
  app: ['domain', 'providers', 'mcp', 'sync', 'io', 'ui', 'state', 'components'],
};

const STORAGE = ['dexie', 'dexie-export-import', 'idb-keyval', 'fake-indexeddb'];
const STORAGE_LAYERS = new Set(['db', 'transforms', 'domain', 'state']);

/** A path under src/ (no extension) to its layer, or 'shared'. */
export function layerOf(fromSrc) {
  if (SHARED.has(fromSrc)) return 'shared';
  if (fromSrc.startsWith('lib/db/transforms/')) return 'transforms';
  const top = /^lib\/([^/]+)(?:\/|$)/.exec(fromSrc)?.[1];
  return top && top in LAYERS ? top : 'app';
}

const stripExt = (p) => p.replace(/\?.*$/, '').replace(/\.(ts|js|mjs|svelte)$/, '');

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports in src/ point down the layers only' },
    schema: [],
    messages: {
      up: "{{from}} may not import {{to}} ('{{spec}}'): imports point down the layers only (docs/architecture.md).",
      storage:
        "{{from}} may not import '{{spec}}': only lib/db, lib/domain and lib/state touch storage.",
    },
  },
  create(context) {
    const rel = path.relative(context.cwd, context.filename).split(path.sep).join('/');
    if (!rel.startsWith('src/')) return {};
    const fromSrc = stripExt(rel.slice(4));
    const from = layerOf(fromSrc);
    if (from === 'shared') return {};
    const allowed = new Set([from, 'shared', ...LAYERS[from]]);

    function check(node) {
      const spec = node?.type === 'Literal' && typeof node.value === 'string' ? node.value : null;
      if (spec === null) return;
      if (!spec.startsWith('.') && !spec.startsWith('$lib/')) {
        if (
          !STORAGE_LAYERS.has(from) &&
          STORAGE.some((s) => spec === s || spec.startsWith(`${s}/`))
        )
          context.report({ node, messageId: 'storage', data: { from, spec } });
        return;
      }
      const target = spec.startsWith('$lib/')
        ? `lib/${spec.slice(5)}`
        : path.posix.join(path.posix.dirname(fromSrc), spec);
      const to = layerOf(stripExt(target));
      if (!allowed.has(to)) context.report({ node, messageId: 'up', data: { from, to, spec } });
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export const layersPlugin = { rules: { layers: rule } };

/**
 * The config block eslint.config.js uses, and the test of the rule too.
 * @type {import('eslint').Linter.Config}
 */
export const layersConfig = {
  files: ['src/**/*.ts', 'src/**/*.svelte'],
  plugins: { tern: layersPlugin },
  rules: { 'tern/layers': 'error' },
};
