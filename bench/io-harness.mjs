// The import/export benchmark page (io.html + io.ts: the app's own import code, no UI), built and
// served on 127.0.0.1, cross-origin isolated for fine timers and measureUserAgentSpecificMemory.
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export async function startIoHarness() {
  // A folder of its own per run: two benchmarks running at once never serve each other's build.
  const out = join(root, 'results', `io-build-${process.pid}`);
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    define: { __APP_VERSION__: JSON.stringify('bench') },
    worker: { format: 'es' },
    build: {
      outDir: out,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: { input: join(root, 'io.html') },
    },
  });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(out, path === '/' ? 'io.html' : path);
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: async () => {
      await new Promise((r) => server.close(() => r()));
      rmSync(out, { recursive: true, force: true });
    },
  };
}
