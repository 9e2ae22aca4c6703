// Node has no window; a few browser globals that the code under test touches are provided here.
// fake-indexeddb is passed explicitly to each database (see db.ts), never installed globally, so
// every test gets a factory of its own.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import Dexie from 'dexie';

// Dexie reads its default dependencies once; point them at fake-indexeddb for code that relies
// on the defaults (liveQuery's change tracking works either way).
Dexie.dependencies.indexedDB = new IDBFactory();
Dexie.dependencies.IDBKeyRange = IDBKeyRange;
