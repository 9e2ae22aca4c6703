// A static server for a built copy of Tern on 127.0.0.1, for the benchmark scripts. `/__blank` is a
// page of the same origin that runs none of the app, for seeding IndexedDB. With `{ host: true }`
// it serves as a real static host would: gzip for text, hashed assets cached for a year, the page
// and the service worker revalidated on each visit.
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

const TEXT = new Set(['.html', '.js', '.css', '.webmanifest', '.svg', '.json']);

function hostHeaders(req, file, path, body) {
  const headers = {};
  if (path.startsWith('/assets/')) headers['cache-control'] = 'public, max-age=31536000, immutable';
  else headers['cache-control'] = 'no-cache';
  if (TEXT.has(extname(file)) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
    headers['content-encoding'] = 'gzip';
    headers.vary = 'accept-encoding';
    return { headers, body: gzipSync(body, { level: 9 }) };
  }
  return { headers, body };
}

export async function serveApp(dir, options = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/__blank') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<!doctype html><title>blank</title>');
    }
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    const isFile = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) file = join(dir, 'index.html');
    let body = await readFile(file);
    let headers = {};
    if (options.host) ({ headers, body } = hostHeaders(req, file, path, body));
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      ...headers,
    });
    res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
