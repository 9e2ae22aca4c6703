// Downloads a GGUF model into the device's storage with pause and resume. What has arrived is kept
// in `partial/` (committed every few megabytes and when the download stops, for whatever reason),
// with the address and the server's ETag beside it; resuming asks for the rest with a Range
// request (If-Range, so a file changed on the server starts over). Only a whole file that passes
// the GGUF check becomes a model: nothing half is ever listed.
import { isLocalModelError, isQuotaError, LocalModelError, megabytes } from './errors';
import { inspectGguf, looksLikeGguf } from './gguf';
import {
  askPersistence,
  checkSpace,
  listModels,
  modelFileName,
  modelsDir,
  partialDir,
  quotaError,
  writeInto,
  type StoredModel,
} from './storage';

export interface DownloadProgress {
  received: number;
  /** Null while the server has not said. */
  total: number | null;
  /** Over the last few seconds. */
  bytesPerSecond: number;
}

export interface PartialDownload {
  url: string;
  name: string;
  received: number;
  total: number | null;
}

interface PartialMeta {
  url: string;
  name: string;
  etag: string | null;
  total: number | null;
}

/** Commit what arrived this often, so a crash loses at most this much. */
const COMMIT_BYTES = 32 * 1024 * 1024;

/** A Hugging Face page address (…/blob/…) to the file itself (…/resolve/…). */
export function normaliseModelUrl(raw: string): string {
  const url = new URL(raw.trim());
  if (url.hostname === 'huggingface.co' || url.hostname.endsWith('.huggingface.co'))
    url.pathname = url.pathname.replace('/blob/', '/resolve/');
  return url.toString();
}

async function keyOf(url: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(url));
  return [...new Uint8Array(digest).slice(0, 12)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

async function readMeta(d: FileSystemDirectoryHandle, key: string): Promise<PartialMeta | null> {
  try {
    const file = await (await d.getFileHandle(`${key}.json`)).getFile();
    return JSON.parse(await file.text()) as PartialMeta;
  } catch {
    return null;
  }
}

async function writeMeta(d: FileSystemDirectoryHandle, key: string, meta: PartialMeta) {
  const w = await (await d.getFileHandle(`${key}.json`, { create: true })).createWritable();
  await w.write(JSON.stringify(meta));
  await w.close();
}

async function sizeOf(d: FileSystemDirectoryHandle, name: string): Promise<number> {
  try {
    return (await (await d.getFileHandle(name)).getFile()).size;
  } catch {
    return 0;
  }
}

/** Downloads paused or cut short, to offer resuming them. */
export async function listPartials(): Promise<PartialDownload[]> {
  const d = await partialDir();
  const out: PartialDownload[] = [];
  for await (const [name] of (
    d as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
  ).entries()) {
    if (!name.endsWith('.json')) continue;
    const key = name.slice(0, -5);
    const meta = await readMeta(d, key);
    if (meta)
      out.push({
        url: meta.url,
        name: meta.name,
        received: await sizeOf(d, `${key}.part`),
        total: meta.total,
      });
  }
  return out;
}

/** Forgets a download: what arrived is deleted. */
export async function discardDownload(url: string): Promise<void> {
  const d = await partialDir();
  const key = await keyOf(url);
  await d.removeEntry(`${key}.part`).catch(() => {});
  await d.removeEntry(`${key}.json`).catch(() => {});
}

function totalOf(res: Response, start: number): number | null {
  const range = res.headers.get('content-range');
  const m = range ? /\/(\d+)\s*$/.exec(range) : null;
  if (m) return Number(m[1]);
  const length = Number(res.headers.get('content-length'));
  return Number.isFinite(length) && length > 0 ? start + length : null;
}

function failed(message: string): LocalModelError {
  return new LocalModelError('download-failed', message);
}

/**
 * Downloads (or resumes) the model at `url`. Resolves with the stored model; rejects with
 * LocalModelError: `download-aborted` when `signal` aborts (what arrived is kept for resuming),
 * `download-failed` (idem), `not-gguf`, `truncated`, `exists`, `quota-exceeded`.
 */
export async function downloadModel(
  rawUrl: string,
  options: {
    signal?: AbortSignal;
    onProgress?: (p: DownloadProgress) => void;
    fetch?: typeof fetch;
  } = {},
): Promise<StoredModel> {
  const url = normaliseModelUrl(rawUrl);
  const doFetch = options.fetch ?? fetch;
  const d = await partialDir();
  const key = await keyOf(url);
  const partName = `${key}.part`;
  const meta: PartialMeta = (await readMeta(d, key)) ?? {
    url,
    name: modelFileName(decodeURIComponent(new URL(url).pathname)),
    etag: null,
    total: null,
  };
  if ((await listModels()).some((m) => m.name === meta.name))
    throw new LocalModelError('exists', `A model named “${meta.name}” is already on this device.`);
  await askPersistence();

  let have = await sizeOf(d, partName);
  const headers: Record<string, string> = {};
  if (have > 0) {
    headers.range = `bytes=${have}-`;
    if (meta.etag) headers['if-range'] = meta.etag;
  }
  let res: Response;
  try {
    res = await doFetch(url, { headers, ...(options.signal ? { signal: options.signal } : {}) });
  } catch {
    if (options.signal?.aborted) throw paused(have, meta.total);
    throw failed(
      `The download could not start: ${navigator.onLine ? 'the server could not be reached, or it does not allow downloads from this page (CORS)' : 'this device is offline'}. ${have > 0 ? 'What arrived is kept; Resume continues from there.' : ''}`.trim(),
    );
  }
  if (res.status === 416 && meta.total !== null && have === meta.total) {
    // Everything had arrived; only the last step was missing.
  } else if (!res.ok) {
    throw failed(
      `The server refused the download (${res.status}${res.statusText ? ` ${res.statusText}` : ''}). Check the address.`,
    );
  } else {
    if (res.status !== 206) have = 0; // The whole file again: the server ignored the range.
    meta.total = totalOf(res, have);
    meta.etag = res.headers.get('etag') ?? meta.etag;
    if (meta.total !== null) await checkSpace(meta.total - have);
    await writeMeta(d, key, meta);
    try {
      await receive(res, d, partName, have, meta.total, options);
    } catch (e) {
      // A file that is not a model, or a full disk: nothing of it is worth keeping.
      if (isLocalModelError(e, 'not-gguf') || isLocalModelError(e, 'quota-exceeded'))
        await discardDownload(url);
      throw e;
    }
  }

  const file = await (await d.getFileHandle(partName)).getFile();
  try {
    await inspectGguf(file, `The file at ${url}`);
  } catch (e) {
    await discardDownload(url);
    throw e;
  }
  const models = await modelsDir();
  const part = await d.getFileHandle(partName);
  // Moving is instant and needs no second copy's space; browsers without it get a copy.
  const movable = part as unknown as {
    move?: (dir: FileSystemDirectoryHandle, name: string) => Promise<void>;
  };
  if (typeof movable.move === 'function') await movable.move(models, meta.name);
  else await writeInto(models, meta.name, file);
  await discardDownload(url);
  return { name: meta.name, bytes: file.size, lastModified: Date.now() };
}

function paused(received: number, total: number | null): LocalModelError {
  return new LocalModelError(
    'download-aborted',
    `Paused at ${megabytes(received)}${total ? ` of ${megabytes(total)}` : ''}.`,
  );
}

async function receive(
  res: Response,
  d: FileSystemDirectoryHandle,
  partName: string,
  start: number,
  total: number | null,
  options: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void },
): Promise<void> {
  if (!res.body) throw failed('The server sent no file.');
  const handle = await d.getFileHandle(partName, { create: true });
  let writable = await handle.createWritable({ keepExistingData: start > 0 });
  if (start > 0) await writable.seek(start);
  else await writable.truncate(0);
  let received = start;
  let sinceCommit = 0;
  const samples: [number, number][] = [[performance.now(), received]];
  const reader = res.body.getReader();
  let first = start === 0;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      if (first) {
        first = false;
        if (!looksLikeGguf(next.value))
          throw new LocalModelError(
            'not-gguf',
            'This address does not lead to a GGUF model (the server sent something else, perhaps a web page). Use the address of the .gguf file itself.',
          );
      }
      await writable.write(next.value);
      received += next.value.length;
      sinceCommit += next.value.length;
      if (sinceCommit >= COMMIT_BYTES) {
        await writable.close();
        writable = await handle.createWritable({ keepExistingData: true });
        await writable.seek(received);
        sinceCommit = 0;
      }
      const now = performance.now();
      samples.push([now, received]);
      while (samples.length > 2 && now - (samples[0]?.[0] ?? now) > 3000) samples.shift();
      const [t0, b0] = samples[0] ?? [now, received];
      options.onProgress?.({
        received,
        total,
        bytesPerSecond: now > t0 ? ((received - b0) * 1000) / (now - t0) : 0,
      });
    }
    await writable.close();
  } catch (e) {
    // Keep what arrived for resuming (a write the disk refused is not kept: it may be torn).
    if (isQuotaError(e)) {
      await writable.abort().catch(() => {});
      throw quotaError(total ?? received, null);
    }
    if (e instanceof LocalModelError) {
      await writable.abort().catch(() => {});
      throw e;
    }
    await writable.close().catch(() => {});
    if (options.signal?.aborted) throw paused(received, total);
    throw failed(
      `The download stopped at ${megabytes(received)}${total ? ` of ${megabytes(total)}` : ''}: the connection was lost. What arrived is kept; Resume continues from there.`,
    );
  }
  if (total !== null && received < total)
    throw failed(
      `The download stopped at ${megabytes(received)} of ${megabytes(total)}: the server ended it early. What arrived is kept; Resume continues from there.`,
    );
}
