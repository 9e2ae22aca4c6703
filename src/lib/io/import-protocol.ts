// The messages between the page and the import worker. The worker reads and converts; the page
// writes (several conversations per transaction, each whole) and asks for more when a batch is
// written, so the worker never runs far ahead of the database.
import type { StreamHead } from './stream';
import type { ImportErrorCode, ParsedItem } from './types';

export interface ImportJob {
  files: File[];
  workspaceId: string;
  now: number;
  currentSchema: number;
}

export type ToWorker = { type: 'start'; job: ImportJob } | { type: 'written' };

export type FromWorker =
  | ({ type: 'head' } & StreamHead)
  | { type: 'items'; items: ParsedItem[]; done: number; total: number }
  | { type: 'end'; fileError: { code: ImportErrorCode; reason: string } | null }
  | { type: 'crash'; message: string };
