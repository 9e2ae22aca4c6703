// Shared by the import/export tests: files from the shared corpus and our fixtures, a way to
// import bytes as the panel does, and a full snapshot of the database to prove "untouched".
import type { TernDB } from '../../../src/lib/db/database';
import { DEFAULT_WORKSPACE_ID } from '../../../src/lib/db/database';
import type { ConflictPolicy, ImportReport } from '../../../src/lib/domain/import';
import { importFiles } from '../../../src/lib/state/io-service';

import { checkIntegrity } from '../../../src/lib/db/integrity';
import { derivedRow } from '../../helpers/db';

export { corpus, fixture } from '../../helpers/corpus';

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

/** Every row of every store but the search index, Blobs read out, in key order. */
export async function snapshot(db: TernDB): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of db.tables) {
    if (derivedRow(t.name, null)) continue;
    const rows: unknown[] = (await t.toArray()).filter((r) => !derivedRow(t.name, r));
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

/** The integrity check's issues: none, after any import. */
export async function integrityIssues(db: TernDB): Promise<unknown[]> {
  return (await checkIntegrity(db)).issues;
}
