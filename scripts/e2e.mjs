#!/usr/bin/env node
// Browser tests: finds (or installs) Chromium, builds the app, runs Playwright against the headless shell.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'electron-vite';
import { ensureChromium } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let chromium;
try {
  chromium = ensureChromium();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
process.stdout.write(`e2e: Chromium at ${chromium}\n`);
await build({ root, logLevel: 'warn' });
const r = spawnSync(
  process.execPath,
  [join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: chromium } },
);
process.exit(r.status ?? 1);
