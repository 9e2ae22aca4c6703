// Shared by the import/export tests: files from the shared corpus and our fixtures, a way to
// import bytes as the panel does, and a full snapshot of the database to prove "untouched".
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TernDB } from '../../../src/lib/db/database';
import { DEFAULT_WORKSPACE_ID } from '../../../src/lib/db/database';
import type { ConflictPolicy, ImportReport } from '../../../src/lib/domain/import';
import { importFiles } from '../../../src/lib/state/io-service';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

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

export const bytes = (v: unknown): Uint8Array =>
  new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

export function importBytes(
  db: TernDB,
  files: { name: string; bytes: Uint8Array }[],
  policy: ConflictPolicy = 'keep-local',
): Promise<ImportReport> {
  return importFiles(db, files, { policy, workspaceId: DEFAULT_WORKSPACE_ID });
}

export const count = (r: ImportReport, kind: ImportReport['items'][number]['kind']): number =>
  r.items.filter((i) => i.kind === kind).length;

/** Every row of every store, Blobs read out, in key order. */
export async function snapshot(db: TernDB): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of db.tables) {
    const rows: unknown[] = await t.toArray();
    out[t.name] = await Promise.all(
      rows.map(async (r) => {
        if (r && typeof r === 'object' && 'blob' in r && r.blob instanceof Blob)
          return { ...r, blob: [...new Uint8Array(await r.blob.arrayBuffer())] };
        return r;
      }),
    );
  }
  return out;
}
