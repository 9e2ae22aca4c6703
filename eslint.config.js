import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const storage = ['dexie', 'idb-keyval', 'fake-indexeddb'];

export default ts.config(
  { ignores: ['dist/', 'dist-*/', 'node_modules/', 'coverage/', 'bench/results/', 'dev-dist/'] },
  js.configs.recommended,
  ...ts.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [ts.configs.disableTypeChecked],
  },
  // The layers (DESIGN.md): only lib/db, lib/domain and lib/state touch storage libraries;
  // components and ui never import lib/db but its row shapes (db/rows); providers import neither
  // db nor domain.
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    ignores: ['src/lib/db/**', 'src/lib/domain/**', 'src/lib/state/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: storage, patterns: ['**/lib/db/*', '**/db/*', '!**/db/rows'] },
      ],
    },
  },
  {
    files: ['src/lib/providers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: storage, patterns: ['**/db/*', '**/domain/*', '**/state/*'] },
      ],
    },
  },
);
