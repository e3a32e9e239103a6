// electron-builder configuration: `npm run dist` (needs the Electron binary, and each platform's installer is
// built on that platform). The app runs from app.asar; native code and executables live outside it.
import { EXCLUDED_PACKAGES, TARGETS, referencePackageFiles } from './layout.mjs';

const ORT = 'node_modules/onnxruntime-node/bin/napi-v6';
/** node-llama-cpp's prebuilt llama.cpp binaries, one package per platform, arch and backend (linux-x64-cuda, …). */
const LLAMA = 'node_modules/@node-llama-cpp';
const LLAMA_PLATFORM = { linux: 'linux', darwin: 'mac', win32: 'win' };

/**
 * What goes into app.asar for one platform: the built app, its resources and package.json; production
 * dependencies minus the packages shipped beside the asar or never loaded; onnxruntime-node's binaries for this
 * platform only (and, through ${arch}, only the target arch; the extglob is minimatch's, which electron-builder
 * uses), leaving out 290 MB of other platforms' libraries. The whole list sits in each platform's section:
 * electron-builder turns a top-level `files` into a separate file set, and a platform section holding only
 * exclusions would then make its default matcher take every file of the project.
 */
function appFiles(electronPlatform) {
  const others = ['darwin', 'linux', 'win32'].filter((p) => p !== electronPlatform);
  return [
    'out/**/*',
    'resources/**/*',
    'package.json',
    '!**/*.map',
    ...EXCLUDED_PACKAGES.map((p) => `!node_modules/${p}{,/**/*}`),
    `!${ORT}/{${others.join(',')}}{,/**/*}`,
    `!${ORT}/${electronPlatform}/!(\${arch}){,/**/*}`,
    // llama.cpp for this platform and arch only (its CPU, CUDA and Vulkan or Metal builds).
    `!${LLAMA}/!(${LLAMA_PLATFORM[electronPlatform]}-\${arch}*){,/**/*}`,
  ];
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
  asar: true,
  // Native code cannot be loaded from inside an archive: onnxruntime's binding and its shared libraries, and
  // llama.cpp's prebuilt binaries (where node-llama-cpp's Electron guide puts them).
  asarUnpack: [`${ORT}/**/*`, `${LLAMA}/**/*`, 'node_modules/node-llama-cpp/bins/**/*'],
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
    files: appFiles('linux'),
    category: 'Utility',
    icon: 'build/icon.png',
    maintainer: 'Flywheel contributors',
    synopsis: 'Provide your GPU to open AI networks whose economy can be forked',
  },
  mac: {
    target: TARGETS.mac.formats.map((target) => ({ target, arch: TARGETS.mac.archs })),
    files: appFiles('darwin'),
    category: 'public.app-category.utilities',
    icon: 'build/icon.png',
    hardenedRuntime: true,
  },
  win: {
    target: TARGETS.win.formats.map((target) => ({ target, arch: TARGETS.win.archs })),
    files: appFiles('win32'),
    icon: 'build/icon.png',
  },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  dmg: { writeUpdateInfo: false },
};

export default config;
