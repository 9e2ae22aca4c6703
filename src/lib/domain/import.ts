// Writes imported conversations. Each conversation lands in one read-write transaction with its
// messages, images, settings and compaction history, or not at all; the session's counters are
// computed from the rows written, so they are true whatever the file claimed. Merging is by id:
// a session already stored is left alone unless the user chose to let a newer copy replace it.
import Dexie from 'dexie';
import type { TernDB } from '../db/database';
import { toTernError } from '../db/errors';
import type {
  CommandUsageRow,
  CompactionEventRow,
  ImageRow,
  MessageArchiveRow,
  MessageRow,
  SessionRow,
  SessionSettingsRow,
  WorkspaceRow,
} from '../db/rows';
import { now } from './tx';

/** One session and everything that belongs to it, in stored shape, ready to write. */
export interface Conversation {
  session: SessionRow;
  settings: SessionSettingsRow | null;
  messages: MessageRow[];
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
}

/** Sessions that own nothing have counters of zero; everything else is counted from the rows. */
function withCounters(c: Conversation): SessionRow {
  return {
    ...c.session,
    messageCount: c.messages.length,
    imageCount: c.images.length,
    totalTokens: c.messages.reduce((n, m) => n + (typeof m.tokens === 'number' ? m.tokens : 0), 0),
    compactionCount: c.compactionEvents.filter((e) => e.revertedAt === null).length,
  };
}

function sessionTables(db: TernDB) {
  return [
    db.workspaces,
    db.sessions,
    db.messages,
    db.images,
    db.sessionSettings,
    db.compactionEvents,
    db.messageArchive,
  ];
}

async function removeChildren(db: TernDB, id: string): Promise<void> {
  const lo = [id, Dexie.minKey];
  const hi = [id, Dexie.maxKey];
  await db.messages.where('[sessionId+seq]').between(lo, hi, true, true).delete();
  await db.images.where('[sessionId+createdAt]').between(lo, hi, true, true).delete();
  await db.sessionSettings.delete(id);
  await db.compactionEvents.where('[sessionId+createdAt]').between(lo, hi, true, true).delete();
  await db.messageArchive.where('sessionId').equals(id).delete();
}

function fallbackWorkspace(id: string, at: number): WorkspaceRow {
  return { id, name: 'Imported', createdAt: at, updatedAt: at };
}

/**
 * Writes one conversation. Returns what happened; a failure (an id already used by another
 * session, a full disk) rolls the whole conversation back and comes back as `invalid`.
 */
export async function importConversation(
  db: TernDB,
  c: Conversation,
  policy: ConflictPolicy,
  workspaces: ReadonlyMap<string, WorkspaceRow> = new Map(),
): Promise<ImportItem> {
  const session = withCounters(c);
  const base = { id: session.id, title: session.title };
  const messageIds = new Set(c.messages.map((m) => m.id));
  const imageIds = new Set(c.images.map((i) => i.id));
  try {
    return await db.transaction('rw', sessionTables(db), async (): Promise<ImportItem> => {
      const local = await db.sessions.get(session.id);
      if (local) {
        if (policy === 'keep-local') return { ...base, kind: 'skipped', reason: 'exists' };
        if (local.updatedAt >= session.updatedAt)
          return { ...base, kind: 'skipped', reason: 'not-newer' };
        await removeChildren(db, session.id);
      }
      if (!(await db.workspaces.get(session.workspaceId)))
        await db.workspaces.add(
          workspaces.get(session.workspaceId) ?? fallbackWorkspace(session.workspaceId, now()),
        );
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
      if (images.length > 0) await db.images.bulkAdd(images);
      if (c.compactionEvents.length > 0) await db.compactionEvents.bulkAdd(c.compactionEvents);
      if (c.archive.length > 0) await db.messageArchive.bulkAdd(c.archive);
      return { ...base, kind: local ? 'updated' : 'imported', messages: c.messages.length };
    });
  } catch (e) {
    const err = toTernError(e);
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
      else if ((await db.sessions.where('workspaceId').equals(w.id).count()) === 0)
        await db.workspaces.put(w);
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

/**
 * Writes conversations as they come, each in a transaction of its own, and keeps the report. A
 * cancel stops between conversations, so none is ever half-written; those handed over after it
 * are reported as cancelled.
 */
export class ImportWriter {
  readonly items: ImportItem[] = [];
  /** Conversations written or found invalid so far (not those cancelled). */
  handled = 0;
  private workspaces = new Map<string, WorkspaceRow>();

  constructor(
    private readonly db: TernDB,
    private readonly policy: ConflictPolicy,
    private readonly signal?: AbortSignal,
  ) {}

  async begin(workspaces: readonly WorkspaceRow[], commandUsage: readonly CommandUsageRow[]) {
    this.workspaces = new Map(workspaces.map((w) => [w.id, w]));
    await importWorkspaces(this.db, workspaces);
    await importCommandUsage(this.db, commandUsage);
  }

  async write(item: ParsedItem): Promise<void> {
    if (this.signal?.aborted) {
      const c = item.kind === 'ok' ? item.conversation.session : item;
      this.items.push({
        kind: 'invalid',
        id: c.id,
        title: c.title,
        code: 'cancelled',
        reason: 'The import was cancelled before this one.',
      });
      return;
    }
    this.handled++;
    this.items.push(
      item.kind === 'ok'
        ? await importConversation(this.db, item.conversation, this.policy, this.workspaces)
        : item,
    );
  }
}

/** Writes a read file: its workspaces, then each conversation in a transaction of its own. */
export async function applyImport(
  db: TernDB,
  parsed: ParsedImport,
  options: ApplyOptions,
): Promise<ImportReport> {
  const writer = new ImportWriter(db, options.policy, options.signal);
  await writer.begin(parsed.workspaces, parsed.commandUsage);
  const total = parsed.items.length;
  for (const item of parsed.items) {
    const aborted = options.signal?.aborted;
    await writer.write(item);
    if (!aborted) options.onProgress?.(writer.items.length, total);
  }
  return { source: parsed.source, items: writer.items, fileError: null };
}
