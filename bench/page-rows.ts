// Rows and numbers the in-page benchmarks share: a seeded random source, filler text, rows shaped
// as Tern stores them, and percentiles.
import type { MessageRow, SessionRow } from '../src/lib/db/rows';

const WORDS =
  'the a to of and in that is for it you with on as this be are can have not your more'.split(' ');

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function text(rand: () => number, words = 35): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)] ?? 'x');
  return out.join(' ');
}

export function stats(samples: number[]): { n: number; p50: number; p95: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return {
    n: s.length,
    p50: at(0.5),
    p95: at(0.95),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

export function sessionRow(id: string, t: number, messages: number): SessionRow {
  return {
    id,
    workspaceId: 'default',
    title: `Session ${id}`,
    model: null,
    createdAt: t,
    updatedAt: t,
    lastActivityAt: t,
    deletedAt: null,
    messageCount: messages,
    imageCount: 0,
    totalTokens: 0,
    compactionCount: 0,
    metadata: {},
  };
}

export function messageRow(sessionId: string, seq: number, t: number, content: string): MessageRow {
  return {
    id: crypto.randomUUID(),
    sessionId,
    seq,
    role: seq % 2 ? 'user' : 'assistant',
    content,
    parts: [{ type: 'text', text: content }],
    name: null,
    toolCallId: null,
    tokens: null,
    status: 'complete',
    preserved: false,
    metadata: {},
    createdAt: t,
    updatedAt: t,
  };
}

/**
 * The floor an upgrade is measured against: raw IndexedDB reading every row of one store of `tern`
 * and writing it back once, in one transaction.
 */
export async function rawRewrite(storeName: string): Promise<{ ms: number; rows: number }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('tern');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(String(req.error)));
  });
  const t = performance.now();
  const tx = db.transaction([storeName], 'readwrite');
  const store = tx.objectStore(storeName);
  const rows = await new Promise<unknown[]>((r) => {
    const req = store.getAll();
    req.onsuccess = () => r(req.result as unknown[]);
  });
  for (const row of rows) store.put(row);
  await new Promise((r) => (tx.oncomplete = r));
  const ms = performance.now() - t;
  db.close();
  return { ms, rows: rows.length };
}
