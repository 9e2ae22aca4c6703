import type { Transaction } from 'dexie';

/**
 * One version of the database layout. Each lives in its own file (v1.ts, v2.ts, …) that is never
 * edited once shipped; a change is always a new version. `upgrade` runs inside the native
 * versionchange transaction and must await nothing but IndexedDB requests made through `tx`.
 */
export interface SchemaVersion {
  version: number;
  /** The day this version was written, and what changed. */
  date: string;
  notes: readonly string[];
  stores: Readonly<Record<string, string | null>>;
  upgrade?: (tx: Transaction) => Promise<void>;
}
