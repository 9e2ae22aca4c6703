// Shared plumbing for the repositories: one read-write transaction per user action, with whatever
// it throws turned into a TernError. Nothing but IndexedDB is awaited inside `fn`.
import Dexie, { type Table } from 'dexie';
import type { TernDB } from '../db/database';
import { mapErrors } from '../db/errors';

export function rw<T>(db: TernDB, tables: Table[], fn: () => Promise<T>): Promise<T> {
  return mapErrors(() => db.transaction('rw', tables, fn));
}

export function ro<T>(db: TernDB, tables: Table[], fn: () => Promise<T>): Promise<T> {
  return mapErrors(() => db.transaction('r', tables, fn));
}

/** Runs `fn` outside the current transaction: the caller's code, heard from inside one. */
export function outsideTx(fn: () => void): void {
  Dexie.ignoreTransaction(fn);
}

export function newId(): string {
  return crypto.randomUUID();
}

/** A clock that never goes backwards within this tab, so updatedAt orders writes. */
let lastNow = 0;
export function now(): number {
  const t = Date.now();
  lastNow = t > lastNow ? t : lastNow;
  return lastNow;
}
