// The import/export panel's state. The heavy code (parsers, zip, dexie-export-import) is loaded
// only when the user starts an import or export, never with the app.
import { DEFAULT_WORKSPACE_ID } from '../db/database';
import type { ExportScope } from '../domain/export';
import type { ConflictPolicy, ImportReport } from '../domain/import';
import { createPrefs } from '../db/prefs';
import { app } from './app.svelte';
import { providers } from './providers.svelte';

export type IoPhase =
  | { kind: 'idle' }
  | { kind: 'working'; what: string; done: number; total: number; count: number | null }
  | { kind: 'done'; message: string }
  | { kind: 'failed'; message: string };

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const day = () => new Date().toISOString().slice(0, 10);
/** The app settings (providers, MCP servers, …) load with the first export or import. */
const appSettings = () => import('../domain/app-settings');

class IoState {
  #phase = $state<IoPhase>({ kind: 'idle' });
  #report = $state.raw<ImportReport | null>(null);

  get phase() {
    return this.#phase;
  }
  get report() {
    return this.#report;
  }

  private controller: AbortController | null = null;

  get busy(): boolean {
    return this.#phase.kind === 'working';
  }

  private db() {
    if (!app.db || !app.writable) throw new Error('Your data is not open for writing right now.');
    return app.db;
  }

  private async run(what: string, fn: () => Promise<string>): Promise<void> {
    if (this.busy) return;
    this.#phase = { kind: 'working', what, done: 0, total: 0, count: null };
    try {
      this.#phase = { kind: 'done', message: await fn() };
    } catch (e) {
      this.#phase = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
    } finally {
      this.controller = null;
    }
  }

  progress = (done: number, total: number, count: number | null = null): void => {
    if (this.#phase.kind === 'working') this.#phase = { ...this.#phase, done, total, count };
  };

  export(scope: ExportScope, includeImages: boolean, includeSecrets: boolean): Promise<void> {
    return this.run('Exporting', async () => {
      const io = await import('./io-service');
      const blob = await io.exportFile(this.db(), {
        scope,
        includeImages,
        includeSecrets,
        appVersion: __APP_VERSION__,
        // Providers and other app settings belong to the whole: only in an export of everything.
        ...(scope.kind === 'all'
          ? {
              appSettings: await (
                await appSettings()
              ).readAppSettings(createPrefs(), includeSecrets),
            }
          : {}),
      });
      download(blob, `tern-export-${day()}.json`);
      await (await import('./keeping.svelte')).keeping.refreshLastExport();
      return 'The export file is downloaded.';
    });
  }

  markdown(sessionId: string): Promise<void> {
    return this.run('Exporting', async () => {
      const io = await import('./io-service');
      download(await io.exportMarkdown(this.db(), sessionId), `tern-session-${day()}.md`);
      return 'The Markdown file is downloaded.';
    });
  }

  import(files: readonly File[], policy: ConflictPolicy): Promise<void> {
    this.#report = null;
    this.controller = new AbortController();
    const signal = this.controller.signal;
    return this.run('Importing', async () => {
      // Read in a worker, a slice at a time: a file of hundreds of megabytes never sits in memory.
      const { importInWorker } = await import('./import-runner');
      let notes: string[] = [];
      this.#report = await importInWorker(this.db(), files, {
        policy,
        workspaceId: DEFAULT_WORKSPACE_ID,
        signal,
        onRead: this.progress,
        onAppSettings: async (settings) => {
          const { restoreAppSettings } = await appSettings();
          notes = (await restoreAppSettings(createPrefs(), settings)).notes;
          await this.reloadAppSettings();
        },
      });
      if (notes.length > 0) this.#report = { ...this.#report, notes };
      if (signal.aborted) return 'The import was cancelled.';
      const report = this.#report;
      if (report.fileError)
        return report.items.length === 0
          ? 'Nothing was imported from this file.'
          : 'The import stopped where the file could not be read further.';
      return 'The import is finished.';
    });
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** The whole database and the app settings; API keys only when `includeSecrets`. */
  backup(includeSecrets: boolean): Promise<void> {
    return this.run('Backing up', async () => {
      const { backupDatabase } = await import('../domain/full-backup');
      const { readAppSettings } = await appSettings();
      const settings = await readAppSettings(createPrefs(), includeSecrets);
      download(
        await backupDatabase(this.db(), this.progress, settings),
        `tern-backup-${day()}.json`,
      );
      return 'The backup file is downloaded.';
    });
  }

  /** Providers and MCP servers read again after a file brought some in. */
  private async reloadAppSettings(): Promise<void> {
    await providers.reload();
    const { mcp } = await import('./mcp.svelte');
    await mcp.load(createPrefs());
  }

  restore(file: File): Promise<void> {
    return this.run('Restoring', async () => {
      const { restoreDatabase, readBackupAppSettings } = await import('../domain/full-backup');
      const { restoreAppSettings } = await appSettings();
      this.db().close();
      await restoreDatabase(file, { appVersion: __APP_VERSION__, onProgress: this.progress });
      await app.open();
      const { added, notes } = await restoreAppSettings(
        createPrefs(),
        await readBackupAppSettings(file),
      );
      await this.reloadAppSettings();
      const n = added.providers ?? 0;
      const m = added.mcpServers ?? 0;
      const extra = [
        ...(n > 0 ? [n === 1 ? '1 provider' : `${n} providers`] : []),
        ...(m > 0 ? [m === 1 ? '1 MCP server' : `${m} MCP servers`] : []),
      ];
      const done =
        extra.length > 0
          ? `The backup is restored, with ${extra.join(' and ')}.`
          : 'The backup is restored.';
      return [done, ...notes].join(' ');
    });
  }
}

export const io = new IoState();
