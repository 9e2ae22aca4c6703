// Mutated copies of good exports, for the bad-input tests: cut short, a value swapped for one of
// the wrong type, a key dropped, prototype keys written into the text, script in a field.
/** A small deterministic generator, so a failure can be replayed from its seed. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

export type Json = unknown;

function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object')
    for (const k of Object.keys(v)) paths((v as Record<string, Json>)[k], [...at, k], out);
  return out;
}

export function mutate(doc: Json, r: () => number): string {
  const text = JSON.stringify(doc);
  const kind = Math.floor(r() * 5);
  if (kind === 0) return text.slice(0, Math.floor(r() * text.length));
  const copy = JSON.parse(text) as Json;
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[Math.floor(r() * all.length)] ?? [];
  let parent = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  const swaps: Json[] = [null, 42, -1, 'text', true, [], {}, 1e308, '', [null]];
  if (kind === 1) parent[key] = swaps[Math.floor(r() * swaps.length)];
  else if (kind === 2) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (kind === 3) {
    const injected = r() < 0.5 ? '__proto__' : 'constructor';
    const target = parent[key];
    const host = target && typeof target === 'object' && !Array.isArray(target) ? target : parent;
    // Written into the text, as a hostile file would carry it.
    return JSON.stringify(copy).replace(
      JSON.stringify(host).slice(0, 1) === '{' ? /\{/ : /^/,
      `{"${injected}":{"polluted":true,"seq":"x"},`,
    );
  } else parent[key] = '<img src=x onerror=alert(1)>'.repeat(1 + Math.floor(r() * 3));
  return JSON.stringify(copy);
}
