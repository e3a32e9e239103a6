// electron-builder afterPack hook: runs once per platform and arch, after app.asar and the extra resources are in
// place and before signing. It adds anvil for the target's arch (extraResources cannot pick a package by arch:
// anvil calls x64 "amd64"), checks that every native binary and model the app needs is there, and flips the fuses.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { applyFuses } from './fuses.mjs';
import {
  anvilExecutable,
  anvilPackage,
  onnxruntimeDir,
  packagedAnvil,
  projectRoot,
  referencePackageFiles,
} from './layout.mjs';

/** electron-builder's Arch enum, by value. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** The packaged app's resources folder and its Electron binary (what @electron/fuses patches). */
export function packagedPaths({ appOutDir, electronPlatform, productFilename, executableName }) {
  if (electronPlatform === 'darwin' || electronPlatform === 'mas') {
    const app = join(appOutDir, `${productFilename}.app`);
    return { resources: join(app, 'Contents', 'Resources'), electronBinary: app };
  }
  const exe = electronPlatform === 'win32' ? `${productFilename}.exe` : executableName;
  return { resources: join(appOutDir, 'resources'), electronBinary: join(appOutDir, exe) };
}

/** Copies the target's anvil into the resources; fails with what to install when its package is missing. */
export function copyAnvil({ resources, electronPlatform, arch, root = projectRoot }) {
  const pkg = anvilPackage(electronPlatform, arch);
  if (!pkg) throw new Error(`there is no anvil build for ${electronPlatform}/${arch}`);
  const from = join(root, 'node_modules', pkg, 'bin', anvilExecutable(electronPlatform));
  if (!existsSync(from)) {
    throw new Error(
      `${pkg} is not installed, so the ${electronPlatform}/${arch} app would ship without its local chain. ` +
        `npm installs only the current platform's anvil: build on ${electronPlatform}/${arch}, or run ` +
        `\`npm install --no-save --force ${pkg}\` first.`,
    );
  }
  const to = join(resources, packagedAnvil(electronPlatform));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, 0o755);
  return to;
}

/**
 * Lists what the packaged app lacks: anvil, each reference model file, and onnxruntime-node's binding and shared
 * libraries for the target, unpacked next to app.asar (native code cannot be loaded from inside an archive).
 */
export function missingResources({ resources, electronPlatform, arch, root = projectRoot }) {
  const missing = [];
  const need = (path) => {
    if (!existsSync(path)) missing.push(path);
  };
  need(join(resources, packagedAnvil(electronPlatform)));
  for (const { package: pkg, paths } of referencePackageFiles()) {
    for (const path of paths) need(join(resources, 'node_modules', pkg, path));
  }
  need(join(resources, 'app.asar'));
  const ortSource = join(root, onnxruntimeDir(electronPlatform, arch));
  const ortFiles = existsSync(ortSource) ? readdirSync(ortSource) : [];
  if (!ortFiles.includes('onnxruntime_binding.node')) {
    missing.push(
      `${ortSource}/onnxruntime_binding.node (onnxruntime-node has no ${electronPlatform}/${arch} build)`,
    );
  }
  for (const file of ortFiles) {
    need(join(resources, 'app.asar.unpacked', onnxruntimeDir(electronPlatform, arch), file));
  }
  return missing;
}

export default async function afterPack(context) {
  const electronPlatform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch];
  const paths = packagedPaths({
    appOutDir: context.appOutDir,
    electronPlatform,
    productFilename: context.packager.appInfo.productFilename,
    executableName: context.packager.executableName,
  });
  copyAnvil({ resources: paths.resources, electronPlatform, arch });
  const missing = missingResources({ resources: paths.resources, electronPlatform, arch });
  if (missing.length) {
    throw new Error(`the ${electronPlatform}/${arch} package is missing:\n  ${missing.join('\n  ')}`);
  }
  // Flipping fuses changes the binary, so an arm64 Mac build needs its ad-hoc signature redone (real signing
  // comes after this hook).
  await applyFuses(paths.electronBinary, {
    resetAdHocDarwinSignature: electronPlatform === 'darwin' && arch === 'arm64',
  });
}
