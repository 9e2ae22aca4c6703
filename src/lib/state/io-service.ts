// Export and import as whole user actions: read, turn into a file, write, report. The panel's
// state calls these; so do the tests. Loaded only when the user opens import/export.
import type { TernDB } from '../db/database';
import { createPrefs, type Prefs } from '../db/prefs';
import { CURRENT_VERSION } from '../db/schema';
import { readForExport, type ExportScope } from '../domain/export';
import { applyImport, type ConflictPolicy, type ImportReport } from '../domain/import';
import { fileErrorOf, readFiles, type InputFile } from '../io/parse';
import { writeTernFile } from '../io/tern/write';
import { sessionMarkdown } from '../io/markdown';

export interface ExportChoice {
  scope: ExportScope;
  includeImages: boolean;
  includeSecrets: boolean;
  appVersion: string;
  /** App-level settings to carry (providers, MCP servers, …), read by domain/app-settings. */
  appSettings?: Record<string, unknown>;
  /** Where the time of the last export is noted; the app's preferences unless a test gives one. */
  prefs?: Prefs;
}

export async function exportPieces(
  db: TernDB,
  c: ExportChoice,
  at = Date.now(),
): Promise<string[]> {
  const rows = await readForExport(db, c.scope);
  return writeTernFile(rows, {
    scope:
      c.scope.kind === 'all'
        ? { kind: 'all' }
        : c.scope.kind === 'session'
          ? { kind: 'session', id: c.scope.sessionId }
          : { kind: 'workspace', id: c.scope.workspaceId },
    appVersion: c.appVersion,
    schemaVersion: CURRENT_VERSION,
    includeImages: c.includeImages,
    includeSecrets: c.includeSecrets,
    exportedAt: at,
    ...(c.appSettings ? { appSettings: c.appSettings } : {}),
  });
}

/** The export as a file, and the time of this export noted for the "last export" reminder. */
export async function exportFile(db: TernDB, c: ExportChoice): Promise<Blob> {
  const at = Date.now();
  const blob = new Blob(await exportPieces(db, c, at), { type: 'application/json' });
  await (c.prefs ?? createPrefs()).setLastExportAt(at);
  return blob;
}

export async function exportMarkdown(db: TernDB, sessionId: string): Promise<Blob> {
  const rows = await readForExport(db, { kind: 'session', sessionId });
  const c = rows.conversations[0];
  return new Blob([c ? sessionMarkdown(c) : ''], { type: 'text/markdown' });
}

export interface ImportChoice {
  policy: ConflictPolicy;
  /** Where conversations from other apps go. */
  workspaceId: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Takes back the app settings (providers, …) an export of everything carries. */
  onAppSettings?: (settings: unknown) => Promise<void>;
}

/** Reads the chosen files and writes what they hold. A file that cannot be read changes nothing. */
export async function importFiles(
  db: TernDB,
  files: readonly InputFile[],
  c: ImportChoice,
): Promise<ImportReport> {
  let parsed;
  try {
    parsed = readFiles(files, {
      workspaceId: c.workspaceId,
      now: Date.now(),
      currentSchema: CURRENT_VERSION,
    });
  } catch (e) {
    return { source: 'unknown', items: [], fileError: fileErrorOf(e) };
  }
  if (parsed.app !== undefined) await c.onAppSettings?.(parsed.app);
  return applyImport(db, parsed, c);
}
