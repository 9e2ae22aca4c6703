// The import worker: reads the chosen files off the page's thread so that a file of hundreds of
// megabytes leaves the page responsive. It writes nothing; batches go to the page, and the next
// is read while the page writes the last (never more than one batch ahead).
import type { FromWorker, ToWorker } from './import-protocol';
import { fileErrorOf } from './parse';
import { streamFiles } from './stream';

const post = (m: FromWorker) => self.postMessage(m);
let written: (() => void) | null = null;
let unwritten = 0;

function waitForPage(): Promise<void> {
  if (unwritten <= 1) return Promise.resolve();
  return new Promise((resolve) => (written = resolve));
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'written') {
    unwritten--;
    written?.();
    written = null;
    return;
  }
  const { files, ...options } = m.job;
  streamFiles(files, options, {
    head: ({ source, workspaces, commandUsage, app }) =>
      Promise.resolve(post({ type: 'head', source, workspaces, commandUsage, app })),
    items: async (items, done, total) => {
      unwritten++;
      post({ type: 'items', items, done, total });
      await waitForPage();
    },
  }).then(
    () => post({ type: 'end', fileError: null }),
    (err: unknown) => {
      try {
        post({ type: 'end', fileError: fileErrorOf(err) });
      } catch (fault) {
        post({ type: 'crash', message: fault instanceof Error ? fault.message : String(fault) });
      }
    },
  );
};
