// The model picker's list: recently chosen models first (most recent first), then the provider's
// list in its own order, filtered by what the user typed (every word, any case).

export const MAX_RECENT = 8;

export function orderModels(
  available: readonly string[],
  recent: readonly string[],
  query: string,
): string[] {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  const match = (m: string) => words.every((w) => m.toLowerCase().includes(w));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of [...recent, ...available]) {
    if (seen.has(m) || !match(m)) continue;
    seen.add(m);
    out.push(m);
  }
  return out;
}

/** `model` put first in the recent list, which keeps at most MAX_RECENT names. */
export function pushRecent(recent: readonly string[], model: string): string[] {
  return [model, ...recent.filter((m) => m !== model)].slice(0, MAX_RECENT);
}
