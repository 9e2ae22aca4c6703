// Where the engine's files come from: this app's own origin, never a CDN, so that the service
// worker can keep them for offline use. The compat build (Asyncify instead of JSPI, 32-bit memory:
// Safari, Firefox without JSPI) is fetched only by browsers that need it.
import wasm from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import compatWasm from '@wllama/wllama-compat/wasm/wllama.wasm?url';
import compatWorker from '@wllama/wllama-compat/wasm/wllama.js?url';

export const ENGINE_ASSETS = { wasm, compatWasm, compatWorker } as const;
