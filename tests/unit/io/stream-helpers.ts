// The streamed and the whole-file import side by side, for tests that hold them to each other.
import { DEFAULT_WORKSPACE_ID } from '../../../src/lib/db/database';
import { CURRENT_VERSION } from '../../../src/lib/db/schema';
import { applyImport, ImportWriter, type ImportReport } from '../../../src/lib/domain/import';
import { fileErrorOf, readFiles } from '../../../src/lib/io/parse';
import { streamFiles } from '../../../src/lib/io/stream';
import { openTestDb } from '../../helpers/db';
import { snapshot } from './helpers';

const options = { workspaceId: DEFAULT_WORKSPACE_ID, now: 1_000, currentSchema: CURRENT_VERSION };

export async function streamed(files: { name: string; bytes: Uint8Array }[], sliceSize: number) {
  const { db } = await openTestDb();
  const writer = new ImportWriter(db, 'keep-local');
  let source = 'unknown';
  const progress: number[] = [];
  let fileError: ImportReport['fileError'] = null;
  try {
    await streamFiles(
      files.map((f) => new File([f.bytes.slice()], f.name)),
      { ...options, sliceSize },
      {
        head: async (h) => {
          source = h.source;
          await writer.begin(h.workspaces, h.commandUsage);
        },
        items: async (items, done, total) => {
          for (const item of items) await writer.write(item);
          progress.push(done / total);
        },
      },
    );
  } catch (e) {
    fileError = fileErrorOf(e);
  }
  const report: ImportReport = { source, items: writer.items, fileError };
  return { db, report, progress };
}

/** The whole-file path, as `importFiles` takes it, with the same clock as the streamed one. */
export async function whole(files: { name: string; bytes: Uint8Array }[]) {
  const { db } = await openTestDb();
  let parsed;
  try {
    parsed = readFiles(files, options);
  } catch (e) {
    return { db, report: { source: 'unknown', items: [], fileError: fileErrorOf(e) } };
  }
  return { db, report: await applyImport(db, parsed, { policy: 'keep-local' }) };
}

/** Same rows (times of creation aside: the fallback workspace is stamped when written). */
export async function rows(db: Awaited<ReturnType<typeof openTestDb>>['db']) {
  const s = await snapshot(db);
  s.workspaces = (s.workspaces ?? []).map((w) => ({
    ...(w as object),
    createdAt: 0,
    updatedAt: 0,
  }));
  return s;
}
