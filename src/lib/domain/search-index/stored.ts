// A message of the index may sit on the active path or in an inactive branch, and moves between the
// two when the user flips versions: every lookup by id reads both stores, and only a message in
// neither is gone.
import type { TernDB } from '../../db/database';
import type { BranchMessageRow, MessageRow } from '../../db/rows';

/** A stored message and whether it waits in an inactive branch. */
export type StoredMessage = (MessageRow | BranchMessageRow) & { branch: boolean };

/** The messages of `ids` in order, from either store; undefined where neither holds one. */
export async function storedMessages(
  db: TernDB,
  ids: readonly string[],
): Promise<(StoredMessage | undefined)[]> {
  if (ids.length === 0) return [];
  const active = await db.messages.bulkGet([...ids]);
  const missing = ids.filter((_, i) => !active[i]);
  const aside = missing.length > 0 ? await db.branchMessages.bulkGet(missing) : [];
  const byId = new Map<string, BranchMessageRow>();
  for (const b of aside) if (b) byId.set(b.id, b);
  return ids.map((id, i) => {
    const a = active[i];
    if (a) return { ...a, branch: false };
    const b = byId.get(id);
    return b ? { ...b, branch: true } : undefined;
  });
}
