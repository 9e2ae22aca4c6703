import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp, newContext } from './harness';

const env = useApp();

/** Writes a version-1 database the way the original release did, in a page of the same origin. */
async function seedV1(page: Page, holdOpen = false): Promise<void> {
  await page.goto(`${env.server.url}/__blank`);
  await page.evaluate(async (hold) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('tern', 10);
      req.onupgradeneeded = () => {
        req.result.createObjectStore('workspaces', { keyPath: 'id' });
        const chats = req.result.createObjectStore('chats', { keyPath: 'id' });
        chats.createIndex('workspaceId', 'workspaceId');
        chats.createIndex('createdAt', 'createdAt');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(String(req.error)));
    });
    const tx = db.transaction(['workspaces', 'chats'], 'readwrite');
    tx.objectStore('workspaces').put({ id: 'w1', name: 'Research', createdAt: 1 });
    tx.objectStore('workspaces').put({ id: 'w2', name: 'Empty one', createdAt: 2 });
    for (let i = 0; i < 5; i++)
      tx.objectStore('chats').put({
        id: `c${i}`,
        workspaceId: 'w1',
        role: i % 2 ? 'assistant' : 'user',
        content: `chat ${i}`,
        createdAt: 1000 + i,
      });
    tx.objectStore('chats').put({
      id: 'lost',
      workspaceId: 'gone',
      role: 'user',
      content: 'orphan',
      createdAt: 5,
    });
    await new Promise((r) => (tx.oncomplete = r));
    // An old tab that ignores versionchange keeps its connection; otherwise close it.
    if (hold) (window as unknown as { heldDb: IDBDatabase }).heldDb = db;
    else db.close();
  }, holdOpen);
}

describe('the app shell over real data', () => {
  it('upgrades a version-1 database and shows its Legacy Chats, after a reload too', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    await seedV1(page);
    await page.goto(env.server.url);
    const research = page.getByRole('region', { name: 'Research' });
    await expect.poll(() => research.getByText('Legacy Chat').count()).toBe(1);
    await expect.poll(() => research.getByText('5 messages').count()).toBe(1);
    const recovered = page.getByRole('region', { name: 'Recovered workspace' });
    await expect.poll(() => recovered.getByText('1 message').count()).toBe(1);
    await page.reload();
    await expect.poll(() => research.getByText('Legacy Chat').count()).toBe(1);
    await context.close();
  });

  it('waits for an old tab holding version 1, says so, and carries on when it closes', async () => {
    const context = await newContext(env.browser);
    const oldTab = await context.newPage();
    await seedV1(oldTab, true);
    const page = await context.newPage();
    await page.goto(env.server.url);
    await expect.poll(() => page.getByText('Close the other Tern tabs').count()).toBe(1);
    await oldTab.evaluate(() => (window as unknown as { heldDb: IDBDatabase }).heldDb.close());
    const research = page.getByRole('region', { name: 'Research' });
    await expect.poll(() => research.getByText('Legacy Chat').count()).toBe(1);
    await expect.poll(() => page.getByText('Close the other Tern tabs').count()).toBe(0);
    await context.close();
  });

  it('closes for good and asks to reload when a newer version opens the database', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    await page.goto(env.server.url);
    await expect.poll(() => page.getByRole('region', { name: 'My workspace' }).count()).toBe(1);
    const newer = await context.newPage();
    await newer.goto(`${env.server.url}/__blank`);
    const version = await newer.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const req = indexedDB.open('tern', 990);
          req.onsuccess = () => {
            const v = req.result.version;
            req.result.close();
            resolve(v);
          };
          req.onerror = () => reject(new Error(String(req.error)));
          req.onblocked = () => reject(new Error('blocked: the old tab did not close'));
        }),
    );
    expect(version).toBe(990);
    await expect.poll(() => page.getByText('Tern was updated in another tab').count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: 'Reload' }).count()).toBe(1);
    await context.close();
  });

  it('opens a database newer than its code read-only, shows the data and writes nothing', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    await page.goto(env.server.url);
    await expect.poll(() => page.getByRole('region', { name: 'My workspace' }).count()).toBe(1);
    await page.goto(`${env.server.url}/__blank`);
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('tern', 990);
          req.onupgradeneeded = () => req.result.createObjectStore('somethingNew');
          req.onsuccess = () => {
            req.result.close();
            resolve();
          };
          req.onerror = () => reject(new Error(String(req.error)));
        }),
    );
    await page.goto(env.server.url);
    await expect.poll(() => page.getByText('newer version of Tern').count()).toBe(1);
    await expect.poll(() => page.getByRole('region', { name: 'My workspace' }).count()).toBe(1);
    const after = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const req = indexedDB.open('tern');
          req.onsuccess = () => {
            resolve(req.result.version);
            req.result.close();
          };
        }),
    );
    expect(after).toBe(990);
    await context.close();
  });

  it('runs with nothing kept, and says so, where IndexedDB is unavailable', async () => {
    const context = await newContext(env.browser);
    await context.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { get: () => undefined });
    });
    const page = await context.newPage();
    await page.goto(env.server.url);
    await expect.poll(() => page.getByText('nothing will be kept').count()).toBe(1);
    await expect.poll(() => page.getByRole('region', { name: 'My workspace' }).count()).toBe(1);
    await context.close();
  });
});
