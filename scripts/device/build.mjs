// Builds out/device/: what scripts/device/engine-check.sh needs on a GPU machine that has no network and takes at most
// 64 MiB: the check bundled with esbuild (its engine worker beside it), onnxruntime-node with only its Linux x64
// binaries, the reference models from their npm packages, Node itself, and the Vulkan loader package. Big files are
// xz-compressed. Run here: `node scripts/device/build.mjs`; it prints the size.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'out', 'device');
/** A package's folder, found on the lookup paths (packages with an `exports` map hide their package.json). */
const packageDir = (name, from = root) => {
  const paths = createRequire(join(from, 'package.json')).resolve.paths(name) ?? [];
  const dir = paths.map((p) => join(p, name)).find((d) => existsSync(join(d, 'package.json')));
  if (!dir) throw new Error(`${name} is not installed: run npm install`);
  return dir;
};
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// 1. The check and the engine worker, as the app's bundle has them: engineWorker.js next to the code that forks it.
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['onnxruntime-node'],
  // Bundled CommonJS dependencies call require(): give the ES module one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: [join(root, 'scripts/device/engine-check.ts')],
  outfile: join(out, 'engine-check.mjs'),
});
await build({
  ...common,
  entryPoints: [join(root, 'src/main/engine/worker/main.ts')],
  outfile: join(out, 'engineWorker.js'),
});
// engineWorker.js is an ES module: say so to Node for the .js files here.
writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module', private: true }) + '\n');

// 2. onnxruntime-node with only the Linux x64 binaries, and onnxruntime-common.
const ortDir = packageDir('onnxruntime-node');
const ort = join(out, 'node_modules', 'onnxruntime-node');
for (const part of ['package.json', 'dist', 'lib'])
  cpSync(join(ortDir, part), join(ort, part), { recursive: true });
const bin = join('bin', 'napi-v6', 'linux', 'x64');
mkdirSync(join(ort, bin), { recursive: true });
for (const f of readdirSync(join(ortDir, bin))) copyFileSync(join(ortDir, bin, f), join(ort, bin, f));
const commonDir = packageDir('onnxruntime-common', ortDir);
cpSync(commonDir, join(ort, 'node_modules', 'onnxruntime-common'), { recursive: true });

// 3. The reference models and side files, where packageFilePath() finds them (node_modules beside the bundle).
const { models } = JSON.parse(readFileSync(join(root, 'resources', 'models.json'), 'utf8'));
const files = models.flatMap((m) => [m, ...(m.preview?.keys ? [m.preview.keys] : [])]);
for (const f of files) {
  const from = join(packageDir(f.package), f.path);
  mkdirSync(dirname(join(out, 'node_modules', f.package, f.path)), { recursive: true });
  copyFileSync(from, join(out, 'node_modules', f.package, f.path));
}

// 4. Node itself, and 5. the Vulkan loader (the GPU's driver brings its ICD, not the loader).
copyFileSync(process.execPath, join(out, 'node'));
mkdirSync(join(out, 'debs'));
execFileSync('apt-get', ['download', 'libvulkan1'], { cwd: join(out, 'debs'), stdio: 'inherit' });

// xz the big ones; engine-check.sh unpacks them.
const big = [join(out, 'node'), join(ort, bin, 'libonnxruntime.so.1')];
for (const f of big) execFileSync('xz', ['-9', '-T0', f]);

let total = 0;
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else total += statSync(p).size;
  }
};
walk(out);
console.log(`out/device: ${(total / 2 ** 20).toFixed(1)} MiB`);
