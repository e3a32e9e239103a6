#!/usr/bin/env node
// `npm start [-- --headless] [-- --port N] [-- --data-dir DIR]`
// Builds the app, then opens the desktop window when the Electron binary is here (and there is a display);
// otherwise runs the headless shell and says why. `--headless` forces the headless shell.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'electron-vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const say = (line) => process.stdout.write(`flywheel: ${line}\n`);

function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

function whyNotElectron() {
  if (args.includes('--headless'))
    return { bin: null, why: '--headless given: starting the headless shell.' };
  const bin = electronBinary();
  if (!bin) {
    return {
      bin: null,
      why:
        'the Electron binary is not installed (it downloads from outside the npm registry), so Flywheel starts ' +
        'the headless shell. To get the desktop app: `node node_modules/electron/install.js`, then `npm start`.',
    };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { bin: null, why: 'no display ($DISPLAY is not set): starting the headless shell.' };
  }
  return { bin, why: null };
}

say('building…');
try {
  await build({ root, logLevel: 'warn' });
} catch (err) {
  say(`the build failed: ${err.message}`);
  process.exit(1);
}

const { bin, why } = whyNotElectron();
const child = bin
  ? spawn(bin, ['.', ...args], { cwd: root, stdio: 'inherit' })
  : spawn(
      process.execPath,
      [join(root, 'out', 'main', 'headless.js'), ...args.filter((a) => a !== '--headless')],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
if (why) say(why);
else say('opening the desktop app.');

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
