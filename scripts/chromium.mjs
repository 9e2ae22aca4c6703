// Finds the Chromium that the browser suites and benchmarks drive. Playwright's own browser
// download does not work everywhere Tern is built, so we use the system's Chromium: a path from
// CHROMIUM_PATH, else the usual Debian/Ubuntu locations. Where none is present and we run as root
// with apt-get, Debian's package is installed; otherwise we stop with the exact command to run.
// A missing browser is never a reason to skip the browser suites.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/lib/chromium/chromium',
  '/usr/lib/chromium-browser/chromium-browser',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function found() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but there is no file there.`);
  }
  return CANDIDATES.find((p) => existsSync(p));
}

function canInstall() {
  try {
    return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  } catch {
    return false;
  }
}

/** @returns {string} the Chromium executable path */
export function findChromium() {
  let path = found();
  if (path) return path;
  if (canInstall()) {
    console.log('[tern] No Chromium found: installing Debian chromium with apt-get…');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    path = found();
    if (path) return path;
  }
  throw new Error(
    'The browser suites need Chromium and none was found. Install it with ' +
      '`sudo apt-get install -y chromium` (Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  );
}

/**
 * Playwright's launch options for Tern's Chromium: its path and flags, then any the caller adds.
 * The browser test suite's provider launches with these.
 * @param {{ args?: string[] }} [options]
 */
export function chromiumLaunchOptions(options = {}) {
  return {
    executablePath: findChromium(),
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  };
}

/**
 * Chromium through Playwright with Tern's flags: the one launch of the end-to-end tests and the
 * benchmarks.
 * @param {import('playwright-core').LaunchOptions} [options]
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchChromium(options) {
  const { chromium } = await import('playwright-core');
  return chromium.launch(chromiumLaunchOptions(options));
}

/**
 * The same, with a profile kept in `dir` (its IndexedDB survives a close).
 * @param {string} dir
 * @param {import('playwright-core').LaunchPersistentContextOptions} [options]
 * @returns {Promise<import('playwright-core').BrowserContext>}
 */
export async function launchChromiumProfile(dir, options) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(dir, chromiumLaunchOptions(options));
}

/**
 * The same, as a server other processes connect to.
 * @param {import('playwright-core').LaunchServerOptions} [options]
 * @returns {Promise<import('playwright-core').BrowserServer>}
 */
export async function launchChromiumServer(options) {
  const { chromium } = await import('playwright-core');
  return chromium.launchServer(chromiumLaunchOptions(options));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(findChromium());
}
