// The messages between the page and the import worker. The worker reads, converts and writes
// (several conversations per transaction, each whole, on its own connection to the database), so
// that neither the parsing nor the copying of rows into IndexedDB takes the page's thread; the page
// shows the progress and applies the app settings a file of everything carries.
import type { ErrorCode } from '../errors';
import type { ConflictPolicy, ImportItem } from '../domain/import';
import type { StreamHead } from './stream';
import type { ImportErrorCode } from './types';

export interface ImportJob {
  files: File[];
  /** The database the page has open, already at this code's version. */
  dbName: string;
  policy: ConflictPolicy;
  workspaceId: string;
  now: number;
  currentSchema: number;
}

/** `cancel` stops the writing between two transactions: every conversation is whole or absent. */
export type ToWorker = { type: 'start'; job: ImportJob } | { type: 'cancel' };

export type FromWorker =
  | ({ type: 'head' } & StreamHead)
  /** Bytes read of all, and conversations handled (written or found invalid). */
  | { type: 'progress'; done: number; total: number; handled: number }
  | {
      type: 'end';
      items: ImportItem[];
      fileError: { code: ImportErrorCode; reason: string } | null;
    }
  /** A failure to write (a full disk, a closed database): its code survives the crossing. */
  | { type: 'crash'; message: string; code: ErrorCode | null };
