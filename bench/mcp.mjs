// `npm run bench:mcp`: the MCP figures. The client's gzipped size and when it loads; the time from
// opening a session with two MCP servers to their tools being offered (against a session without
// any, in the same run); and one tool round trip through Tern (model asks → tool runs → the result
// goes back to the model) against a built-in tool's and against calling the server directly from
// this script. Real Chromium against the built app; the reference MCP server and a tiny one on
// 127.0.0.1; the local wire-protocol server as the model. Run after `vite build`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createJiti } from 'jiti';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { launchChromium } from '../scripts/chromium.mjs';
import { serveApp } from './serve.mjs';

const jiti = createJiti(import.meta.url);
const { startEverything } = await jiti.import('../tests/helpers/mcp/everything.ts');
const { startTinyServer } = await jiti.import('../tests/helpers/mcp/tiny-server.ts');
const { startProviderServer } = await jiti.import('../tests/helpers/provider-server.ts');
const { ChatPage } = await jiti.import('../tests/e2e/chat/chat-page.ts');

const RUNS = Number(process.env.TERN_BENCH_MCP_RUNS ?? 5);
const log = (...a) => console.error('[bench:mcp]', ...a);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function poll(check, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

const dist = resolve(import.meta.dirname, '..', 'dist');
const chunk = readdirSync(join(dist, 'assets')).find((f) => /^manager-.*\.js$/.test(f));
if (!chunk) throw new Error('No MCP client chunk in dist/assets: run vite build first.');
const chunkGz = gzipSync(readFileSync(join(dist, 'assets', chunk)), { level: 9 }).length;

const [everything, tiny, provider, app] = await Promise.all([
  startEverything(),
  startTinyServer(),
  startProviderServer(),
  serveApp(dist),
]);
const browser = await launchChromium();
const context = await browser.newContext({ serviceWorkers: 'block' });
const page = await context.newPage();
const loaded = [];
page.on('request', (r) => {
  if (r.url().includes(`/assets/${chunk}`)) loaded.push(Date.now());
});
const tern = new ChatPage(page, app.url);

// When each chat request reached the provider: stamped as the server records it.
const stamps = new WeakMap();
const record = provider.requests.push.bind(provider.requests);
provider.requests.push = (...rows) => {
  for (const r of rows) stamps.set(r, Date.now());
  return record(...rows);
};
const posts = () => provider.requests.filter((r) => r.method === 'POST');

/** Resolves with the `k`-th chat request (0-based) once it has arrived, and when it did. */
async function request(k) {
  while (posts().length <= k) await sleep(1);
  const r = posts()[k];
  return { at: stamps.get(r), body: r.body };
}

async function settings() {
  await page.getByRole('main').getByRole('button', { name: 'Session settings' }).click();
  return tern.dialog('Settings');
}

try {
  await tern.open();
  await page.waitForLoadState('networkidle');
  const loadedAtStart = loaded.length;
  await tern.addProvider(`${provider.url}/v1`);

  log('provider set up');
  // Two servers, defined in the settings as a user would.
  await tern.sidebar.getByRole('button', { name: 'Settings' }).click();
  let dialog = tern.dialog('Settings');
  await dialog.getByRole('tab', { name: 'MCP servers' }).click();
  for (const [name, url] of [
    ['Everything', everything.url],
    ['Tiny', tiny.url],
  ]) {
    await dialog.getByRole('button', { name: 'Add MCP server' }).click();
    const form = dialog.getByRole('form', { name: 'New MCP server' });
    await form.getByRole('textbox', { name: 'Name' }).fill(name);
    await form.getByRole('textbox', { name: 'Address' }).fill(url);
    await form.getByRole('button', { name: 'Save and connect' }).click();
    await dialog
      .getByRole('status', { name: `State of ${name}` })
      .getByText(/^Connected/)
      .waitFor();
  }
  await dialog.getByRole('button', { name: 'Close' }).click();

  log('servers set up');
  // A session without servers and one with both, tools run without asking.
  for (const title of ['Plain', 'With MCP']) {
    await tern.newSession();
    await tern.renameSession('New chat', title);
    await tern.heading.getByText(title).waitFor();
  }
  dialog = await settings();
  await dialog.getByLabel('Permission mode').selectOption('auto');
  for (const name of ['Everything', 'Tiny'])
    await dialog.getByRole('checkbox', { name: `Use ${name} in this session` }).check();
  await dialog.getByRole('button', { name: 'Save session settings' }).click();
  await page.getByRole('status').filter({ hasText: 'Session settings saved.' }).waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();

  log('sessions set up');
  // Opening a session (a fresh page, nothing loaded) to its first request, tools included.
  const open = { Plain: [], 'With MCP': [] };
  let clientLoadedFor = { Plain: 0, 'With MCP': 0 };
  for (let i = 0; i < RUNS; i++)
    for (const title of ['Plain', 'With MCP']) {
      await tern.sidebar.getByRole('button', { name: title }).first().click();
      await tern.heading.getByText(title).waitFor();
      const before = loaded.length;
      const t0 = Date.now();
      await page.reload();
      await tern.composer.waitFor();
      provider.scripts.push({ kind: 'reply', tokens: ['ok'] });
      const k = posts().length;
      await tern.send(`open ${i}`);
      const { at, body } = await request(k);
      const names = (body.tools ?? []).map((t) => t.function.name);
      if (title === 'With MCP' && !(names.includes('echo') && names.includes('slow')))
        throw new Error(`tools of both servers were not offered: ${names.join(', ')}`);
      open[title].push(at - t0);
      log(`opened ${title}: ${at - t0} ms`);
      clientLoadedFor[title] += loaded.length - before;
      await tern.message('ok').last().waitFor();
    }

  const trips = { builtin: [], mcp: [] };
  // One tool round trip: the interval between the model's tool call being served and the
  // request that carries its result.
  async function roundTrip(toolCall) {
    provider.scripts.push(
      { kind: 'reply', toolCalls: [toolCall] },
      { kind: 'reply', tokens: ['done'] },
    );
    const k = posts().length;
    await tern.send(`call ${toolCall.id}`);
    const first = await request(k);
    const second = await request(k + 1);
    // The reply has ended before the next call is asked for.
    await poll(
      async () =>
        (await tern.last.textContent())?.includes('done') && !(await tern.stopButton.count()),
    );
    return second.at - first.at;
  }
  for (let i = 0; i < RUNS; i++) {
    trips.builtin.push(
      await roundTrip({ id: `b${i}`, name: 'calculator', args: { expression: '2+2' } }),
    );
    trips.mcp.push(await roundTrip({ id: `m${i}`, name: 'echo', args: { message: `hi ${i}` } }));
  }

  // The same tool called straight from this script with the SDK.
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(everything.url)));
  const direct = [];
  for (let i = 0; i < RUNS * 4; i++) {
    const t = performance.now();
    await client.callTool({ name: 'echo', arguments: { message: `hi ${i}` } });
    direct.push(performance.now() - t);
  }
  await client.close();

  const ms = (x) => `${Math.round(x)} ms`;
  console.log(`MCP client chunk (${chunk}): ${(chunkGz / 1024).toFixed(1)} KB gzipped`);
  console.log(
    `  loaded on the first visit: ${loadedAtStart > 0 ? 'yes' : 'no'}; on opening a session ` +
      `without servers: ${clientLoadedFor.Plain > 0 ? 'yes' : 'no'}; with two servers: ` +
      `${clientLoadedFor['With MCP'] >= RUNS ? 'yes, each time' : clientLoadedFor['With MCP']}`,
  );
  console.log(`Opening a session to its first request (reload, type, send), median of ${RUNS}:`);
  console.log(`  no MCP server:                     ${ms(median(open.Plain))}`);
  console.log(
    `  two MCP servers, their tools offered: ${ms(median(open['With MCP']))} ` +
      `(+${ms(median(open['With MCP']) - median(open.Plain))}, ×${(median(open['With MCP']) / median(open.Plain)).toFixed(2)})`,
  );
  console.log(`One tool round trip (model's call served → result sent back), median of ${RUNS}:`);
  console.log(`  built-in calculator:               ${ms(median(trips.builtin))}`);
  console.log(`  MCP echo through Tern:             ${ms(median(trips.mcp))}`);
  console.log(`  MCP echo called directly (SDK, Node): ${median(direct).toFixed(1)} ms`);
  const mcpPart = median(trips.mcp) - median(trips.builtin);
  console.log(
    `  the MCP call's share of Tern's round trip (MCP − built-in): ${ms(mcpPart)}, ` +
      `×${(mcpPart / median(direct)).toFixed(2)} the direct call (+${ms(mcpPart - median(direct))})`,
  );
} finally {
  await browser.close();
  await Promise.all([everything.close(), tiny.close(), provider.close(), app.close()]);
}
