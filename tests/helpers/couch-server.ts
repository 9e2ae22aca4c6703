// A real CouchDB-compatible server for the sync tests: PouchDB Server (the pouchdb-server
// devDependency) in memory, on 127.0.0.1 and a free port, its config and log in a temp directory
// of its own. Optionally with an admin (then a wrong password gets 401) and with CORS off (then a
// browser may not read its replies). `kill()` stops it like a crash and `restart()` brings it back
// on the same port, empty: in memory, its data dies with it, which is how the engine's tests get a
// server that lost everything.
//
// Known quirk of pouchdb-server 4.2.0: on a server with an admin, creating a database without the
// admin's credentials crashes the process (instead of a 401), so give them for createDatabase.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './sleep';

export interface CouchServerOptions {
  /** An admin account: the server then refuses a wrong password with 401. */
  admin?: { username: string; password: string };
  /** CORS on (the default, any origin, credentials allowed) or off. */
  cors?: boolean;
}

export interface CouchServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  port: number;
  /** Stops the server for good and removes its temp directory. */
  stop(): Promise<void>;
  /** Kills the server at once, as a crash would; `restart()` brings it back. */
  kill(): Promise<void>;
  /** (Kills if running, then) starts it again on the same port, with no data. */
  restart(): Promise<void>;
}

const BIN = fileURLToPath(
  new URL('../../node_modules/pouchdb-server/bin/pouchdb-server', import.meta.url),
);

// The server runs under this wrapper, which exits when its stdin closes: if the test process dies
// without stopping it (a killed worker), the pipe closes and the server does not linger.
const WATCHDOG =
  "process.stdin.on('end',()=>process.exit(0));process.stdin.on('data',()=>{});" +
  'require(process.argv[1]);';

const READY_TIMEOUT_MS = 30_000;
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return Promise.race([
    new Promise<boolean>((resolve) => child.once('exit', () => resolve(true))),
    sleep(ms).then(() => false),
  ]);
}

export async function startCouchServer(opts: CouchServerOptions = {}): Promise<CouchServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tern-couch-'));
  const config = join(dir, 'config.json');
  const log = join(dir, 'log.txt');
  await writeFile(
    config,
    JSON.stringify({
      log: { file: log },
      httpd: { enable_cors: opts.cors !== false },
      ...(opts.admin ? { admins: { [opts.admin.username]: opts.admin.password } } : {}),
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  async function launch(): Promise<void> {
    const args = ['--in-memory', '--port', String(port), '--host', '127.0.0.1'];
    args.push('--config', config, '--dir', dir, '--no-stdout-logs');
    const proc = spawn(process.execPath, ['-e', WATCHDOG, BIN, ...args], {
      cwd: dir,
      detached: true,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    child = proc;
    running.add(proc);
    let stderr = '';
    proc.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-4000);
    });
    proc.once('exit', () => running.delete(proc));
    const started = Date.now();
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        const logText = await readFile(log, 'utf8').catch(() => '');
        throw new Error(`pouchdb-server exited at start:\n${stderr}\n${logText.slice(-2000)}`);
      }
      if (await ready()) return;
      if (Date.now() - started > READY_TIMEOUT_MS) {
        await terminate('SIGKILL');
        throw new Error(`pouchdb-server did not answer on ${url} within ${READY_TIMEOUT_MS} ms`);
      }
      await sleep(100);
    }
  }

  /** Answers, and (with an admin) knows the admin: the config's password is hashed at start. */
  async function ready(): Promise<boolean> {
    try {
      if (!opts.admin) return (await fetch(`${url}/`)).ok;
      const auth = Buffer.from(`${opts.admin.username}:${opts.admin.password}`).toString('base64');
      const res = await fetch(`${url}/_session`, { headers: { authorization: `Basic ${auth}` } });
      const body = (await res.json()) as { userCtx?: { name?: string } };
      return body.userCtx?.name === opts.admin.username;
    } catch {
      return false;
    }
  }

  async function terminate(signal: NodeJS.Signals): Promise<void> {
    const proc = child;
    child = null;
    if (!proc) return;
    killGroup(proc, signal);
    if (!(await waitExit(proc, 3000))) {
      killGroup(proc, 'SIGKILL');
      await waitExit(proc, 3000);
    }
  }

  await launch();
  return {
    url,
    port,
    kill: () => terminate('SIGKILL'),
    async restart() {
      await terminate('SIGKILL');
      await launch();
    },
    async stop() {
      await terminate('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
