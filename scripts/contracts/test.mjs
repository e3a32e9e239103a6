#!/usr/bin/env node
// `npm run test:contracts` (CI profile) and `npm run test:deep` (--deep: ≥ 10,000 fuzz runs, 1,000 invariant runs ×
// depth 100): first checks that the committed viem artefacts match the sources, then runs the forge tests.
// forge is called as the platform binary: the npm `forge` wrapper drops the exit code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const deep = process.argv.includes('--deep');
const extra = process.argv.slice(2).filter((a) => a !== '--deep');

const fresh = spawnSync(process.execPath, [join(root, 'scripts', 'contracts', 'build.mjs'), '--check'], {
  cwd: root,
  stdio: 'inherit',
});
if (fresh.status !== 0) process.exit(fresh.status ?? 1);

const platform = {
  'linux-x64': 'linux-amd64',
  'linux-arm64': 'linux-arm64',
  'darwin-x64': 'darwin-amd64',
  'darwin-arm64': 'darwin-arm64',
  'win32-x64': 'win32-amd64',
}[`${process.platform}-${process.arch}`];
const forge = join(
  root,
  'node_modules',
  '@foundry-rs',
  `forge-${platform}`,
  'bin',
  process.platform === 'win32' ? 'forge.exe' : 'forge',
);
if (!platform || !existsSync(forge)) {
  console.error(
    `forge is not installed for ${process.platform}/${process.arch} (looked for ${forge}); run \`npm install\`.`,
  );
  process.exit(1);
}
const env = { ...process.env, FOUNDRY_PROFILE: deep ? 'deep' : (process.env.FOUNDRY_PROFILE ?? 'default') };
const r = spawnSync(forge, ['test', ...extra], { cwd: root, stdio: 'inherit', env });
process.exit(r.status ?? 1);
