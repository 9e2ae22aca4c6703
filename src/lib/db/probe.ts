// Finds the native version of a database without creating it and without touching its layout:
// open with no version and, if that would create the database, abort the creation.
export async function probeNativeVersion(factory: IDBFactory, name: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(name);
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    let created = false;
    req.onupgradeneeded = (ev) => {
      if (ev.oldVersion === 0) {
        created = true;
        req.transaction?.abort();
      }
    };
    req.onsuccess = () => {
      const version = req.result.version;
      req.result.close();
      resolve(version);
    };
    req.onerror = (ev) => {
      if (created) {
        ev.preventDefault();
        resolve(0);
      } else reject(req.error ?? new Error('indexedDB.open failed'));
    };
    req.onblocked = () => {
      /* an open without a version never needs the others to close */
    };
  });
}

/** True when IndexedDB can open a database and store a record with a Blob in it. */
export async function indexedDbWorks(factory: IDBFactory | undefined): Promise<boolean> {
  if (!factory) return false;
  const name = 'tern-probe';
  try {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('p');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('open failed'));
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('p', 'readwrite');
      tx.objectStore('p').put({ at: Date.now() }, 'k');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('write failed'));
      tx.onabort = () => reject(tx.error ?? new Error('write aborted'));
    });
    db.close();
    return true;
  } catch {
    return false;
  }
}
