// The Electron fuses flipped in every packaged build (see https://www.electronjs.org/docs/latest/tutorial/fuses).
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';

/** Fuse states as the binary stores them ('0' off, '1' on). */
const ON = 49;
const OFF = 48;

/**
 * Off: running the binary as plain Node (ELECTRON_RUN_AS_NODE), NODE_OPTIONS, --inspect flags, extra privileges
 * for file://, a browser-process V8 snapshot. On: cookie encryption, loading the app only from app.asar, and
 * checking app.asar against the hash electron-builder embeds (macOS and Windows; Linux has no such check).
 * Every fuse @electron/fuses knows is set explicitly so none is left to Electron's default.
 */
export const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/**
 * Flips the fuses in a packaged Electron binary (the .app bundle on macOS) and reads them back: a fuse that did
 * not take fails the build rather than shipping an app that runs as Node.
 */
export async function applyFuses(electronBinary, { resetAdHocDarwinSignature = false } = {}) {
  await flipFuses(electronBinary, { version: FuseVersion.V1, resetAdHocDarwinSignature, ...FUSES });
  const wire = await getCurrentFuseWire(electronBinary);
  const wrong = Object.entries(FUSES)
    .filter(([index, on]) => wire[index] !== (on ? ON : OFF))
    .map(([index]) => FuseV1Options[index]);
  if (wrong.length) throw new Error(`fuses not set in ${electronBinary}: ${wrong.join(', ')}`);
  return wire;
}
