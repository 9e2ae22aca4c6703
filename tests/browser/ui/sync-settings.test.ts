// Settings → Sync as a user meets it, with the engine played by a stand-in: the tab and its lazily
// loaded panel, what the form says about a wrong field, the passphrase that comes with encryption,
// the connection test in words (and the database created when it is missing), then sync turned on,
// its state, and turned off after asking.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { flushSync, mount, unmount, type Component } from 'svelte';
import SyncSettings from '../../../src/lib/components/sync/SyncSettings.svelte';
import SyncForm from '../../../src/lib/components/sync/SyncForm.svelte';
import SettingsDialog from '../../../src/lib/components/settings/SettingsDialog.svelte';
import { app } from '../../../src/lib/state/app.svelte';
import { sync } from '../../../src/lib/state/sync.svelte';
import { view } from '../../../src/lib/state/view.svelte';
import type { TernDB } from '../../../src/lib/db/database';
import { openTestDb } from '../../helpers/db';
import { createStore } from 'idb-keyval';
import { createPrefs } from '../../../src/lib/db/prefs';
import { saveMcpServers } from '../../../src/lib/domain/mcp-store';
import { writeStoredProviders } from '../../../src/lib/domain/provider-store';
import { mcp } from '../../../src/lib/state/mcp.svelte';
import { providers } from '../../../src/lib/state/providers.svelte';
import { dateText } from '../../../src/lib/sync/jwt';
import { engine, report, resetEngine, runner } from './fake-sync-engine';

vi.mock(
  '../../../src/lib/state/sync-runner',
  async () => (await import('./fake-sync-engine')).engine,
);
// Its service-worker status needs the PWA plugin's virtual module, which only the app build has;
// the Storage tab is not what these tests look at.
vi.mock('../../../src/lib/components/settings/StorageSettings.svelte', () => ({
  default: () => {},
}));

let db: TernDB;
let component: ReturnType<typeof mount> | null = null;
let target: HTMLElement;

function render<P extends Record<string, unknown>>(c: Component<P>, props: P): void {
  target = document.createElement('div');
  document.body.append(target);
  component = mount(c, { target, props });
  flushSync();
}

beforeAll(async () => {
  ({ db } = await openTestDb());
  app.use(db);
});
afterAll(() => {
  app.use(null);
  db.close();
});
beforeEach(() => resetEngine());
afterEach(async () => {
  if (component) await unmount(component);
  component = null;
  target.remove();
  await sync.disable();
  view.closePanel();
});

const form = () => page.getByRole('form', { name: 'Set up sync' });
const field = (name: string) => form().getByLabelText(name, { exact: true });
const button = (name: string) => page.getByRole('button', { name, exact: true });

async function fillIn() {
  await field('Server address').fill('https://couch.example.com');
  await field('Database name').fill('tern');
  await field('User name').fill('ada');
  await field('Password').fill('secret');
}

describe('the Sync tab', () => {
  it('is among the settings tabs and loads its panel when chosen', async () => {
    view.openSettings('sync');
    render(SettingsDialog, { onclose: () => view.closePanel() });
    const tab = page.getByRole('tab', { name: 'Sync' });
    await expect.element(tab).toHaveAttribute('aria-selected', 'true');
    const panel = page.getByRole('tabpanel', { name: 'Sync' });
    await expect.element(panel.getByLabelText('Server address')).toBeVisible();
    await expect.element(panel).toHaveTextContent('Tern has no server of its own');
    await expect
      .element(panel)
      .toHaveTextContent(
        'API keys and MCP tokens only if you tick it below, and then only encrypted',
      );

    // Arrow keys reach it like the other tabs.
    await page.getByRole('tab', { name: 'MCP servers' }).click();
    await userEvent.keyboard('{ArrowRight}');
    await expect.element(tab).toHaveAttribute('aria-selected', 'true');
  });
});

describe('the sync form', () => {
  beforeEach(() => render(SyncSettings, {}));

  it('starts with the database tern and images sent, encryption off', async () => {
    await expect.element(field('Database name')).toHaveValue('tern');
    await expect.element(field('Send images')).toBeChecked();
    await expect.element(field('Encrypt end to end')).not.toBeChecked();
    await expect.element(field('Password')).toHaveAttribute('type', 'password');
    await expect.element(field('Password')).toHaveAttribute('autocomplete', 'off');
    await expect.element(form()).toHaveTextContent('images stay on each device');
  });

  it('says what is wrong next to each field, and asks the server nothing until it is right', async () => {
    await field('Server address').fill('ftp://couch.example.com');
    await field('Database name').fill('My Chats');
    await button('Test connection').click();
    const url = field('Server address');
    await expect.element(url).toHaveAttribute('aria-invalid', 'true');
    await expect
      .element(url)
      .toHaveAccessibleDescription(/The address must start with https:\/\/ \(or http:\/\/\)\./);
    await expect.element(url).toHaveFocus();
    const name = field('Database name');
    await expect.element(name).toHaveAttribute('aria-invalid', 'true');
    await expect
      .element(name)
      .toHaveAccessibleDescription(/A database name starts with a lowercase letter/);
    expect(engine.testSettings).not.toHaveBeenCalled();

    await url.fill('couch.example.com');
    await expect.element(url).toHaveAccessibleDescription(/This is not a web address/);
    await url.fill('https://ada:secret@couch.example.com');
    await expect.element(url).toHaveAccessibleDescription(/Leave the user name and password out/);
    await url.fill('');
    await expect.element(url).toHaveAccessibleDescription(/Enter your server's address/);
    await name.fill('9lives');
    await expect.element(name).toHaveAccessibleDescription(/starts with a lowercase letter/);
    await name.fill('');
    await expect.element(name).toHaveAccessibleDescription(/Enter the name of the database/);

    // CouchDB's rule allows these; the messages go once the fields are right.
    await url.fill('http://localhost:5984/');
    await name.fill('tern_2(work)+$/-x');
    await expect.element(url).not.toHaveAttribute('aria-invalid');
    await expect.element(name).not.toHaveAttribute('aria-invalid');
    await expect.element(form()).not.toHaveTextContent('The address must');

    engine.testSettings.mockResolvedValue({ ok: true, server: 'CouchDB 3.4.2', docCount: 0 });
    await button('Test connection').click();
    await expect.element(form().getByRole('status')).toHaveTextContent('Connected to CouchDB');
    // Sent without the trailing slash, so the engine's paths do not double it.
    expect(engine.testSettings).toHaveBeenCalledWith(
      expect.objectContaining({ url: 'http://localhost:5984', db: 'tern_2(work)+$/-x' }),
    );
  });

  it('warns about plain http to a server that is not local', async () => {
    await field('Server address').fill('http://couch.example.com');
    await expect
      .element(field('Server address'))
      .toHaveAccessibleDescription(/unencrypted; use https:\/\//);
    await field('Server address').fill('http://192.168.1.20:5984');
    await expect.element(form()).not.toHaveTextContent('unencrypted');
  });

  it('asks for a passphrase once encryption is ticked, and says it cannot be recovered', async () => {
    await expect.element(field('Passphrase')).not.toBeInTheDocument();
    await field('Encrypt end to end').click();
    const pass = field('Passphrase');
    await expect.element(pass).toBeVisible();
    await expect.element(pass).toHaveAttribute('type', 'password');
    await expect.element(pass).toHaveAccessibleDescription(/same passphrase on every device/);
    await expect.element(pass).toHaveAccessibleDescription(/cannot be recovered/);
    await expect.element(form()).toHaveTextContent('sees only ciphertext');

    await fillIn();
    await pass.fill('short');
    await button('Turn on sync').click();
    await expect.element(pass).toHaveAccessibleDescription(/at least 8 characters/);
    await expect.element(pass).toHaveFocus();
    expect(engine.testSettings).not.toHaveBeenCalled();

    await field('Show the passphrase').click();
    await expect.element(pass).toHaveAttribute('type', 'text');
    await field('Encrypt end to end').click();
    await expect.element(field('Passphrase')).not.toBeInTheDocument();
  });

  it('shows the test in words, and creates the database when the server can', async () => {
    await fillIn();
    engine.testSettings.mockResolvedValueOnce({
      ok: false,
      code: 'no-database',
      message: 'The server has no database named “tern”.',
      canCreate: true,
    });
    await button('Test connection').click();
    await expect.element(form().getByRole('alert')).toHaveTextContent('no database named “tern”');

    engine.testSettings.mockResolvedValueOnce({
      ok: true,
      server: 'couch.example.com',
      docCount: 1234,
    });
    await button('Create the database').click();
    await expect
      .element(form().getByRole('status'))
      .toHaveTextContent('Connected to couch.example.com — 1,234 documents');
    expect(engine.createRemoteDatabase).toHaveBeenCalledWith(
      expect.objectContaining({ url: 'https://couch.example.com', db: 'tern', username: 'ada' }),
    );
    expect(engine.testSettings).toHaveBeenCalledTimes(2);
    await expect.element(button('Create the database')).not.toBeInTheDocument();
  });

  it('shows a failure of the engine as a message, and keeps the buttons off while it works', async () => {
    await fillIn();
    let answer: (r: Awaited<ReturnType<typeof engine.testSettings>>) => void = () => {};
    engine.testSettings.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    await button('Test connection').click();
    await expect.element(button('Testing…')).toBeDisabled();
    await expect.element(button('Turn on sync')).toBeDisabled();
    answer({
      ok: false,
      code: 'unauthorized',
      message: 'Wrong user name or password.',
      canCreate: false,
    });
    await expect
      .element(form().getByRole('alert'))
      .toHaveTextContent('Wrong user name or password.');
    await expect.element(button('Test connection')).toBeEnabled();

    engine.testSettings.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await button('Test connection').click();
    await expect
      .element(form().getByRole('alert'))
      .toHaveTextContent('Sync ran into a problem: Failed to fetch');
  });

  it('turns sync on after a good test, then shows its state and turns it off after asking', async () => {
    await fillIn();
    await field('Send images').click();
    await field('Encrypt end to end').click();
    await field('Passphrase').fill('correct horse battery');
    engine.testSettings.mockResolvedValue({ ok: true, server: 'couch', docCount: 10 });
    await button('Turn on sync').click();

    const state = page.getByRole('status', { name: 'Sync state' });
    await expect.element(state).toHaveTextContent('Synced');
    expect(engine.startSync).toHaveBeenCalledWith(
      db,
      {
        url: 'https://couch.example.com',
        db: 'tern',
        auth: 'password',
        username: 'ada',
        password: 'secret',
        images: false,
        encrypt: true,
        secrets: false,
      },
      'correct horse battery',
      expect.any(Function),
    );
    const panel = page.getByText(/on couch\.example\.com, as ada/);
    await expect.element(panel).toHaveTextContent('images stay on each device');
    await expect.element(panel).toHaveTextContent('encrypted end to end');
    await expect.element(page.getByText('Not synced yet')).toBeVisible();

    report({ phase: 'syncing', pending: 3, progress: { done: 40, total: 120 } });
    await expect.element(state).toHaveTextContent('Syncing…');
    await expect.element(page.getByText('3 changes waiting to be sent')).toBeVisible();
    const bar = page.getByRole('progressbar', { name: 'Getting your data: 40 of 120' });
    await expect.element(bar).toHaveAttribute('value', '40');
    await expect.element(bar).toHaveAttribute('max', '120');

    report({ phase: 'syncing', pending: 1, progress: { done: 7, total: null } });
    await expect
      .element(page.getByRole('progressbar', { name: 'Getting your data: 7 documents so far' }))
      .not.toHaveAttribute('value');
    await expect.element(page.getByText('1 change waiting to be sent')).toBeVisible();

    report({ phase: 'offline', pending: 2 });
    await expect.element(state).toHaveTextContent('Offline — changes wait');
    await expect.element(page.getByRole('progressbar')).not.toBeInTheDocument();

    const at = Date.UTC(2026, 11, 5, 12, 30);
    report({
      phase: 'error',
      error: { code: 'unauthorized', message: 'The server refused the password.' },
      lastSyncedAt: at,
      setAside: [
        { id: 'msg:1', reason: 'Written by a newer version of Tern.' },
        { id: 'msg:2', reason: 'Not encrypted with this passphrase.' },
      ],
    });
    await expect.element(state).toHaveTextContent('Error: The server refused the password.');
    await expect.element(page.getByText('Last synced')).toBeVisible();
    const summary = page.getByText('2 documents from the server could not be applied');
    await expect.element(summary).toBeVisible();
    await expect.element(page.getByText('Written by a newer version of Tern.')).not.toBeVisible();
    await summary.click();
    await expect.element(page.getByText('Written by a newer version of Tern.')).toBeVisible();

    report({ phase: 'synced' });
    await button('Sync now').click();
    expect(runner.syncNow).toHaveBeenCalledOnce();
    await button('Pause').click();
    expect(runner.pause).toHaveBeenCalledOnce();
    report({ phase: 'paused' });
    await expect.element(state).toHaveTextContent('Paused');
    await expect.element(button('Sync now')).toBeDisabled();
    await button('Resume').click();
    expect(runner.resume).toHaveBeenCalledOnce();

    // Turning off asks first, says nothing is deleted, and can be taken back.
    await button('Turn off sync…').click();
    const confirm = page.getByRole('group', { name: 'Turn off sync?' });
    await expect.element(confirm).toHaveTextContent('nothing is deleted');
    await expect.element(confirm.getByRole('button', { name: 'Keep it on' })).toHaveFocus();
    await confirm.getByRole('button', { name: 'Keep it on' }).click();
    await expect.element(confirm).not.toBeInTheDocument();
    expect(sync.settings).not.toBeNull();

    await button('Turn off sync…').click();
    await button('Turn off sync').click();
    await expect.element(form()).toBeVisible();
    await expect
      .element(page.getByText('Sync is off on this device. Nothing was deleted.'))
      .toBeVisible();
    expect(sync.settings).toBeNull();
    expect(sync.phase).toBe('off');
    expect(runner.stop).toHaveBeenCalled();
    expect(engine.forgetKey).toHaveBeenCalled();
  });

  it('does not turn sync on when the test fails', async () => {
    await fillIn();
    engine.testSettings.mockResolvedValue({
      ok: false,
      code: 'unreachable',
      message: 'No answer from couch.example.com.',
      canCreate: false,
    });
    await button('Turn on sync').click();
    await expect.element(form().getByRole('alert')).toHaveTextContent('No answer from');
    expect(engine.startSync).not.toHaveBeenCalled();
    expect(sync.settings).toBeNull();
  });

  it('keeps the form and its message when sync fails to start, and offers a way back', async () => {
    await fillIn();
    engine.testSettings.mockResolvedValue({ ok: true, server: 'couch', docCount: 0 });
    engine.startSync.mockRejectedValueOnce(
      Object.assign(new Error('wrong'), { code: 'wrong-passphrase' }),
    );
    await button('Turn on sync').click();
    await expect
      .element(form().getByRole('alert'))
      .toHaveTextContent('not the passphrase your data on this server was encrypted with');
    // The settings were saved before the engine refused: Cancel leads to them, not running.
    await button('Cancel').click();
    await expect
      .element(page.getByRole('status', { name: 'Sync state' }))
      .toHaveTextContent('Not running');
    await button('Start sync').click();
    await expect
      .element(page.getByRole('status', { name: 'Sync state' }))
      .toHaveTextContent('Synced');

    // Changing the settings opens the form with them filled in.
    await button('Change settings').click();
    const change = page.getByRole('form', { name: 'Change the sync settings' });
    await expect
      .element(change.getByLabelText('Server address'))
      .toHaveValue('https://couch.example.com');
    await expect.element(change.getByLabelText('Password', { exact: true })).toHaveValue('secret');
    await change.getByRole('button', { name: 'Cancel' }).click();
    await expect.element(change).not.toBeInTheDocument();
  });

  it('lets the keys and tokens be ticked only with encryption on, and says why and what it means', async () => {
    const box = field('Also sync providers with their API keys, and MCP servers with their tokens');
    await expect.element(box).not.toBeChecked();
    await expect.element(box).toBeDisabled();
    await expect
      .element(box)
      .toHaveAccessibleDescription(/Needs end-to-end encryption: API keys and tokens never go/);

    await field('Encrypt end to end').click();
    await expect.element(box).toBeEnabled();
    await expect.element(box).not.toBeChecked();
    await expect.element(box).toHaveAccessibleDescription(/encrypted with the sync passphrase/);
    await expect.element(box).toHaveAccessibleDescription(/the server sees only ciphertext/);
    await expect.element(box).toHaveAccessibleDescription(/each device needs the passphrase/);
    await expect.element(box).toHaveAccessibleDescription(/travel locked, with their lock/);
    await box.click();
    await expect.element(box).toBeChecked();

    // Encryption off again: the box goes off with it, and comes back with it.
    await field('Encrypt end to end').click();
    await expect.element(box).not.toBeChecked();
    await expect.element(box).toBeDisabled();
    await field('Encrypt end to end').click();
    await expect.element(box).toBeChecked();

    await fillIn();
    await field('Passphrase').fill('correct horse battery');
    engine.testSettings.mockResolvedValue({ ok: true, server: 'couch', docCount: 0 });
    await button('Turn on sync').click();
    await expect
      .element(page.getByRole('status', { name: 'Sync state' }))
      .toHaveTextContent('Synced');
    expect(engine.startSync).toHaveBeenLastCalledWith(
      db,
      expect.objectContaining({ encrypt: true, secrets: true }),
      'correct horse battery',
      expect.any(Function),
    );
    await expect
      .element(page.getByText(/on couch\.example\.com, as ada/))
      .toHaveTextContent('providers and MCP servers synced, with their keys');
  });

  it('never asks for the keys and tokens without encryption, even when ticked before', async () => {
    await field('Encrypt end to end').click();
    await field(
      'Also sync providers with their API keys, and MCP servers with their tokens',
    ).click();
    await field('Encrypt end to end').click();
    await fillIn();
    engine.testSettings.mockResolvedValue({ ok: true, server: 'couch', docCount: 0 });
    await button('Turn on sync').click();
    await expect
      .element(page.getByRole('status', { name: 'Sync state' }))
      .toHaveTextContent('Synced');
    expect(engine.startSync).toHaveBeenLastCalledWith(
      db,
      expect.objectContaining({ encrypt: false, secrets: false }),
      undefined,
      expect.any(Function),
    );
    await expect.element(page.getByText(/on couch\.example\.com/)).not.toHaveTextContent('keys');
  });

  it('turns the keys and tokens off later, saying what stays on the server', async () => {
    await fillIn();
    await field('Encrypt end to end').click();
    await field('Passphrase').fill('correct horse battery');
    await field(
      'Also sync providers with their API keys, and MCP servers with their tokens',
    ).click();
    engine.testSettings.mockResolvedValue({ ok: true, server: 'couch', docCount: 0 });
    await button('Turn on sync').click();
    await button('Change settings').click();
    const change = page.getByRole('form', { name: 'Change the sync settings' });
    const box = change.getByLabelText(
      'Also sync providers with their API keys, and MCP servers with their tokens',
    );
    await expect.element(box).toBeChecked();
    await expect.element(change).not.toHaveTextContent('will stop sending');
    await box.click();
    await expect
      .element(box)
      .toHaveAccessibleDescription(/This device will stop sending and taking them/);
    await expect
      .element(box)
      .toHaveAccessibleDescription(/What it already sent stays on the server, encrypted/);
    await change.getByRole('button', { name: 'Save and restart sync' }).click();
    await expect
      .element(page.getByRole('status', { name: 'Sync state' }))
      .toHaveTextContent('Synced');
    expect(engine.startSync).toHaveBeenLastCalledWith(
      db,
      expect.objectContaining({ encrypt: true, secrets: false }),
      undefined,
      expect.any(Function),
    );
    await expect
      .element(page.getByText(/on couch\.example\.com, as ada/))
      .not.toHaveTextContent('with their keys');
  });

  it('shows lists pulled from another device without a reload, and stamps a change made here', async () => {
    const prefs = createPrefs(createStore(`prefs-${crypto.randomUUID()}`, 'prefs'));
    await providers.load(prefs);
    await mcp.load(prefs);
    await fillIn();
    await field('Encrypt end to end').click();
    await field('Passphrase').fill('correct horse battery');
    await field(
      'Also sync providers with their API keys, and MCP servers with their tokens',
    ).click();
    engine.testSettings.mockResolvedValue({ ok: true, server: 'couch', docCount: 0 });
    await button('Turn on sync').click();
    await expect
      .element(page.getByRole('status', { name: 'Sync state' }))
      .toHaveTextContent('Synced');

    // The engine wrote another device's lists and says so: the state reads them again.
    await writeStoredProviders(prefs, {
      list: [
        {
          id: 'p1',
          kind: 'openai-compatible',
          label: 'From the laptop',
          baseUrl: 'https://api.example.com/v1',
          apiKey: 'sk-pulled',
          models: [],
        },
      ],
      defaultId: 'p1',
    });
    const server = {
      id: 'm1',
      name: 'Pulled server',
      url: 'https://mcp.example.com/mcp',
      headerName: '',
      headerValue: 'tok',
    };
    await saveMcpServers(prefs, [server]);
    report({ listsApplied: 1 });
    await expect.poll(() => providers.list.map((c) => c.label)).toEqual(['From the laptop']);
    await expect.poll(() => mcp.servers).toEqual([server]);

    // A change here is stamped for the engine to send.
    engine.stampLists.mockClear();
    await providers.save({ ...providers.list[0]!, label: 'Renamed here' });
    await expect.poll(() => engine.stampLists.mock.calls.length).toBeGreaterThan(0);
    expect(engine.stampLists).toHaveBeenLastCalledWith(db);
  });

  it('changes an encrypted setup without the passphrase, keeping the key this device has', async () => {
    await fillIn();
    await field('Encrypt end to end').click();
    await field('Passphrase').fill('correct horse battery');
    engine.testSettings.mockResolvedValue({ ok: true, server: 'couch', docCount: 3 });
    await button('Turn on sync').click();
    await button('Change settings').click();
    const change = page.getByRole('form', { name: 'Change the sync settings' });
    await expect.element(change.getByLabelText('Encrypt end to end')).toBeChecked();
    const pass = change.getByLabelText('Passphrase', { exact: true });
    await expect.element(pass).toHaveValue('');
    await expect
      .element(pass)
      .toHaveAttribute('placeholder', 'Leave empty to keep the current one');
    await change.getByLabelText('Password', { exact: true }).fill('new secret');
    await change.getByRole('button', { name: 'Save and restart sync' }).click();
    await expect
      .element(page.getByRole('status', { name: 'Sync state' }))
      .toHaveTextContent('Synced');
    expect(engine.startSync).toHaveBeenLastCalledWith(
      db,
      expect.objectContaining({ password: 'new secret', encrypt: true }),
      undefined,
      expect.any(Function),
    );
    expect(runner.stop).toHaveBeenCalledOnce();
  });
});

/** A JWT with these claims (base64url parts; the server alone checks the signature). */
function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) =>
    btoa(JSON.stringify(v)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe('signing in with a token', () => {
  const token = () => field('Token');

  it('shows the token field in place of the user name and password, with what the server needs', async () => {
    render(SyncSettings, {});
    await expect.element(field('User name and password')).toBeChecked();
    await expect.element(token()).not.toBeInTheDocument();
    await field('Token (JWT)').click();
    await expect.element(token()).toBeVisible();
    await expect.element(token()).toHaveAttribute('type', 'password');
    await expect.element(token()).toHaveAttribute('autocomplete', 'off');
    await expect.element(field('User name')).not.toBeInTheDocument();
    await expect.element(field('Password')).not.toBeInTheDocument();
    await expect
      .element(field('Token (JWT)'))
      .toHaveAccessibleDescription(/\{chttpd_auth, jwt_authentication_handler\}/);
    await expect.element(field('Token (JWT)')).toHaveAccessibleDescription(/\[jwt_keys\]/);

    // What was typed for the other choice stays for a change of mind.
    await field('User name and password').click();
    await field('User name').fill('ada');
    await field('Token (JWT)').click();
    await field('User name and password').click();
    await expect.element(field('User name')).toHaveValue('ada');
  });

  it('refuses a malformed token next to the field, and tells an expired one with its date', async () => {
    render(SyncSettings, {});
    await field('Server address').fill('https://couch.example.com');
    await field('Token (JWT)').click();
    await token().fill('abc.def');
    await button('Test connection').click();
    await expect.element(token()).toHaveAttribute('aria-invalid', 'true');
    await expect.element(token()).toHaveFocus();
    await expect
      .element(token())
      .toHaveAccessibleDescription(/A token \(JWT\) is three parts separated by dots; this has 2/);
    await token().fill('');
    await expect.element(token()).toHaveAccessibleDescription(/Paste the token/);

    const expired = Date.UTC(2025, 0, 15, 12, 0);
    await token().fill(jwt({ sub: 'ada', exp: expired / 1000 }));
    await expect
      .element(token())
      .toHaveAccessibleDescription(
        `This token expired on ${dateText(expired)}; get a new one from your server's administrator.`,
      );
    await button('Turn on sync').click();
    expect(engine.testSettings).not.toHaveBeenCalled();
    expect(engine.startSync).not.toHaveBeenCalled();
  });

  it('hands the token to the engine, not a password, and shows it when the settings change', async () => {
    render(SyncSettings, {});
    const good = jwt({ sub: 'ada', exp: Math.floor(Date.now() / 1000) + 3600 });
    await fillIn();
    await field('Token (JWT)').click();
    await token().fill(` ${good} `);
    engine.testSettings.mockResolvedValue({ ok: true, server: 'couch', docCount: 0 });
    await button('Turn on sync').click();
    await expect
      .element(page.getByRole('status', { name: 'Sync state' }))
      .toHaveTextContent('Synced');
    const sent = { auth: 'token', token: good, username: '', password: '' };
    expect(engine.testSettings).toHaveBeenCalledWith(expect.objectContaining(sent));
    expect(engine.startSync).toHaveBeenCalledWith(
      db,
      expect.objectContaining(sent),
      undefined,
      expect.any(Function),
    );
    await expect.element(page.getByText(/on couch\.example\.com, with a token/)).toBeVisible();

    await button('Change settings').click();
    const change = page.getByRole('form', { name: 'Change the sync settings' });
    await expect.element(change.getByLabelText('Token (JWT)')).toBeChecked();
    await expect.element(change.getByLabelText('Token', { exact: true })).toHaveValue(good);
  });

  it('reads settings saved before tokens as a user name and password', async () => {
    render(SyncForm, {
      initial: {
        url: 'https://couch.example.com',
        db: 'tern',
        username: 'ada',
        password: 'secret',
        images: true,
        encrypt: false,
      },
      onhold: () => {},
      onclose: () => {},
    });
    const change = page.getByRole('form', { name: 'Change the sync settings' });
    await expect.element(change.getByLabelText('User name and password')).toBeChecked();
    await expect.element(change.getByLabelText('User name', { exact: true })).toHaveValue('ada');
    await expect.element(change.getByLabelText('Password', { exact: true })).toHaveValue('secret');
  });
});
