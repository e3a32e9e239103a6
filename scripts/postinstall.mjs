#!/usr/bin/env node
// Runs after `npm install` / `npm ci`. npm does not run electron's and onnxruntime-node's own install scripts
// (package.json "allowScripts"), because both download from outside the npm registry and fail offline. This step
// *tries* those downloads, and on failure prints one line on how to get them later. It always exits 0.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stdout.write(`flywheel postinstall: ${line}\n`);

function run(script, env, timeoutMs) {
  const r = spawnSync(process.execPath, [script], {
    cwd: dirname(script),
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  const firstError = output.split('\n').find((l) => /error|ENOTFOUND|ECONN|EAI_AGAIN|timed? ?out/i.test(l));
  return { ok: r.status === 0, reason: r.error?.message ?? firstError ?? `exit ${r.status}` };
}

export function electronBinaryPresent() {
  const dir = join(root, 'node_modules', 'electron');
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return false;
  return existsSync(join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim()));
}

function fetchElectron() {
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return say('electron is not installed (skipped).');
  if (electronBinaryPresent()) return say('Electron binary present.');
  if (process.env.FLYWHEEL_SKIP_DOWNLOADS)
    return say('FLYWHEEL_SKIP_DOWNLOADS is set: not fetching Electron.');
  const env = { ELECTRON_SKIP_BINARY_DOWNLOAD: '' };
  const r = run(installer, env, 180_000);
  if (r.ok && electronBinaryPresent())
    return say('fetched the Electron binary: `npm start` opens the desktop app.');
  say(
    `could not fetch the Electron binary (${r.reason.slice(0, 120)}); \`npm start\` will run the headless shell. ` +
      'Get it later with `node node_modules/electron/install.js` (set ELECTRON_MIRROR for a mirror).',
  );
}

function hasNvidiaDriver() {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function fetchCudaProvider() {
  const ort = join(root, 'node_modules', 'onnxruntime-node');
  const installer = join(ort, 'script', 'install.js');
  if (!existsSync(installer) || process.arch !== 'x64' || !hasNvidiaDriver()) return;
  const lib = join(ort, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
  if (existsSync(lib)) return say('ONNX Runtime CUDA provider present.');
  if (process.env.FLYWHEEL_SKIP_DOWNLOADS)
    return say('FLYWHEEL_SKIP_DOWNLOADS is set: not fetching the CUDA provider.');
  const r = run(installer, { ONNXRUNTIME_NODE_INSTALL: 'cuda12' }, 600_000);
  if (r.ok && existsSync(lib)) return say('fetched the ONNX Runtime CUDA provider.');
  say(
    `NVIDIA driver found but the ONNX Runtime CUDA provider could not be fetched (${r.reason.slice(0, 120)}); ` +
      'jobs will use WebGPU or the CPU. Get it later with `npm run cuda:install`.',
  );
}

try {
  fetchElectron();
  fetchCudaProvider();
} catch (err) {
  say(`skipped optional downloads (${err.message}).`);
}
process.exit(0);
