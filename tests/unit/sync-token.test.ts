// Signing in to CouchDB with a token: the client against a plain HTTP server on 127.0.0.1 that
// answers like CouchDB only to `Authorization: Bearer <the token>` (as a server with
// jwt_authentication_handler does) and with CouchDB's 401 body to anything else; then the checks
// the form makes before connecting, on their own.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, testConnection, type ConnectionReport } from '../../src/lib/sync/couch';
import { isSyncError, type SyncError } from '../../src/lib/sync/errors';
import {
  dateText,
  tokenExpiry,
  tokenProblem,
  tokenShapeProblem,
  tokenSubject,
} from '../../src/lib/sync/jwt';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token with these claims; the signature is bytes the server alone would check. */
const jwt = (claims: Record<string, unknown>) =>
  `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('not checked here').toString('base64url')}`;

const HOUR = 3_600_000;
const GOOD = jwt({ sub: 'ada', exp: Math.floor((Date.now() + HOUR) / 1000) });
const PAST = Date.UTC(2025, 0, 15, 12, 0);
const EXPIRED = jwt({ sub: 'ada', exp: PAST / 1000 });

let server: Server;
let url: string;
/** The headers of every request the server saw. */
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== `Bearer ${GOOD}`)
      return json(401, { error: 'unauthorized', reason: 'You are not authorized.' });
    if (req.method === 'GET' && req.url === '/')
      return json(200, { couchdb: 'Welcome', version: '3.4.2' });
    if (req.method === 'GET' && req.url === '/tern')
      return json(200, { db_name: 'tern', doc_count: 7 });
    json(404, { error: 'not_found', reason: 'missing' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function failed(report: ConnectionReport): SyncError {
  if (report.ok) throw new Error(`expected a failure, got ${JSON.stringify(report)}`);
  return report.error;
}

describe('a token sent to the server', () => {
  it('goes as exactly one Bearer header, and the server lets it in', async () => {
    seen.length = 0;
    const report = await testConnection({ url, db: 'tern', token: `  ${GOOD}\n` });
    expect(report).toEqual({ ok: true, server: 'CouchDB 3.4.2', docCount: 7 });
    expect(seen).toHaveLength(2);
    for (const headers of seen) expect(headers.authorization).toBe(`Bearer ${GOOD}`);
  });

  it('is the only credential, even with a user name and password in the address', async () => {
    seen.length = 0;
    const withUser = url.replace('http://', 'http://ada:secret@');
    expect(await testConnection({ url: withUser, db: 'tern', token: GOOD })).toMatchObject({
      ok: true,
    });
    expect(seen.map((h) => h.authorization)).toEqual([`Bearer ${GOOD}`, `Bearer ${GOOD}`]);
  });

  it('says a refused token was refused, not that a password was wrong', async () => {
    const other = jwt({ sub: 'ada', exp: Math.floor((Date.now() + HOUR) / 1000), n: 2 });
    const error = failed(await testConnection({ url, db: 'tern', token: other }));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(error.message).toContain(`The server at ${url} refused the token`);
    expect(error.message).toContain('it has expired, or the server does not accept it');
    expect(error.message).toContain('{chttpd_auth, jwt_authentication_handler}');
    expect(error.message).not.toMatch(/password/);
  });

  it('says when the refused token had expired, with its date', async () => {
    const error = failed(await testConnection({ url, db: 'tern', token: EXPIRED }));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe(
      `The server at ${url} refused the token. This token expired on ${dateText(PAST)}; get a new one from your server's administrator.`,
    );
  });

  it('keeps the password wording for a user name and password', async () => {
    seen.length = 0;
    const error = failed(
      await testConnection({ url, db: 'tern', username: 'ada', password: 'nope' }),
    );
    expect(error.message).toContain('did not accept the user name “ada” with that password');
    expect(seen[0]?.authorization).toMatch(/^Basic /);
  });

  it('refuses a malformed token before any request', async () => {
    seen.length = 0;
    const error = failed(await testConnection({ url, db: 'tern', token: 'abc.def' }));
    expect(error.code).toBe('bad-token');
    expect(error.message).toContain('three parts separated by dots; this has 2');
    expect(seen).toHaveLength(0);
    try {
      await createDatabase({ url, db: 'tern', token: '' });
      expect.unreachable();
    } catch (e) {
      expect(isSyncError(e, 'bad-token')).toBe(true);
    }
  });
});

describe('the checks before connecting', () => {
  it('takes three base64url parts whose first two are JSON objects', () => {
    expect(tokenShapeProblem(GOOD)).toBeNull();
    expect(tokenShapeProblem(` ${GOOD} `)).toBeNull();
    expect(tokenShapeProblem('')).toMatch(/Paste the token/);
    expect(tokenShapeProblem(`Bearer ${GOOD}`)).toMatch(/Leave out “Bearer”/);
    expect(tokenShapeProblem(GOOD.replace('.', '.\n'))).toMatch(/no spaces or line breaks/);
    expect(tokenShapeProblem(`${GOOD}.x`)).toMatch(/three parts separated by dots; this has 4/);
    expect(tokenShapeProblem('nodots')).toMatch(/this has 1/);
    const [h, c] = GOOD.split('.');
    expect(tokenShapeProblem(`${h}.${c}.`)).toMatch(/A part of this token is empty/);
    expect(tokenShapeProblem(`${h}.${c}.a+b/c=`)).toMatch(/only letters, digits, - and _/);
    expect(tokenShapeProblem(`${h}.${part([1, 2])}.sig`)).toMatch(/does not read as a JWT/);
    expect(tokenShapeProblem(`abc.${c}.sig`)).toMatch(/does not read as a JWT/);
  });

  it('reads the expiry and the user from the claims, without the signature', () => {
    expect(tokenExpiry(EXPIRED)).toBe(PAST);
    expect(tokenExpiry(jwt({ sub: 'ada' }))).toBeNull();
    expect(tokenExpiry(jwt({ exp: 'tomorrow' }))).toBeNull();
    expect(tokenExpiry('abc.def')).toBeNull();
    expect(tokenSubject(GOOD)).toBe('ada');
    expect(tokenSubject(jwt({}))).toBeNull();
  });

  it('says a token past its exp expired, with the date, and takes one without exp', () => {
    expect(tokenProblem(EXPIRED, Date.now())).toBe(
      `This token expired on ${dateText(PAST)}; get a new one from your server's administrator.`,
    );
    expect(tokenProblem(EXPIRED, PAST - 1)).toBeNull();
    expect(tokenProblem(EXPIRED, PAST)).toMatch(/expired/);
    expect(tokenProblem(GOOD, Date.now())).toBeNull();
    expect(tokenProblem(jwt({ sub: 'ada' }), Date.now())).toBeNull();
    // The shape is told first: an expiry cannot be read from a broken token.
    expect(tokenProblem('a.b', Date.now())).toMatch(/three parts/);
  });
});
