// Slash-command usage: how often and how recently this user ran each command, and a pure ranking
// that puts the commands they reach for first.
import type { CommandUsageRow } from '../db/rows';
import type { TernDB } from '../db/database';
import { mapErrors } from '../db/errors';
import { now, rw } from './tx';

export async function recordCommandUse(db: TernDB, command: string): Promise<CommandUsageRow> {
  return rw(db, [db.commandUsage], async () => {
    const row = await db.commandUsage.get(command);
    const next: CommandUsageRow = {
      command,
      usageCount: (row?.usageCount ?? 0) + 1,
      lastUsedAt: now(),
    };
    await db.commandUsage.put(next);
    return next;
  });
}

export function listCommandUsage(db: TernDB): Promise<CommandUsageRow[]> {
  return mapErrors(() => db.commandUsage.toArray());
}

export interface RankableCommand {
  id: string;
  title: string;
  keywords?: readonly string[];
}

const HALF_LIFE_MS = 7 * 24 * 3600 * 1000;

/** Frecency: uses, each worth less the longer ago the command was last run. */
export function frecency(row: CommandUsageRow | undefined, at: number): number {
  if (!row) return 0;
  const age = Math.max(0, at - row.lastUsedAt);
  return row.usageCount * Math.pow(0.5, age / HALF_LIFE_MS);
}

function matchScore(c: RankableCommand, q: string): number {
  if (q === '') return 1;
  const id = c.id.toLowerCase();
  const title = c.title.toLowerCase();
  if (id.startsWith(q)) return 3;
  if (title.startsWith(q) || (c.keywords ?? []).some((k) => k.toLowerCase().startsWith(q)))
    return 2;
  if (id.includes(q) || title.includes(q)) return 1;
  return 0;
}

/** Commands matching `query`, best match first, then most used lately, then by name. */
export function rankCommands<T extends RankableCommand>(
  commands: readonly T[],
  usage: readonly CommandUsageRow[],
  query: string,
  at: number,
): T[] {
  const q = query.trim().replace(/^\//, '').toLowerCase();
  const byId = new Map(usage.map((u) => [u.command, u]));
  return commands
    .map((c) => ({ c, m: matchScore(c, q), f: frecency(byId.get(c.id), at) }))
    .filter((x) => x.m > 0)
    .sort((a, b) => b.m - a.m || b.f - a.f || a.c.id.localeCompare(b.c.id))
    .map((x) => x.c);
}
