// Finds a Chromium for the browser tests: $CHROMIUM_PATH, Debian's /usr/bin/chromium, or an installed Chrome.
// Where none is found and we run as root on Debian/Ubuntu, installs Debian's `chromium` with apt; elsewhere it
// fails saying what to install. (`npx playwright install` downloads from outside the npm registry.)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

/** Flags that keep a headless Chromium off the network and quiet on a machine with no internet. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

function canApt() {
  return (
    process.platform === 'linux' &&
    typeof process.getuid === 'function' &&
    process.getuid() === 0 &&
    existsSync('/usr/bin/apt-get') &&
    existsSync('/etc/debian_version')
  );
}

export function ensureChromium(log = (l) => process.stdout.write(`${l}\n`)) {
  const found = findChromium();
  if (found) return found;
  if (!canApt()) {
    throw new Error(
      'No Chromium found for the browser tests. Install Chromium or Chrome (Debian/Ubuntu: ' +
        '`sudo apt-get install chromium`), or set CHROMIUM_PATH to its executable.',
    );
  }
  log('No Chromium found: installing Debian’s chromium with apt-get (root on Debian)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) throw new Error('apt-get install chromium failed (see above).');
  const installed = findChromium();
  if (!installed) throw new Error('apt-get installed chromium but no executable was found.');
  return installed;
}
