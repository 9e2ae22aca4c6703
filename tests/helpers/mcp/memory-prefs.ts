// The prefs store in memory, for state classes that keep their settings there.
import type { Prefs } from '../../../src/lib/db/prefs';

export function memoryPrefs(): Prefs {
  const m = new Map<string, unknown>();
  const get = <T>(k: string) => Promise.resolve(m.get(k) as T | undefined);
  const set = (k: string, v: unknown) => {
    m.set(k, structuredClone(v));
    return Promise.resolve();
  };
  return {
    getTheme: () => Promise.resolve('system'),
    setTheme: (t) => set('theme', t),
    getLastSessionId: async () => (await get<string>('last')) ?? null,
    setLastSessionId: (id) => set('last', id),
    getDraft: async (s) => (await get<string>(`draft:${s}`)) ?? '',
    setDraft: (s, t) => set(`draft:${s}`, t),
    getLastExportAt: async () => (await get<number>('export')) ?? null,
    setLastExportAt: (at) => set('export', at),
    get,
    set,
  };
}
