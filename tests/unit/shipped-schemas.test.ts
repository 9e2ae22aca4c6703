// A shipped schema version never changes, and neither does anything it runs: each version file and
// every file it imports, directly or not (its transforms, its frozen row shapes, ...), is locked
// here when it ships. Changing the layout or an upgrade means adding a version, never editing one.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_HISTORY } from '../../src/lib/db/schema';
import {
  codeDigest,
  importClosure,
  shippedProblems,
  textDigest,
  type Lock,
  type ReadSource,
} from '../helpers/shipped-closure';

/** The version files that have shipped, by path from the repository root. */
const SHIPPED_VERSIONS = [
  'src/lib/db/schema/v1.ts',
  'src/lib/db/schema/v2.ts',
  'src/lib/db/schema/v3.ts',
  'src/lib/db/schema/v4.ts',
  'src/lib/db/schema/v5.ts',
];

/**
 * Every file of a shipped version's import closure. A comment-only edit is allowed by appending
 * `{ text: <new sha-256>, why: '…' }` to the file's `amended` list; its code digest never changes.
 */
const LOCKS: Record<string, Lock> = {
  'src/lib/db/schema/types.ts': {
    code: '4cf1bccbffd1b532e46e8d308fffa6da3cc8f77171a3bf2cca617bd7ea54539b',
    text: 'ec93a1307a3f7982d2c03c7e221bc357625f9a3f16f04374214e3a434197ea35',
  },
  'src/lib/db/schema/v1.ts': {
    code: 'e1a02c48e23a9edb357a6752de33d1fbed48ae15ac4a355ed70bb243ab815a0b',
    text: 'b9a79239e496f25ab8fa6abd19f53441c11076ad3da3f9cca19aa71fca80bea2',
    amended: [
      {
        text: '093879ee763baac4e3e6cd3930b7ad681f9a5ac607cf5746b5af112f4fcb3854',
        why: 'The header comment points at docs/architecture.md, a document in the repository.',
      },
    ],
  },
  'src/lib/db/schema/v1-rows.ts': {
    code: '97fe137287779e3791d57cb83ad14a82d43336e94d474219e103123ecb5721d1',
    text: '5c61e8a40fe0d5fe968930d77e2c1ae72e461c3faf1b6f85ead615a4c06c83b2',
  },
  'src/lib/db/schema/v2.ts': {
    code: '5eb02c219847db67e5d10f23ed757a6f7f16d0b84de64295d0c32bbed73a0952',
    text: '517aff9b190204bc90eaeee0f1d32526fde1dbc9f2a01d6684291046cd58feb0',
  },
  'src/lib/db/schema/v2-rows.ts': {
    code: '814388f452284b069d7456af7195c0ef63f2fb90dcd80dd2fc42ad7a1b61e61e',
    text: '3ad4f046c638bffe5c9588c7c23d116629f5e5ed980275da70fbe46f2c3708d0',
  },
  'src/lib/db/transforms/v1-to-v2.ts': {
    code: '5689808e9376a6aee578899241cbd80765c169a8aea84401626b1a4e12f37a44',
    text: '8767a75fbc8a48839d54d8b26f595f805409aa2b1d8814cc20afd9e22c62c442',
  },
  'src/lib/db/schema/v3.ts': {
    code: '9c6dca0dec01dcbc54a4690ffaf7ff406f0c0dcfe73ac5c412466f99b8662971',
    text: '70cdc5600730e3365235113a3a81a84d7cdee996bf37c2d11c6783231cd87a91',
  },
  'src/lib/db/schema/v4.ts': {
    code: 'a43ebb0cea9535582d42fd4179d6295dfcc0bfedb138d24841e965f8dbb7b07a',
    text: '65b8948f9eec81836c9d4245d2174a925cdd14e4c8af6a024127579aedc6a09e',
  },
  'src/lib/db/schema/v5.ts': {
    code: '8e9d5a3b0e01d3cb29058a44d811560c1e50e8afbed0ffc0f1da12dbc238ed81',
    text: 'be97ba49c8952e61d039d67cba81fb602840487c5f25d991fdd64aeb39aee60c',
  },
};

/** Files no shipped version may import: today's row shapes change with today's code. */
const FORBIDDEN = ['src/lib/db/rows.ts'];

const root = new URL('../../', import.meta.url);
const readRepo: ReadSource = (path) => {
  const url = new URL(path, root);
  return existsSync(url) ? readFileSync(url, 'utf8') : undefined;
};

describe('shipped schema versions', () => {
  it('are, with everything they import, as they shipped', () => {
    const problems = shippedProblems({
      versions: SHIPPED_VERSIONS,
      locks: LOCKS,
      forbidden: FORBIDDEN,
      read: readRepo,
    });
    expect(problems, problems.join('\n\n')).toEqual([]);
  });

  it('are all in the history, in order, one file each', () => {
    const dir = new URL('src/lib/db/schema/', root);
    const files = readdirSync(dir)
      .filter((f) => /^v\d+\.ts$/.test(f))
      .sort((a, b) => parseInt(a.slice(1)) - parseInt(b.slice(1)));
    expect(files).toEqual(SCHEMA_HISTORY.map((v) => `v${v.version}.ts`));
    expect(SCHEMA_HISTORY.map((v) => v.version)).toEqual(SCHEMA_HISTORY.map((_, i) => i + 1));
    // Shipped versions are the oldest ones: at most the newest version is still unshipped.
    expect(SHIPPED_VERSIONS).toEqual(
      files.slice(0, SHIPPED_VERSIONS.length).map((f) => `src/lib/db/schema/${f}`),
    );
    expect(files.length - SHIPPED_VERSIONS.length).toBeLessThanOrEqual(1);
  });
});

// The guard itself, on a small tree in memory: each way of breaking a shipped version is caught.
describe('the shipped-version guard', () => {
  const TREE: Record<string, string> = {
    'db/schema/v1.ts':
      "// Version 1.\nimport { step } from '../transforms/t';\nexport const v1 = step;\n",
    'db/transforms/t.ts': "import type { Row } from '../schema/v1-rows';\nexport const step = 1;\n",
    'db/schema/v1-rows.ts': '/** A row. */\nexport interface Row {\n  id: string;\n}\n',
    'db/rows.ts': 'export interface Row {\n  id: string;\n}\n',
  };
  const lockOf = (text: string): Lock => ({ code: codeDigest(text), text: textDigest(text) });
  const LOCKED: Record<string, Lock> = Object.fromEntries(
    ['db/schema/v1.ts', 'db/transforms/t.ts', 'db/schema/v1-rows.ts'].map((f) => [
      f,
      lockOf(TREE[f] ?? ''),
    ]),
  );
  const check = (edits: Record<string, string>, locks: Record<string, Lock> = LOCKED) =>
    shippedProblems({
      versions: ['db/schema/v1.ts'],
      locks,
      forbidden: ['db/rows.ts'],
      read: (path) => ({ ...TREE, ...edits })[path],
    });

  it('follows imports through every file, type-only ones included', () => {
    const { files } = importClosure('db/schema/v1.ts', (path) => TREE[path]);
    expect([...files.keys()].sort()).toEqual(Object.keys(LOCKED).sort());
    expect(files.get('db/schema/v1-rows.ts')).toEqual([
      'db/schema/v1.ts',
      'db/transforms/t.ts',
      'db/schema/v1-rows.ts',
    ]);
    expect(check({})).toEqual([]);
  });

  it('fails on a code change deep in the closure, naming the file and the way out', () => {
    const problems = check({
      'db/transforms/t.ts': TREE['db/transforms/t.ts']?.replace('step = 1', 'step = 2') ?? '',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('db/transforms/t.ts');
    expect(problems[0]).toContain('db/schema/v1.ts → db/transforms/t.ts');
    expect(problems[0]).toContain('new schema version');
  });

  it('tells a comment-only edit apart, and lets it through once recorded', () => {
    const edited = (TREE['db/schema/v1-rows.ts'] ?? '').replace('A row.', 'A row of v1.');
    const problems = check({ 'db/schema/v1-rows.ts': edited });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('comments or layout only');
    expect(problems[0]).toContain(textDigest(edited));
    const lock = LOCKED['db/schema/v1-rows.ts'];
    if (!lock) throw new Error('no lock');
    const amended = { ...lock, amended: [{ text: textDigest(edited), why: 'clearer' }] };
    expect(
      check({ 'db/schema/v1-rows.ts': edited }, { ...LOCKED, 'db/schema/v1-rows.ts': amended }),
    ).toEqual([]);
    // A recorded comment edit gives no cover to a code change.
    const recoded = edited.replace('id: string', 'id: number');
    expect(
      check({ 'db/schema/v1-rows.ts': recoded }, { ...LOCKED, 'db/schema/v1-rows.ts': amended })[0],
    ).toContain('changed its code');
  });

  it('fails on a new import, and on an import of today’s rows', () => {
    const v1 = TREE['db/schema/v1.ts'] ?? '';
    const extra = check({
      'db/schema/v1.ts': `import './helper';\n${v1}`,
      'db/schema/helper.ts': 'export {};\n',
    });
    expect(extra.some((p) => p.includes('db/schema/helper.ts') && p.includes('not locked'))).toBe(
      true,
    );
    const today = check({
      'db/transforms/t.ts': "import type { Row } from '../rows';\nexport const step = 1;\n",
    });
    expect(today.some((p) => p.startsWith('db/rows.ts') && p.includes('frozen'))).toBe(true);
  });

  it('fails on a stale lock and on an import it cannot find', () => {
    expect(check({}, { ...LOCKED, 'db/gone.ts': lockOf('') })).toEqual([
      'db/gone.ts is locked but no shipped version depends on it: drop its lock',
    ]);
    const v1 = TREE['db/schema/v1.ts'] ?? '';
    const missing = check({ 'db/schema/v1.ts': `import './nowhere';\n${v1}` });
    expect(missing.some((p) => p.includes("imports './nowhere'"))).toBe(true);
  });
});
