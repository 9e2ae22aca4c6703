// An import as the panel runs it: the files are read in a worker (loaded only now), and the
// conversations it hands back are written here, several to a transaction (see ImportWriter), while
// the worker reads the next batch. The report is the same as for a file read whole.
import type { TernDB } from '../db/database';
import { CURRENT_VERSION } from '../db/schema';
import { ImportWriter, type ImportReport } from '../domain/import';
import type { FromWorker, ToWorker } from '../io/import-protocol';
import type { ImportChoice } from './io-service';

export interface WorkerImportChoice extends ImportChoice {
  /** Bytes of the file read so far, of all; and conversations handled so far. */
  onRead?: (done: number, total: number, conversations: number) => void;
}

export function importInWorker(
  db: TernDB,
  files: readonly File[],
  c: WorkerImportChoice,
): Promise<ImportReport> {
  const worker = new Worker(new URL('../io/import.worker.ts', import.meta.url), {
    type: 'module',
  });
  const send = (m: ToWorker) => worker.postMessage(m);
  const writer = new ImportWriter(db, c.policy, c.signal);
  let source = 'unknown';
  let finished = false;

  return new Promise<ImportReport>((resolve, reject) => {
    const stop = () => {
      finished = true;
      worker.terminate();
      c.signal?.removeEventListener('abort', onAbort);
    };
    const finish = (fileError: ImportReport['fileError']) => {
      if (finished) return;
      stop();
      resolve({ source, items: writer.items, fileError });
    };
    const fail = (e: unknown) => {
      if (finished) return;
      stop();
      reject(e instanceof Error ? e : new Error(String(e)));
    };

    // Messages are handled one after another: a batch is written before the next is looked at.
    let queue = Promise.resolve();
    const onAbort = () => {
      queue = queue.then(() => finish(null));
    };
    c.signal?.addEventListener('abort', onAbort);

    const handle = async (m: FromWorker): Promise<void> => {
      if (finished) return;
      switch (m.type) {
        case 'head':
          source = m.source;
          await writer.begin(m.workspaces, m.commandUsage);
          if (m.app !== undefined) await c.onAppSettings?.(m.app);
          return;
        case 'items':
          await writer.writeMany(m.items);
          c.onRead?.(m.done, m.total, writer.handled);
          if (c.signal?.aborted) finish(null);
          else send({ type: 'written' });
          return;
        case 'end':
          return finish(m.fileError);
        case 'crash':
          return fail(new Error(m.message));
      }
    };
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      queue = queue.then(() => handle(e.data)).catch(fail);
    };
    worker.onerror = (e) => fail(new Error(e.message || 'The import worker failed to start.'));
    send({
      type: 'start',
      job: {
        files: [...files],
        workspaceId: c.workspaceId,
        now: Date.now(),
        currentSchema: CURRENT_VERSION,
      },
    });
  });
}
