// The import worker: reads the chosen files and writes what they hold, off the page's thread, so
// that a file of hundreds of megabytes leaves the page responsive: the parsing and the copying of
// rows into IndexedDB (tens of milliseconds a transaction) both happen here. One batch is written
// while the next is read, never more.
import { isTernError } from '../errors';
import { ImportWriter, openImportDatabase } from '../domain/import';
import type { FromWorker, ImportJob, ToWorker } from './import-protocol';
import { fileErrorOf } from './parse';
import { streamFiles } from './stream';

const post = (m: FromWorker) => self.postMessage(m);
const cancel = new AbortController();
/** Thrown into the reading to stop it: a cancel was heard, or a write failed. */
class Stopped extends Error {}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'cancel') cancel.abort();
  else void run(m.job);
};

async function run({ files, dbName, policy, ...options }: ImportJob): Promise<void> {
  let writeError: unknown = null;
  const db = await openImportDatabase(dbName).catch((e: unknown) => {
    writeError = e;
    return null;
  });
  if (!db) return crash(writeError);
  const writer = new ImportWriter(db, policy, cancel.signal);
  let writing = Promise.resolve();
  const written = async () => {
    await writing;
    if (writeError !== null || cancel.signal.aborted) throw new Stopped();
  };
  try {
    await streamFiles(files, options, {
      head: async (head) => {
        post({ type: 'head', ...head });
        await writer.begin(head.workspaces, head.commandUsage);
      },
      items: async (items, done, total) => {
        await written();
        writing = writer.writeMany(items).then(
          () => post({ type: 'progress', done, total, handled: writer.handled }),
          (err: unknown) => void (writeError = err),
        );
      },
    });
    await written();
    post({ type: 'end', items: writer.items, fileError: null });
  } catch (err) {
    await writing;
    if (writeError !== null) return crash(writeError);
    if (err instanceof Stopped) return post({ type: 'end', items: writer.items, fileError: null });
    try {
      post({ type: 'end', items: writer.items, fileError: fileErrorOf(err) });
    } catch (fault) {
      crash(fault);
    }
  } finally {
    db.close();
  }
}

function crash(e: unknown): void {
  post({
    type: 'crash',
    message: e instanceof Error ? e.message : String(e),
    code: isTernError(e) ? e.code : null,
  });
}
