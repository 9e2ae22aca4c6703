// The reference MCP server (@modelcontextprotocol/server-everything) in its Streamable HTTP mode
// (or its older SSE mode), started on a free port of 127.0.0.1 and stopped by close().
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface RunningServer {
  /** The MCP endpoint: …/mcp (Streamable HTTP) or …/sse (HTTP+SSE). */
  url: string;
  close(): Promise<void>;
}

const entry = fileURLToPath(
  new URL(
    '../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
    import.meta.url,
  ),
);
const preload = fileURLToPath(new URL('./loopback-only.mjs', import.meta.url));

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const address = probe.address();
  await new Promise<void>((r) => probe.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startEverything(
  mode: 'streamableHttp' | 'sse' = 'streamableHttp',
): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', preload, entry, mode], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`server-everything did not start: ${seen}`)),
      20_000,
    );
    child.stderr.on('data', (d: Buffer) => {
      seen += d.toString();
      if (/listening on port|running on/i.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server-everything exited (${code}): ${seen}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/${mode === 'sse' ? 'sse' : 'mcp'}`,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
