// A database's layout as IndexedDB itself reports it (stores, key paths, indexes and their flags),
// and the layout the schema history declares, parsed here from the version files' store strings
// rather than through Dexie, so that the two are compared independently. Runs in Node and Chromium.
import type { SchemaVersion } from '../../src/lib/db/schema';
import type { TestDeps } from './db';

type KeyPath = string | string[] | null;

export interface IndexLayout {
  keyPath: KeyPath;
  unique: boolean;
  multiEntry: boolean;
}

export interface StoreLayout {
  keyPath: KeyPath;
  autoIncrement: boolean;
  indexes: Record<string, IndexLayout>;
}

export type Layout = Record<string, StoreLayout>;

/** `[a+b]` is a compound key path, anything else a plain one. */
function keyPathOf(spec: string): string | string[] {
  return spec.startsWith('[') ? spec.slice(1, -1).split('+') : spec;
}

/** One Dexie store string: `++id` or `id` or `[a+b]` first, then indexes (`&` unique, `*` multi). */
function parseStore(spec: string): StoreLayout {
  const [primary = '', ...indexes] = spec.split(',').map((part) => part.trim());
  const autoIncrement = primary.startsWith('++');
  const key = primary.replace(/^\+\+/, '');
  const layout: StoreLayout = {
    keyPath: key === '' ? null : keyPathOf(key),
    autoIncrement,
    indexes: {},
  };
  for (const index of indexes) {
    const name = index.replace(/^[&*]/, '');
    layout.indexes[name] = {
      keyPath: keyPathOf(name),
      unique: index.startsWith('&'),
      multiEntry: index.startsWith('*'),
    };
  }
  return layout;
}

/** The layout the versions declare, taken together in order (a null store string removes it). */
export function declaredLayout(versions: readonly SchemaVersion[]): Layout {
  const specs = new Map<string, string>();
  for (const v of versions)
    for (const [store, spec] of Object.entries(v.stores)) {
      if (spec === null) specs.delete(store);
      else specs.set(store, spec);
    }
  return Object.fromEntries([...specs].map(([store, spec]) => [store, parseStore(spec)]));
}

const plainKeyPath = (keyPath: string | string[] | null): KeyPath =>
  Array.isArray(keyPath) ? [...keyPath] : keyPath;

/** Opens the existing database natively, without upgrading it, and reads its layout. */
export async function actualLayout(deps: TestDeps): Promise<{ version: number; layout: Layout }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = deps.indexedDB.open(deps.name);
    request.onupgradeneeded = () => {
      request.transaction?.abort();
      reject(new Error(`no database ${deps.name}`));
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
  });
  try {
    const names = [...db.objectStoreNames];
    const layout: Layout = {};
    if (names.length === 0) return { version: db.version, layout };
    const tx = db.transaction(names, 'readonly');
    for (const name of names) {
      const store = tx.objectStore(name);
      const indexes: Record<string, IndexLayout> = {};
      for (const indexName of [...store.indexNames]) {
        const index = store.index(indexName);
        indexes[indexName] = {
          keyPath: plainKeyPath(index.keyPath),
          unique: index.unique,
          multiEntry: index.multiEntry,
        };
      }
      layout[name] = {
        keyPath: plainKeyPath(store.keyPath),
        autoIncrement: store.autoIncrement,
        indexes,
      };
    }
    return { version: db.version, layout };
  } finally {
    db.close();
  }
}

const show = (value: unknown): string => JSON.stringify(value);

/** Every difference between what is declared and what the database really holds. */
export function layoutProblems(declared: Layout, actual: Layout): string[] {
  const problems: string[] = [];
  for (const store of Object.keys(actual))
    if (!declared[store]) problems.push(`store ${store} exists but is not declared`);
  for (const [store, want] of Object.entries(declared)) {
    const have = actual[store];
    if (!have) {
      problems.push(`store ${store} is declared but missing`);
      continue;
    }
    if (show(have.keyPath) !== show(want.keyPath))
      problems.push(
        `store ${store}: key path ${show(have.keyPath)}, declared ${show(want.keyPath)}`,
      );
    if (have.autoIncrement !== want.autoIncrement)
      problems.push(
        `store ${store}: autoIncrement ${have.autoIncrement}, declared ${want.autoIncrement}`,
      );
    for (const index of Object.keys(have.indexes))
      if (!want.indexes[index])
        problems.push(`store ${store}: index ${index} exists but is not declared`);
    for (const [index, wantIndex] of Object.entries(want.indexes)) {
      const haveIndex = have.indexes[index];
      if (!haveIndex) {
        problems.push(`store ${store}: index ${index} is declared but missing`);
        continue;
      }
      for (const field of ['keyPath', 'unique', 'multiEntry'] as const)
        if (show(haveIndex[field]) !== show(wantIndex[field]))
          problems.push(
            `store ${store}: index ${index} has ${field} ${show(haveIndex[field])}, declared ${show(wantIndex[field])}`,
          );
    }
  }
  return problems;
}
