import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { createStore } from 'idb-keyval';
import { createPrefs } from '../../src/lib/db/prefs';

function prefs() {
  // idb-keyval uses the global indexedDB; give each test a factory of its own.
  globalThis.indexedDB = new IDBFactory();
  return createPrefs(createStore(`prefs-${crypto.randomUUID()}`, 'prefs'));
}

describe('prefs', () => {
  it('keeps drafts per session and forgets an emptied one', async () => {
    const p = prefs();
    await p.setDraft('s1', 'half a thought');
    await p.setDraft('s2', 'another');
    expect(await p.getDraft('s1')).toBe('half a thought');
    await p.setDraft('s1', '');
    expect(await p.getDraft('s1')).toBe('');
    expect(await p.getDraft('s2')).toBe('another');
  });

  it('falls back to the system theme for anything unknown', async () => {
    const p = prefs();
    expect(await p.getTheme()).toBe('system');
    await p.setTheme('dark');
    expect(await p.getTheme()).toBe('dark');
    await p.set('theme', 'neon');
    expect(await p.getTheme()).toBe('system');
  });

  it('remembers the last session and the last export time', async () => {
    const p = prefs();
    expect(await p.getLastSessionId()).toBeNull();
    await p.setLastSessionId('abc');
    expect(await p.getLastSessionId()).toBe('abc');
    await p.setLastExportAt(1234);
    expect(await p.getLastExportAt()).toBe(1234);
  });
});
