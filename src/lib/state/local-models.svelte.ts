// Models kept on this device, for the "On this device" provider's settings: what is stored, the
// space it takes, a download under way (progress, speed, pause, resume, cancel), adding a file
// picked from disk, removing a model, and how the engine runs here (threads, WebGPU).
//
// API for the UI:
//   localModels.open()                 lists models and space; loads the engine's code and wasm
//                                      (so the service worker keeps them for offline use)
//   await localModels.refresh()        lists them again
//   localModels.models, .partials, .space, .runtime, .engineReady
//   localModels.busy                   { kind: 'file' | 'download', name, received, total,
//                                        bytesPerSecond, paused } | null
//   localModels.error / .notice        the last failure in words, the last success in words
//   await localModels.addFile(file)
//   await localModels.download(url) / .pause() / .resume() / .cancel()
//   await localModels.remove(name)
import { isLocalModelError } from '../providers/local/errors';
import type { StoredModel, StorageSpace } from '../providers/local/storage';
import type { PartialDownload } from '../providers/local/download';
import type { Runtime } from '../providers/local/inference';
import { providers } from './providers.svelte';

export interface Busy {
  kind: 'file' | 'download';
  name: string;
  url: string | null;
  received: number;
  total: number | null;
  bytesPerSecond: number;
  paused: boolean;
}

const storage = () => import('../providers/local/storage');
const downloads = () => import('../providers/local/download');

class LocalModelsState {
  #models = $state.raw<StoredModel[]>([]);
  #partials = $state.raw<PartialDownload[]>([]);
  #space = $state.raw<StorageSpace | null>(null);
  #runtime = $state.raw<Runtime | null>(null);
  #engineReady = $state(false);
  #busy = $state<Busy | null>(null);
  #error = $state('');
  #notice = $state('');

  get models() {
    return this.#models;
  }
  get partials() {
    return this.#partials;
  }
  get space() {
    return this.#space;
  }
  get runtime() {
    return this.#runtime;
  }
  get engineReady() {
    return this.#engineReady;
  }
  get busy() {
    return this.#busy;
  }
  get error() {
    return this.#error;
  }
  get notice() {
    return this.#notice;
  }

  private controller: AbortController | null = null;

  async open(): Promise<void> {
    await this.refresh();
    try {
      const { runtime } = await import('../providers/local/inference');
      const { ENGINE_ASSETS } = await import('../providers/local/assets');
      this.#runtime = runtime();
      // Fetched now, while online, so the service worker holds it for a reply given offline.
      const wasm = this.#runtime.compat ? ENGINE_ASSETS.compatWasm : ENGINE_ASSETS.wasm;
      const res = await fetch(wasm);
      await res.arrayBuffer();
      this.#engineReady = res.ok;
    } catch {
      this.#engineReady = false;
    }
  }

  async refresh(): Promise<void> {
    const s = await storage();
    this.#models = await s.listModels();
    this.#space = await s.storageSpace();
    this.#partials = await (await downloads()).listPartials();
    await this.syncProviders();
  }

  /** Every "On this device" provider lists the models on the device, its default kept if still there. */
  private async syncProviders(): Promise<void> {
    const names = this.#models.map((m) => m.name);
    for (const c of providers.list) {
      if (c.kind !== 'local') continue;
      if (c.models.length === names.length && c.models.every((n, i) => n === names[i])) continue;
      const { defaultModel, ...rest } = c;
      await providers.save(
        defaultModel && names.includes(defaultModel)
          ? { ...rest, defaultModel, models: names }
          : { ...rest, models: names },
      );
    }
  }

  private fail(e: unknown): void {
    this.#error = isLocalModelError(e) ? e.message : `Something went wrong: ${String(e)}`;
  }

  async addFile(file: File): Promise<void> {
    if (this.#busy) return;
    this.#error = '';
    this.#notice = '';
    this.controller = new AbortController();
    this.#busy = {
      kind: 'file',
      name: file.name,
      url: null,
      received: 0,
      total: file.size,
      bytesPerSecond: 0,
      paused: false,
    };
    try {
      const { model } = await (
        await storage()
      ).saveModelFile(file, {
        signal: this.controller.signal,
        onProgress: (done) => {
          if (this.#busy) this.#busy.received = done;
        },
      });
      this.#notice = `${model.name} is kept on this device.`;
    } catch (e) {
      this.fail(e);
    } finally {
      this.#busy = null;
      this.controller = null;
      await this.refresh();
    }
  }

  async download(url: string): Promise<void> {
    if (this.#busy && !this.#busy.paused) return;
    this.#error = '';
    this.#notice = '';
    let name: string;
    try {
      const { normaliseModelUrl } = await downloads();
      const { modelFileName } = await storage();
      url = normaliseModelUrl(url);
      name = modelFileName(decodeURIComponent(new URL(url).pathname));
    } catch {
      this.#error = 'That is not a web address. Paste the address of a .gguf file (https://…).';
      return;
    }
    const partial = this.#partials.find((p) => p.url === url);
    this.controller = new AbortController();
    this.#busy = {
      kind: 'download',
      name,
      url,
      received: partial?.received ?? 0,
      total: partial?.total ?? null,
      bytesPerSecond: 0,
      paused: false,
    };
    try {
      const model = await (
        await downloads()
      ).downloadModel(url, {
        signal: this.controller.signal,
        onProgress: (p) => {
          if (!this.#busy) return;
          this.#busy.received = p.received;
          this.#busy.total = p.total;
          this.#busy.bytesPerSecond = p.bytesPerSecond;
        },
      });
      this.#notice = `${model.name} is downloaded and kept on this device.`;
      this.#busy = null;
    } catch (e) {
      if (
        this.#busy &&
        (isLocalModelError(e, 'download-aborted') || isLocalModelError(e, 'download-failed'))
      ) {
        this.#busy.paused = true;
        this.#busy.bytesPerSecond = 0;
        if (isLocalModelError(e, 'download-failed')) this.fail(e);
      } else {
        this.#busy = null;
        this.fail(e);
      }
    } finally {
      this.controller = null;
      await this.refresh();
    }
  }

  pause(): void {
    this.controller?.abort();
  }

  async resume(url?: string): Promise<void> {
    const target = url ?? this.#busy?.url;
    if (target) await this.download(target);
  }

  async cancel(url?: string): Promise<void> {
    const target = url ?? this.#busy?.url ?? null;
    this.controller?.abort();
    if (this.#busy?.kind === 'file') return;
    this.#busy = null;
    if (target) await (await downloads()).discardDownload(target);
    this.#notice = 'The download is cancelled; nothing of it is kept.';
    this.#error = '';
    await this.refresh();
  }

  async remove(name: string): Promise<void> {
    this.#error = '';
    const { engine } = await import('../providers/local/inference');
    if (engine.current?.name === name) await engine.unload();
    await (await storage()).removeModel(name);
    this.#notice = `${name} is removed from this device.`;
    await this.refresh();
  }
}

export const localModels = new LocalModelsState();
