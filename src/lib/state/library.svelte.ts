// Live views of the workspaces, their sessions and the trash. Each reads what the screen shows (a
// page of each list), never the whole library: a write to one session costs a page of reads however
// many sessions there are, and an import of thousands does not make the sidebar read thousands after
// each of them. The sessions per workspace, counted on an index whose keys grow with the library,
// follow writes at a steady pace instead. Every tab's writes show up here.
import type { TernDB } from '../db/database';
import type { SessionRow, WorkspaceRow } from '../db/rows';
import {
  countTrash,
  countSessionsByWorkspace,
  getSession,
  listWorkspaces,
  sessionPage,
  trashedByWorkspace,
  trashPage,
  type Page,
} from '../domain/sessions';
import { app } from './app.svelte';
import { live } from './live.svelte';
import { paced } from './paced.svelte';
import { view } from './view.svelte';

/** Sessions listed per workspace at first, and added by each "Show more". */
export const SIDEBAR_PAGE = 100;
/** Trashed sessions listed at first, and added by each "Show more". */
export const TRASH_PAGE = 100;
/** How often at most the sessions per workspace are counted again while writes go on. */
export const COUNT_EVERY_MS = 1000;

export interface WorkspaceView {
  workspace: WorkspaceRow;
  /** The listed page, most recent first (and the open session, wherever it falls). */
  sessions: SessionRow[];
  /** Whether sessions (matching the filter, if any) follow the page. */
  more: boolean;
}

export interface LibraryQuery {
  /** Sessions to list per workspace id; SIDEBAR_PAGE when absent. */
  pages: Readonly<Record<string, number>>;
  /** Titles must contain this (lowercase); '' lists every session. */
  filter: string;
  /** The open session, listed even when it falls below its workspace's page. */
  openId: string | null;
}

/** What the sidebar lists: every workspace, each with its page. */
export async function readLibrary(db: TernDB, q: LibraryQuery): Promise<WorkspaceView[]> {
  const match = q.filter === '' ? undefined : (s: SessionRow) => matches(s, q.filter);
  const [workspaces, open] = await Promise.all([
    listWorkspaces(db),
    q.openId ? getSession(db, q.openId) : undefined,
  ]);
  const views = await Promise.all(
    workspaces.map(async (workspace): Promise<WorkspaceView> => {
      const page = await sessionPage(
        db,
        workspace.id,
        q.pages[workspace.id] ?? SIDEBAR_PAGE,
        match,
      );
      const sessions = page.rows;
      if (
        open &&
        open.workspaceId === workspace.id &&
        open.deletedAt === null &&
        (!match || match(open)) &&
        !sessions.some((s) => s.id === open.id)
      )
        sessions.push(open);
      return { workspace, sessions, more: page.more };
    }),
  );
  return views;
}

function matches(s: SessionRow, filter: string): boolean {
  return s.title.toLowerCase().includes(filter);
}

export interface TrashSummary {
  count: number;
  byWorkspace: ReadonlyMap<string, number>;
}

/** The trash's size, overall and per workspace; only changes to the trash make it read again. */
export async function readTrashSummary(db: TernDB): Promise<TrashSummary> {
  const [count, byWorkspace] = await Promise.all([countTrash(db), trashedByWorkspace(db)]);
  return { count, byWorkspace };
}

const NO_TRASH: TrashSummary = { count: 0, byWorkspace: new Map<string, number>() };

export interface TrashView extends Page<SessionRow> {
  count: number;
}

/** The trash dialog's page: the most recently trashed first, and how many there are. */
export async function readTrash(db: TernDB, limit: number): Promise<TrashView> {
  const [page, count] = await Promise.all([trashPage(db, limit), countTrash(db)]);
  return { ...page, count };
}

/** The sidebar's library: a page per workspace, the title filter, and the trash's counts. */
export class Library {
  /** What the title filter looks for, as typed. */
  #filter = $state('');

  get filter() {
    return this.#filter;
  }

  setFilter(filter: string): void {
    this.#filter = filter;
  }

  #pages = $state<Record<string, number>>({});
  #list = $derived.by(() => {
    const db = app.db;
    if (!db) return null;
    const q: LibraryQuery = {
      pages: { ...this.#pages },
      filter: this.#filter.trim().toLowerCase(),
      openId: view.sessionId,
    };
    return live(() => readLibrary(db, q));
  });
  #trash = $derived.by(() => {
    const db = app.db;
    return live(async () => (db ? readTrashSummary(db) : NO_TRASH));
  });
  #counts = $derived.by(() => {
    const db = app.db;
    return db
      ? paced(db.name, ['sessions'], () => countSessionsByWorkspace(db), COUNT_EVERY_MS)
      : null;
  });
  // A new query (another page, another filter) keeps showing the last answer until it has its own.
  #last: WorkspaceView[] | undefined;

  /** Each workspace's page; undefined before the first read. */
  get workspaces(): WorkspaceView[] | undefined {
    const list = this.#list;
    // Nothing from a database that is not open (or was closed for a restore) is shown.
    if (!list) return (this.#last = undefined);
    const current = list.current;
    if (current) this.#last = current;
    return current ?? this.#last;
  }

  get error(): unknown {
    return this.#list?.error;
  }

  /** The workspaces to show: while filtering, those without a match step aside. */
  get listed(): WorkspaceView[] {
    const all = this.workspaces ?? [];
    return this.filtering ? all.filter((w) => w.sessions.length > 0) : all;
  }

  /** Every workspace, filtering or not (where a session can move to). */
  get allWorkspaces(): WorkspaceRow[] {
    return (this.workspaces ?? []).map((w) => w.workspace);
  }

  get trashCount(): number {
    return this.#trash.current?.count ?? 0;
  }

  /**
   * Live sessions of a workspace (trashed ones are counted apart); until the first count, those
   * listed. While an import goes on it may lag the list by up to COUNT_EVERY_MS.
   */
  liveCount(w: WorkspaceView): number {
    const stored = this.#counts?.current?.get(w.workspace.id);
    if (stored === undefined) return w.sessions.length;
    const trashed = this.#trash.current?.byWorkspace.get(w.workspace.id) ?? 0;
    return Math.max(w.sessions.length, stored - trashed);
  }

  /** Whether nothing is stored: no session in any workspace, nor in the trash. */
  get empty(): boolean {
    const counts = this.#counts?.current;
    // The page is current at once; the count may lag a write by up to COUNT_EVERY_MS.
    const none = (w: WorkspaceView) =>
      w.sessions.length === 0 &&
      (counts?.has(w.workspace.id) ? counts.get(w.workspace.id) === 0 : !this.filtering);
    return (this.workspaces ?? []).every(none) && this.trashCount === 0;
  }

  get filtering(): boolean {
    return this.#filter.trim() !== '';
  }

  showMore(workspaceId: string): void {
    this.#pages = {
      ...this.#pages,
      [workspaceId]: (this.#pages[workspaceId] ?? SIDEBAR_PAGE) + SIDEBAR_PAGE,
    };
  }

  /** Whether a session exists and is out of the trash (to reopen it at start). */
  async isLive(id: string): Promise<boolean> {
    const db = app.db;
    return !!db && (await getSession(db, id))?.deletedAt === null;
  }
}

/** The trash dialog's list, a page at a time. */
export class TrashList {
  #shown = $state(TRASH_PAGE);
  #query = $derived.by(() => {
    const db = app.db;
    const shown = this.#shown;
    return live(async () => (db ? readTrash(db, shown) : { rows: [], more: false, count: 0 }));
  });
  #last: TrashView | undefined;

  get current(): TrashView | undefined {
    const current = this.#query.current;
    if (current) this.#last = current;
    return current ?? this.#last;
  }

  showMore(): void {
    this.#shown += TRASH_PAGE;
  }
}
