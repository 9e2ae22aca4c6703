// Files for the import tests: the shared corpus of others' exports, and our own fixtures.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The corpus lives in `shared/corpus` beside the repository (or beside a folder above it). */
function corpusDir(): string {
  for (let dir = resolve(repo, '..'); ; dir = dirname(dir)) {
    const candidate = resolve(dir, 'shared', 'corpus');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('shared/corpus was not found beside the repository');
  }
}

export const corpus = (path: string): Uint8Array => readFileSync(resolve(corpusDir(), path));

export const fixture = (name: string): Uint8Array =>
  readFileSync(resolve(repo, 'tests', 'fixtures', 'io', name));
