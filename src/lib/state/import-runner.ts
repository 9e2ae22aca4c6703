// An import as the panel runs it: the files are read and written in a worker (loaded only now), on
// a connection of its own, so the page only shows the progress and its live screens refresh at
// their own pace. The report is the same as for a file read whole.
import type { TernDB } from '../db/database';
import { CURRENT_VERSION } from '../db/schema';
import type { ImportReport } from '../domain/import';
import { TernError } from '../errors';
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
  let source = 'unknown';
  let finished = false;
  // The file's app settings are applied here, beside the writing; the report waits for them.
  let settings: Promise<void> = Promise.resolve();

  return new Promise<ImportReport>((resolve, reject) => {
    const stop = () => {
      finished = true;
      worker.terminate();
      c.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (e: unknown) => {
      if (finished) return;
      stop();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const onAbort = () => send({ type: 'cancel' });
    c.signal?.addEventListener('abort', onAbort);

    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (finished) return;
      switch (m.type) {
        case 'head':
          source = m.source;
          if (m.app !== undefined) {
            const app: unknown = m.app;
            settings = settings.then(() => c.onAppSettings?.(app));
          }
          return;
        case 'progress':
          c.onRead?.(m.done, m.total, m.handled);
          return;
        case 'end':
          void settings.then(() => {
            if (finished) return;
            stop();
            resolve({ source, items: m.items, fileError: m.fileError });
          }, fail);
          return;
        case 'crash':
          return fail(m.code ? new TernError(m.code, m.message) : new Error(m.message));
      }
    };
    worker.onerror = (e) => fail(new Error(e.message || 'The import worker failed to start.'));
    if (c.signal?.aborted) onAbort();
    send({
      type: 'start',
      job: {
        files: [...files],
        dbName: db.name,
        policy: c.policy,
        workspaceId: c.workspaceId,
        now: Date.now(),
        currentSchema: CURRENT_VERSION,
      },
    });
  });
}
