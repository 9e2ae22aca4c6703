// A shipped schema version's file never changes: each one's hash is recorded here when it ships.
// Changing the layout means adding a version, never editing one.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_HISTORY } from '../../src/lib/db/schema';

const SHIPPED: Record<string, string> = {
  'v1.ts': 'b9a79239e496f25ab8fa6abd19f53441c11076ad3da3f9cca19aa71fca80bea2',
  'v2.ts': '517aff9b190204bc90eaeee0f1d32526fde1dbc9f2a01d6684291046cd58feb0',
  'v3.ts': '70cdc5600730e3365235113a3a81a84d7cdee996bf37c2d11c6783231cd87a91',
};

const dir = new URL('../../src/lib/db/schema/', import.meta.url);

describe('shipped schema versions', () => {
  it('are byte for byte as shipped', () => {
    for (const [file, hash] of Object.entries(SHIPPED)) {
      const actual = createHash('sha256')
        .update(readFileSync(new URL(file, dir)))
        .digest('hex');
      expect(actual, `${file} was edited after it shipped: add a new version instead`).toBe(hash);
    }
  });

  it('are all in the history, in order, one file each', () => {
    const files = readdirSync(dir)
      .filter((f) => /^v\d+\.ts$/.test(f))
      .sort((a, b) => parseInt(a.slice(1)) - parseInt(b.slice(1)));
    expect(files).toEqual(SCHEMA_HISTORY.map((v) => `v${v.version}.ts`));
    expect(SCHEMA_HISTORY.map((v) => v.version)).toEqual(SCHEMA_HISTORY.map((_, i) => i + 1));
  });
});
