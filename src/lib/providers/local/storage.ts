// Models kept on this device, in the origin private file system (OPFS): `tern-models/models/` holds
// whole, checked GGUF files; `tern-models/partial/` holds downloads under way, kept for resuming.
// They are not in Tern's database (a model is hundreds of megabytes, and never exported).
//
// A model is written through createWritable(), whose data replaces the file only when closed: a
// failure (a full disk, a file that is not GGUF) aborts the write and removes the entry, so no half
// model is ever listed.
import { isQuotaError, LocalModelError, megabytes } from './errors';
import { inspectGguf, type GgufInfo } from './gguf';

export interface StoredModel {
  /** The file name, which is also the model id sessions choose. */
  name: string;
  bytes: number;
  lastModified: number;
}

export interface StorageSpace {
  /** Bytes the models take. */
  models: number;
  /** What the browser says the origin uses and may use (quota), when it says. */
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

export type Progress = (done: number, total: number) => void;

const ROOT = 'tern-models';

export function opfsAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

async function dir(name: 'models' | 'partial'): Promise<FileSystemDirectoryHandle> {
  if (!opfsAvailable())
    throw new LocalModelError(
      'unsupported',
      'This browser cannot keep files for a site (no origin private file system). Use a recent Chrome, Edge, Firefox or Safari.',
    );
  const root = await navigator.storage.getDirectory();
  const base = await root.getDirectoryHandle(ROOT, { create: true });
  return base.getDirectoryHandle(name, { create: true });
}

// TypeScript's DOM library leaves out the async iteration of directory handles.
function entries(d: FileSystemDirectoryHandle): AsyncIterable<[string, FileSystemHandle]> {
  return (d as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
}

export function partialDir(): Promise<FileSystemDirectoryHandle> {
  return dir('partial');
}

export function modelsDir(): Promise<FileSystemDirectoryHandle> {
  return dir('models');
}

/** The models kept on this device, by name. Empty entries (a write cut by a crash) are dropped. */
export async function listModels(): Promise<StoredModel[]> {
  if (!opfsAvailable()) return [];
  const d = await modelsDir();
  const out: StoredModel[] = [];
  for await (const [name, handle] of entries(d)) {
    if (handle.kind !== 'file') continue;
    const file = await (handle as FileSystemFileHandle).getFile();
    if (file.size === 0) {
      await d.removeEntry(name).catch(() => {});
      continue;
    }
    out.push({ name, bytes: file.size, lastModified: file.lastModified });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export async function openModel(name: string): Promise<File> {
  try {
    const handle = await (await modelsDir()).getFileHandle(name);
    return await handle.getFile();
  } catch (e) {
    if (e instanceof DOMException && e.name === 'NotFoundError')
      throw new LocalModelError(
        'not-found',
        `The model “${name}” is no longer on this device. Add it again in Settings → Providers → On this device.`,
      );
    throw e;
  }
}

export async function removeModel(name: string): Promise<void> {
  await (await modelsDir()).removeEntry(name).catch((e: unknown) => {
    if (!(e instanceof DOMException && e.name === 'NotFoundError')) throw e;
  });
}

/** A file name safe to keep: the last path part, no separators, ending in .gguf. */
export function modelFileName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  const clean = last.replace(/[^\w.\-+() ]/g, '_').trim() || 'model';
  return /\.gguf$/i.test(clean) ? clean : `${clean}.gguf`;
}

/** Asks the browser to keep the models when space runs short; the answer, or null if it can't. */
export async function askPersistence(): Promise<boolean | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persist) return null;
  try {
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch {
    return null;
  }
}

export async function storageSpace(): Promise<StorageSpace> {
  const models = (await listModels()).reduce((n, m) => n + m.bytes, 0);
  let usage: number | null = null;
  let quota: number | null = null;
  let persisted: boolean | null = null;
  try {
    const e = await navigator.storage.estimate();
    usage = e.usage ?? null;
    quota = e.quota ?? null;
    persisted = await navigator.storage.persisted();
  } catch {
    // Some browsers say nothing; the models' own size is still known.
  }
  return { models, usage, quota, persisted };
}

export function quotaError(needed: number, free: number | null): LocalModelError {
  return new LocalModelError(
    'quota-exceeded',
    `There is not enough space on this device for this model (${megabytes(needed)}${
      free !== null ? `; ${megabytes(Math.max(0, free))} free for Tern` : ''
    }). Remove a model or free some disk space, then try again. Nothing was kept.`,
  );
}

/** Refuses before writing when the browser already says the model cannot fit. */
export async function checkSpace(bytes: number): Promise<void> {
  const { usage, quota } = await storageSpace();
  if (usage !== null && quota !== null && usage + bytes > quota)
    throw quotaError(bytes, quota - usage);
}

/**
 * Keeps a picked file as a model: checks it is a whole GGUF, then copies it in with progress.
 * Throws LocalModelError (`not-gguf`, `truncated`, `exists`, `quota-exceeded`); nothing is kept
 * on failure or when `signal` aborts.
 */
export async function saveModelFile(
  file: File,
  options: { onProgress?: Progress; signal?: AbortSignal; name?: string } = {},
): Promise<{ model: StoredModel; info: GgufInfo }> {
  const info = await inspectGguf(file, `“${file.name}”`);
  const name = modelFileName(options.name ?? file.name);
  const d = await modelsDir();
  if ((await listModels()).some((m) => m.name === name))
    throw new LocalModelError('exists', `A model named “${name}” is already on this device.`);
  await askPersistence();
  await checkSpace(file.size);
  await writeInto(d, name, file, options);
  return { model: { name, bytes: file.size, lastModified: Date.now() }, info };
}

/** Writes `blob` as `name` in `d`, all or nothing. */
export async function writeInto(
  d: FileSystemDirectoryHandle,
  name: string,
  blob: Blob,
  options: { onProgress?: Progress; signal?: AbortSignal } = {},
): Promise<void> {
  const handle = await d.getFileHandle(name, { create: true });
  let writable: FileSystemWritableFileStream | null = null;
  try {
    writable = await handle.createWritable();
    const reader = blob.stream().getReader();
    let done = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const next = await reader.read();
      if (next.done) break;
      await writable.write(next.value);
      done += next.value.length;
      options.onProgress?.(done, blob.size);
    }
    await writable.close();
    writable = null;
  } catch (e) {
    await writable?.abort().catch(() => {});
    await d.removeEntry(name).catch(() => {});
    if (isQuotaError(e)) {
      const { usage, quota } = await storageSpace().catch(() => ({ usage: null, quota: null }));
      throw quotaError(blob.size, usage !== null && quota !== null ? quota - usage : null);
    }
    if (options.signal?.aborted)
      throw new LocalModelError('download-aborted', 'Cancelled. Nothing was kept.');
    throw e;
  }
}
