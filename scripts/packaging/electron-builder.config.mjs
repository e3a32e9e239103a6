// electron-builder configuration: `npm run dist` (needs the Electron binary, and each platform's installer is
// built on that platform). The app runs from app.asar; native code and executables live outside it.
import { EXCLUDED_PACKAGES, TARGETS, referencePackageFiles } from './layout.mjs';

const ORT = 'node_modules/onnxruntime-node/bin/napi-v6';

/**
 * Per platform: keep only that platform's onnxruntime-node binaries (and, through ${arch}, only the target arch's;
 * the extglob is minimatch's, which electron-builder uses). 290 MB of other platforms' libraries stay out.
 */
function onnxruntimeOnly(electronPlatform) {
  const others = ['darwin', 'linux', 'win32'].filter((p) => p !== electronPlatform);
  return [`!${ORT}/{${others.join(',')}}{,/**/*}`, `!${ORT}/${electronPlatform}/!(\${arch}){,/**/*}`];
}

/** An https release feed given at packaging time turns auto-update on (electron-builder writes app-update.yml). */
export function publishFeed(env = process.env) {
  const url = env.FLYWHEEL_UPDATE_URL;
  if (!url) return null;
  if (!url.startsWith('https://')) throw new Error('FLYWHEEL_UPDATE_URL must be an https:// URL');
  return [{ provider: 'generic', url }];
}

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'org.flywheel.desktop',
  productName: 'Flywheel',
  executableName: 'flywheel',
  copyright: 'Flywheel contributors',
  directories: { output: 'dist', buildResources: 'build' },
  files: [
    'out/**/*',
    'resources/**/*',
    'package.json',
    '!**/*.map',
    ...EXCLUDED_PACKAGES.map((p) => `!node_modules/${p}{,/**/*}`),
  ],
  asar: true,
  // Native code cannot be loaded from inside an archive: onnxruntime's binding and its shared libraries.
  asarUnpack: [`${ORT}/**/*`],
  // onnxruntime-node ships N-API binaries for every platform; nothing is compiled, and a rebuild would fetch
  // Electron headers from the internet.
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  extraResources: referencePackageFiles().map(({ package: pkg, paths }) => ({
    from: `node_modules/${pkg}`,
    to: `node_modules/${pkg}`,
    filter: paths,
  })),
  afterPack: 'scripts/packaging/afterPack.mjs',
  publish: publishFeed(),
  linux: {
    target: TARGETS.linux.formats.map((target) => ({ target, arch: TARGETS.linux.archs })),
    files: onnxruntimeOnly('linux'),
    category: 'Utility',
    icon: 'build/icon.png',
    maintainer: 'Flywheel contributors',
    synopsis: 'Provide your GPU to open AI networks whose economy can be forked',
  },
  mac: {
    target: TARGETS.mac.formats.map((target) => ({ target, arch: TARGETS.mac.archs })),
    files: onnxruntimeOnly('darwin'),
    category: 'public.app-category.utilities',
    icon: 'build/icon.png',
    hardenedRuntime: true,
  },
  win: {
    target: TARGETS.win.formats.map((target) => ({ target, arch: TARGETS.win.archs })),
    files: onnxruntimeOnly('win32'),
    icon: 'build/icon.png',
  },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  dmg: { writeUpdateInfo: false },
};

export default config;
