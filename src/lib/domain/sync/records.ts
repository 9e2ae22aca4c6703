// A synced record as the sync code handles it, between the stores and the server's documents: its
// key, kind and clock, which of the two message stores holds it, and the row itself (null for a
// deletion). Rows are the stored shapes (db/rows.ts) as they are, images with their bytes.
import type { SyncKind } from '../../db/sync-kinds';

export type MessageStore = 'messages' | 'branchMessages';

export interface SyncRecord {
  key: string;
  kind: SyncKind;
  /** The clock of the change this record carries. */
  c: string;
  /** For a message: the active path or another version. */
  store?: MessageStore;
  /** The row, or null when the record was deleted (a tombstone). */
  row: object | null;
}
