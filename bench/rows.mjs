/* eslint-disable @typescript-eslint/ban-ts-comment -- see the next line */
// @ts-nocheck -- plain functions that run in the page; checked by running the benchmarks.
// Rows shaped as Tern stores them (src/lib/db/rows.ts), written straight into the app's database by
// the benchmarks that drive the built app. The row makers are self-contained so they can be sent
// into the page: `seedApp` opens the app once (so the database exists at the current version),
// moves to a same-origin blank page that runs none of the app, and there runs `fill` with
// `window.rows` (these makers and `put`) and `window.ternDb` (the open IDBDatabase).

export function sessionRow(id, title, lastActivityAt, messageCount) {
  return {
    id,
    workspaceId: 'default',
    title,
    model: null,
    createdAt: lastActivityAt - messageCount,
    updatedAt: lastActivityAt,
    lastActivityAt,
    deletedAt: null,
    messageCount,
    imageCount: 0,
    totalTokens: 0,
    compactionCount: 0,
    metadata: {},
  };
}

export function messageRow(sessionId, seq, text, createdAt) {
  return {
    id: `${sessionId}-m${seq}`,
    sessionId,
    seq,
    role: seq % 2 ? 'user' : 'assistant',
    content: text,
    parts: [{ type: 'text', text }],
    name: null,
    toolCallId: null,
    tokens: null,
    status: 'complete',
    error: null,
    preserved: false,
    metadata: {},
    createdAt,
    updatedAt: createdAt,
  };
}

/** Writes rows into stores in one read-write transaction: `{ sessions: [...], messages: [...] }`. */
export function put(db, byStore) {
  const tx = db.transaction(Object.keys(byStore), 'readwrite');
  for (const [store, rows] of Object.entries(byStore))
    for (const row of rows) tx.objectStore(store).put(row);
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Opens the app so its database exists, then runs `fill(arg)` in a blank page of the origin. */
export async function seedApp(page, url, fill, arg) {
  await page.goto(url);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.goto(`${url}/__blank`);
  await page.evaluate(
    `window.rows = { sessionRow: ${sessionRow}, messageRow: ${messageRow}, put: ${put} }`,
  );
  await page.evaluate(() =>
    new Promise((resolve, reject) => {
      const req = indexedDB.open('tern');
      req.onsuccess = () => resolve((window.ternDb = req.result));
      req.onerror = () => reject(req.error);
    }).then(() => undefined),
  );
  const result = await page.evaluate(fill, arg);
  // Rows written straight into the stores, as an older version left them: the search index's
  // first pass runs over them when the app opens next, as after the upgrade.
  await page.evaluate(() => {
    const db = window.ternDb;
    if (!db.objectStoreNames.contains('searchDocs')) return undefined;
    const tx = db.transaction(['meta', 'searchDocs', 'searchPostings', 'searchQueue'], 'readwrite');
    tx.objectStore('meta').delete('search:backfill');
    tx.objectStore('meta').delete('search:live');
    for (const s of ['searchDocs', 'searchPostings', 'searchQueue']) tx.objectStore(s).clear();
    return new Promise((resolve) => (tx.oncomplete = () => resolve(undefined)));
  });
  await page.evaluate(() => window.ternDb.close());
  return result;
}
