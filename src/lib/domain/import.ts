// Writes imported conversations. Each conversation lands in one read-write transaction with its
// messages, images, settings and compaction history, or not at all; the session's counters are
// computed from the rows written, so they are true whatever the file claimed. Merging is by id:
// a session already stored is left alone unless the user chose to let a newer copy replace it.
import type { TernDB } from '../db/database';
import { toTernError } from '../db/errors';
import type {
  BranchMessageRow,
  CommandUsageRow,
  CompactionEventRow,
  ImageRow,
  MessageArchiveRow,
  MessageRow,
  SessionRow,
  SessionSettingsRow,
  WorkspaceRow,
} from '../db/rows';
import { workspaceSessions } from '../db/reads';
import { deleteSessionRows, sessionTables } from '../db/session-rows';
import { now } from './tx';

/** One session and everything that belongs to it, in stored shape, ready to write. */
export interface Conversation {
  session: SessionRow;
  settings: SessionSettingsRow | null;
  messages: MessageRow[];
  /** The messages of the versions not on screen; absent where the source kept one version. */
  branchMessages?: BranchMessageRow[];
  images: ImageRow[];
  compactionEvents: CompactionEventRow[];
  archive: MessageArchiveRow[];
}

/** What to do with a session that exists both in the file and in the database. */
export type ConflictPolicy = 'keep-local' | 'newer';

export type ImportErrorCode =
  | 'not-json'
  | 'truncated'
  | 'unknown-format'
  | 'future-version'
  | 'invalid-conversation'
  | 'too-deep'
  | 'id-conflict'
  | 'write-failed'
  | 'cancelled';

export type SkipReason = 'exists' | 'not-newer';

export type ImportItem =
  | { kind: 'imported'; id: string; title: string; messages: number }
  | { kind: 'updated'; id: string; title: string; messages: number }
  | { kind: 'skipped'; id: string; title: string; reason: SkipReason }
  | { kind: 'invalid'; id: string; title: string; code: ImportErrorCode; reason: string };

export type ParsedItem =
  | { kind: 'ok'; conversation: Conversation }
  | { kind: 'invalid'; id: string; title: string; code: ImportErrorCode; reason: string };

export interface ParsedImport {
  source: string;
  workspaces: WorkspaceRow[];
  commandUsage: CommandUsageRow[];
  items: ParsedItem[];
}

export interface ImportReport {
  /** What the file was read as (tern, chatgpt, claude, …). */
  source: string;
  items: ImportItem[];
  /** A problem with the file as a whole (nothing was imported), if any. */
  fileError: { code: ImportErrorCode; reason: string } | null;
  /** App settings of the file that were refused (nothing of them taken), in words. */
  notes?: string[];
}

/** Sessions that own nothing have counters of zero; everything else is counted from the rows. */
function withCounters(c: Conversation): SessionRow {
  const tokens = (n: number, m: { tokens: number | null }) =>
    n + (typeof m.tokens === 'number' ? m.tokens : 0);
  const branches = c.branchMessages ?? [];
  return {
    ...c.session,
    // Every stored message counts, on screen or in another version.
    messageCount: c.messages.length + branches.length,
    imageCount: c.images.length,
    totalTokens: branches.reduce(tokens, c.messages.reduce(tokens, 0)),
    compactionCount: c.compactionEvents.filter((e) => e.revertedAt === null).length,
  };
}

function fallbackWorkspace(id: string, at: number): WorkspaceRow {
  return { id, name: 'Imported', createdAt: at, updatedAt: at };
}

/** Writes one conversation inside the caller's read-write transaction over sessionTables. */
/** The stored sessions and workspaces a chunk names, read in two requests instead of two each. */
interface Stored {
  sessions: Map<string, SessionRow | undefined>;
  workspaces: Set<string>;
}

async function lookUp(db: TernDB, chunk: readonly Conversation[]): Promise<Stored> {
  const ids = chunk.map((c) => c.session.id);
  const workspaceIds = [...new Set(chunk.map((c) => c.session.workspaceId))];
  const [sessions, workspaces] = await Promise.all([
    db.sessions.bulkGet(ids),
    db.workspaces.bulkGet(workspaceIds),
  ]);
  return {
    sessions: new Map(ids.map((id, i) => [id, sessions[i]])),
    workspaces: new Set(workspaceIds.filter((_, i) => workspaces[i] !== undefined)),
  };
}

async function writeInside(
  db: TernDB,
  c: Conversation,
  policy: ConflictPolicy,
  workspaces: ReadonlyMap<string, WorkspaceRow>,
  stored: Stored,
): Promise<ImportItem> {
  const session = withCounters(c);
  const base = { id: session.id, title: session.title };
  const branches = c.branchMessages ?? [];
  const messageIds = new Set([...c.messages, ...branches].map((m) => m.id));
  const imageIds = new Set(c.images.map((i) => i.id));
  const local = stored.sessions.get(session.id);
  if (local) {
    if (policy === 'keep-local') return { ...base, kind: 'skipped', reason: 'exists' };
    if (local.updatedAt >= session.updatedAt)
      return { ...base, kind: 'skipped', reason: 'not-newer' };
    await deleteSessionRows(db, session.id);
  }
  // What this conversation writes is what the next one with the same ids finds.
  stored.sessions.set(session.id, session);
  if (!stored.workspaces.has(session.workspaceId)) {
    await db.workspaces.add(
      workspaces.get(session.workspaceId) ?? fallbackWorkspace(session.workspaceId, now()),
    );
    stored.workspaces.add(session.workspaceId);
  }
  const images: ImageRow[] = [];
  for (const img of c.images) {
    const messageId =
      img.messageId !== null && messageIds.has(img.messageId) ? img.messageId : null;
    let parentId = img.parentId;
    if (parentId !== null && !imageIds.has(parentId) && !(await db.images.get(parentId)))
      parentId = null;
    images.push({ ...img, messageId, parentId });
  }
  await db.sessions.put(session);
  if (c.settings) await db.sessionSettings.put(c.settings);
  if (c.messages.length > 0) await db.messages.bulkAdd(c.messages);
  if (branches.length > 0) await db.branchMessages.bulkAdd(branches);
  if (images.length > 0) await db.images.bulkAdd(images);
  if (c.compactionEvents.length > 0) await db.compactionEvents.bulkAdd(c.compactionEvents);
  if (c.archive.length > 0) await db.messageArchive.bulkAdd(c.archive);
  return { ...base, kind: local ? 'updated' : 'imported', messages: session.messageCount };
}

/**
 * Writes one conversation. Returns what happened; a failure (an id already used by another
 * session, a full disk) rolls the whole conversation back and comes back as `invalid`. A database
 * closed under it (another tab upgrading it) is thrown: nothing more can be written.
 */
export async function importConversation(
  db: TernDB,
  c: Conversation,
  policy: ConflictPolicy,
  workspaces: ReadonlyMap<string, WorkspaceRow> = new Map(),
): Promise<ImportItem> {
  try {
    return await db.transaction('rw', sessionTables(db), async () =>
      writeInside(db, c, policy, workspaces, await lookUp(db, [c])),
    );
  } catch (e) {
    const base = { id: c.session.id, title: c.session.title };
    const err = toTernError(e);
    // Not this conversation's fault, and the same for every one after it: the import stops here.
    if (err.code === 'database-closed') throw err;
    if (err.code === 'conflict')
      return {
        ...base,
        kind: 'invalid',
        code: 'id-conflict',
        reason: 'A message or image in it has the id of one stored in another conversation.',
      };
    return { ...base, kind: 'invalid', code: 'write-failed', reason: err.message };
  }
}

/**
 * Writes several conversations in one transaction: a chunk commits (and wakes the screens that
 * show its rows) once, not once per conversation. If any of them fails, the chunk rolls back and
 * each is written again alone, so a bad one costs only itself, as with one transaction each.
 */
export async function importChunk(
  db: TernDB,
  chunk: readonly Conversation[],
  policy: ConflictPolicy,
  workspaces: ReadonlyMap<string, WorkspaceRow> = new Map(),
): Promise<ImportItem[]> {
  if (chunk.length === 1)
    return [await importConversation(db, chunk[0] as Conversation, policy, workspaces)];
  try {
    return await db.transaction('rw', sessionTables(db), async () => {
      const stored = await lookUp(db, chunk);
      const out: ImportItem[] = [];
      for (const c of chunk) out.push(await writeInside(db, c, policy, workspaces, stored));
      return out;
    });
  } catch {
    const out: ImportItem[] = [];
    for (const c of chunk) out.push(await importConversation(db, c, policy, workspaces));
    return out;
  }
}

/**
 * Workspaces named in the file. One that is missing is added; one that exists is kept as stored,
 * except an empty one (it holds nothing of the user's), which takes the file's name and times so
 * that a backup restored into a new install comes back as it was.
 */
export async function importWorkspaces(db: TernDB, rows: readonly WorkspaceRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction('rw', db.workspaces, db.sessions, async () => {
    for (const w of rows) {
      const local = await db.workspaces.get(w.id);
      if (!local) await db.workspaces.add(w);
      else if ((await workspaceSessions(db, w.id).count()) === 0) await db.workspaces.put(w);
    }
  });
}

/** Usage counts merge by taking the larger: importing the same file twice changes nothing. */
export async function importCommandUsage(
  db: TernDB,
  rows: readonly CommandUsageRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction('rw', db.commandUsage, async () => {
    for (const r of rows) {
      const local = await db.commandUsage.get(r.command);
      await db.commandUsage.put(
        local
          ? {
              command: r.command,
              usageCount: Math.max(local.usageCount, r.usageCount),
              lastUsedAt: Math.max(local.lastUsedAt, r.lastUsedAt),
            }
          : r,
      );
    }
  });
}

export interface ApplyOptions {
  policy: ConflictPolicy;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** How long one chunk's transaction should take: short enough for a cancel, long enough to pay. */
export const CHUNK_TARGET_MS = 250;
const MAX_CHUNK = 500;

/**
 * Writes conversations as they come, several to a transaction, and keeps the report. The number
 * per transaction follows how long the last one took (aiming at CHUNK_TARGET_MS), so the screens
 * showing the library refresh a few times a second at most whatever the size of a conversation.
 * A cancel stops between chunks, so none is ever half-written; those handed over after it are
 * reported as cancelled.
 */
export class ImportWriter {
  readonly items: ImportItem[] = [];
  /** Conversations written or found invalid so far (not those cancelled). */
  handled = 0;
  /** Transactions committed (or tried) for conversations so far. */
  transactions = 0;
  private workspaces = new Map<string, WorkspaceRow>();
  private chunkSize = 8;

  constructor(
    private readonly db: TernDB,
    private readonly policy: ConflictPolicy,
    private readonly signal?: AbortSignal,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async begin(workspaces: readonly WorkspaceRow[], commandUsage: readonly CommandUsageRow[]) {
    this.workspaces = new Map(workspaces.map((w) => [w.id, w]));
    await importWorkspaces(this.db, workspaces);
    await importCommandUsage(this.db, commandUsage);
  }

  async write(item: ParsedItem): Promise<void> {
    await this.writeMany([item]);
  }

  /** Writes a batch in order, in as many chunks as its size and the pace call for. */
  async writeMany(batch: readonly ParsedItem[]): Promise<void> {
    let i = 0;
    while (i < batch.length) {
      if (this.signal?.aborted) {
        for (const item of batch.slice(i)) this.cancelled(item);
        return;
      }
      const chunk: Conversation[] = [];
      const slots: (ImportItem | null)[] = [];
      while (i < batch.length && chunk.length < this.chunkSize) {
        const item = batch[i++] as ParsedItem;
        if (item.kind === 'ok') {
          chunk.push(item.conversation);
          slots.push(null);
        } else slots.push(item);
      }
      const started = this.clock();
      const written =
        chunk.length > 0 ? await importChunk(this.db, chunk, this.policy, this.workspaces) : [];
      if (chunk.length > 0) {
        this.transactions++;
        this.pace(this.clock() - started, chunk.length);
      }
      let w = 0;
      for (const slot of slots) this.items.push(slot ?? (written[w++] as ImportItem));
      this.handled += slots.length;
    }
  }

  private pace(ms: number, size: number): void {
    if (size < this.chunkSize) return;
    if (ms < CHUNK_TARGET_MS / 2) this.chunkSize = Math.min(MAX_CHUNK, this.chunkSize * 2);
    else if (ms > CHUNK_TARGET_MS * 1.5)
      this.chunkSize = Math.max(1, Math.floor(this.chunkSize / 2));
  }

  private cancelled(item: ParsedItem): void {
    const c = item.kind === 'ok' ? item.conversation.session : item;
    this.items.push({
      kind: 'invalid',
      id: c.id,
      title: c.title,
      code: 'cancelled',
      reason: 'The import was cancelled before this one.',
    });
  }
}

/** Writes a read file: its workspaces, then its conversations a chunk at a time. */
export async function applyImport(
  db: TernDB,
  parsed: ParsedImport,
  options: ApplyOptions,
): Promise<ImportReport> {
  const writer = new ImportWriter(db, options.policy, options.signal);
  await writer.begin(parsed.workspaces, parsed.commandUsage);
  const total = parsed.items.length;
  // Progress is told per slice, not per conversation: often enough for a progress bar.
  const SLICE = 50;
  for (let i = 0; i < total; i += SLICE) {
    const aborted = options.signal?.aborted;
    await writer.writeMany(parsed.items.slice(i, i + SLICE));
    if (!aborted) options.onProgress?.(writer.items.length, total);
  }
  return { source: parsed.source, items: writer.items, fileError: null };
}
