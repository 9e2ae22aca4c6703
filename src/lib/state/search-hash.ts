// The search in the URL hash: `#search=<query>&ws=<id>&role=user|assistant&from=<yyyy-mm-dd>&
// to=<yyyy-mm-dd>&trash=1`. Dates are whole days in local time, `to` inclusive.
import type { SearchFilters } from '../domain/search-index/filters';

const DAY = 86_400_000;

function dayStart(s: string | null): number | null {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const [y, m, d] = s.split('-').map(Number);
  const t = new Date(y ?? 0, (m ?? 1) - 1, d ?? 1).getTime();
  return Number.isFinite(t) ? t : null;
}

export function dayOf(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function hashOf(query: string, f: SearchFilters): string {
  if (query === '') return '';
  const p = new URLSearchParams({ search: query });
  if (f.workspaceId !== null) p.set('ws', f.workspaceId);
  if (f.role !== null) p.set('role', f.role);
  if (f.from !== null) p.set('from', dayOf(f.from));
  if (f.to !== null) p.set('to', dayOf(f.to));
  if (f.includeTrash) p.set('trash', '1');
  return `#${p.toString()}`;
}

export function filtersFromHash(hash: string): { query: string; filters: SearchFilters } | null {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const query = p.get('search');
  if (query === null) return null;
  const role = p.get('role');
  const to = dayStart(p.get('to'));
  return {
    query,
    filters: {
      workspaceId: p.get('ws'),
      role: role === 'user' || role === 'assistant' ? role : null,
      from: dayStart(p.get('from')),
      to: to === null ? null : to + DAY - 1,
      includeTrash: p.get('trash') === '1',
    },
  };
}
