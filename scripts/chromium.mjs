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

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(findChromium());
}
