// The inference engine: wllama (llama.cpp compiled to WebAssembly), running in its own worker so
// the page never freezes. One model is loaded at a time and shared by every session of the tab;
// it is unloaded after IDLE_MS without use, and a different model replaces it. This module is
// reached only through a dynamic import: the engine is never part of the first load.
import { Wllama, WllamaAbortError, WllamaError, type ChatCompletionChunk } from '@wllama/wllama';
import { ENGINE_ASSETS } from './assets';
import { LocalModelError, megabytes } from './errors';
import { inspectGguf, type GgufInfo } from './gguf';
import { openModel } from './storage';

/** A model left unused this long is unloaded, giving its memory back. */
export const IDLE_MS = 5 * 60_000;
/** The context window asked for (capped by what the model was trained with). */
export const DEFAULT_CONTEXT = 4096;

export interface Runtime {
  /** Cross-origin isolated: SharedArrayBuffer, hence several threads. */
  isolated: boolean;
  threads: number;
  webgpu: boolean;
  /** The compat build (no JSPI or no 64-bit memory in this browser): slower. */
  compat: boolean;
}

export interface LoadedModel {
  name: string;
  info: GgufInfo;
  contextLength: number;
  loadMs: number;
  threads: number;
}

function logicalCores(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

export function runtime(): Runtime {
  const isolated = globalThis.crossOriginIsolated === true;
  const jspi = typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function';
  return {
    isolated,
    threads: isolated ? logicalCores() : 1,
    webgpu: typeof navigator !== 'undefined' && 'gpu' in navigator,
    compat: !jspi,
  };
}

/**
 * What a tab may use for a model and its context: half of the memory the device reports
 * (navigator.deviceMemory, rounded down by the browser and capped at 8 GB), and no more than
 * 32-bit WebAssembly can address in the compat build. Without a report, 4 GB.
 */
export function memoryBudget(): number {
  const gb = (navigator as { deviceMemory?: number }).deviceMemory;
  const device = typeof gb === 'number' && gb > 0 ? (gb * 1024 ** 3) / 2 : 4 * 1024 ** 3;
  return runtime().compat ? Math.min(device, 2 * 1024 ** 3) : device;
}

/** The model's weights plus its key/value cache at `ctx` tokens (16-bit), plus the runtime. */
export function memoryNeeded(bytes: number, info: GgufInfo, ctx: number): number {
  const layers = info.layers ?? 0;
  const embd = info.embedding ?? 0;
  const kvShare = info.heads && info.headsKv ? info.headsKv / info.heads : 1;
  const kv = 2 * layers * ctx * embd * kvShare * 2;
  return bytes + kv + 64 * 1024 ** 2;
}

function outOfMemory(name: string, needed: number, budget: number): LocalModelError {
  return new LocalModelError(
    'out-of-memory',
    `This device does not have the memory for “${name}”: it needs about ${megabytes(needed)}, and a page here may use about ${megabytes(budget)}. Choose a smaller model (a Q4 file of 0.5–1.5 billion parameters), or close other tabs and apps.`,
  );
}

class Engine {
  private wllama: Wllama | null = null;
  private loaded: LoadedModel | null = null;
  private loading: Promise<LoadedModel> | null = null;
  private loadingName: string | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private busy = 0;

  get current(): LoadedModel | null {
    return this.loaded;
  }

  /** The model loaded and ready; loads it (once, whoever asks) if needed. */
  async use(name: string): Promise<{ wllama: Wllama; model: LoadedModel }> {
    this.touch();
    if (this.loaded?.name === name && this.wllama)
      return { wllama: this.wllama, model: this.loaded };
    if (this.loading && this.loadingName === name) {
      const model = await this.loading;
      return { wllama: this.mustWllama(), model };
    }
    if (this.loading) await this.loading.catch(() => {});
    this.loadingName = name;
    this.loading = this.load(name).finally(() => {
      this.loading = null;
      this.loadingName = null;
    });
    const model = await this.loading;
    return { wllama: this.mustWllama(), model };
  }

  private mustWllama(): Wllama {
    if (!this.wllama) throw new LocalModelError('engine', 'The model was unloaded. Try again.');
    return this.wllama;
  }

  private async load(name: string): Promise<LoadedModel> {
    const file = await openModel(name);
    const info = await inspectGguf(file, `“${name}”`);
    const ctx = Math.min(DEFAULT_CONTEXT, info.contextLength ?? DEFAULT_CONTEXT);
    const budget = memoryBudget();
    const needed = memoryNeeded(file.size, info, ctx);
    if (needed > budget) throw outOfMemory(name, needed, budget);
    // One model at a time: the one loaded gives its memory back first.
    await this.unload();
    const rt = runtime();
    const wllama = new Wllama(
      { default: ENGINE_ASSETS.wasm },
      { suppressNativeLog: true, logger: quietLogger },
    );
    wllama.setCompat({ wasm: ENGINE_ASSETS.compatWasm, worker: ENGINE_ASSETS.compatWorker });
    const started = performance.now();
    try {
      await wllama.loadModel([file], { n_ctx: ctx, n_threads: rt.threads });
    } catch (e) {
      await wllama.exit().catch(() => {});
      throw engineError(e, name, needed, budget);
    }
    this.wllama = wllama;
    this.loaded = {
      name,
      info,
      contextLength: ctx,
      loadMs: performance.now() - started,
      threads: wllama.getNumThreads(),
    };
    this.touch();
    return this.loaded;
  }

  async unload(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const w = this.wllama;
    this.wllama = null;
    this.loaded = null;
    await w?.exit().catch(() => {});
  }

  /** A reply holds the engine: no idle unload while it runs. */
  hold(): () => void {
    this.busy++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    return () => {
      this.busy--;
      this.touch();
    };
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.busy > 0 || !this.loaded) return;
    this.idleTimer = setTimeout(() => void this.unload(), IDLE_MS);
  }
}

const quietLogger = {
  debug: () => {},
  log: () => {},
  warn: () => {},
  error: (...args: unknown[]) => console.error('[local model]', ...args),
};

/** The engine's failures in words; memory exhaustion named as such. */
export function engineError(e: unknown, name: string, needed = 0, budget = 0): Error {
  if (e instanceof LocalModelError) return e;
  const text = e instanceof Error ? e.message : String(e);
  if (/memory|OOM|allocat|Out of bounds|RangeError/i.test(text) || e instanceof RangeError)
    return outOfMemory(name, needed, budget || memoryBudget());
  if (e instanceof WllamaError && e.type === 'load_error')
    return new LocalModelError('engine', `“${name}” could not be loaded: ${text}`);
  return new LocalModelError('engine', `The model on this device failed: ${text}`);
}

export const engine = new Engine();
export { WllamaAbortError, type ChatCompletionChunk };
