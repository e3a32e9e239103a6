import { execFile, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { UnlockSource } from '#shared/api/wallet';
import { FlywheelError } from '#shared/errors';

/**
 * Where an unattended node (a rig's headless shell, a `flywheel` command) finds the wallet's passphrase without a
 * person: a file the user points to, an environment variable, or the OS keychain (the Secret Service on Linux,
 * through `secret-tool`). Each has its risk; the README's "Unlocking a rig without a person" says which.
 */
export const PASSPHRASE_ENV = 'FLYWHEEL_PASSPHRASE';
export const PASSPHRASE_FILE_ENV = 'FLYWHEEL_PASSPHRASE_FILE';
/** The Secret Service attributes a passphrase is kept under: `service flywheel account <address>`. */
export const KEYCHAIN_SERVICE = 'flywheel';

/** A passphrase and where it came from (`where`: the file, the variable or the keychain, for messages). */
export interface FoundPassphrase {
  passphrase: string;
  source: Exclude<UnlockSource, 'typed'>;
  where: string;
}

const MAX_FILE_BYTES = 4096;

/**
 * Reads a passphrase file: a regular file of this user that no one else can read or write (mode 0600 or 0400),
 * like ssh wants its keys. The trailing line break an editor or `echo` adds is not part of the passphrase.
 * Anything else is refused with what to do about it.
 */
export function readPassphraseFile(path: string): string {
  const file = resolve(path);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FlywheelError(
      code === 'ENOENT'
        ? `The passphrase file ${file} does not exist.`
        : code === 'ELOOP'
          ? `The passphrase file ${file} is a symbolic link.`
          : `The passphrase file ${file} cannot be read (${code ?? 'error'}).`,
      {
        code: 'BAD_INPUT',
        action:
          code === 'ELOOP'
            ? `Point --passphrase-file at the file itself, not at a link to it.`
            : `Check the path, and that this user (${userName()}) can read it.`,
        cause: err,
      },
    );
  }
  try {
    // Checked on the open file, so it cannot be swapped between the check and the read.
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new FlywheelError(`The passphrase file ${file} is not a regular file.`, {
        code: 'BAD_INPUT',
        action: 'Put the passphrase alone in a plain file, mode 0600.',
      });
    }
    if (process.platform !== 'win32') {
      const uid = process.getuid?.();
      if (uid !== undefined && st.uid !== uid) {
        throw new FlywheelError(
          `The passphrase file ${file} belongs to another user (uid ${st.uid}), not to ${userName()} (uid ${uid}).`,
          { code: 'BAD_INPUT', action: `Run \`chown ${uid} ${file}\`, or keep the file in your own home.` },
        );
      }
      if ((st.mode & 0o077) !== 0) {
        const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
        throw new FlywheelError(
          `The passphrase file ${file} can be read or changed by other users (mode ${mode}); it is refused.`,
          { code: 'BAD_INPUT', action: `Run \`chmod 600 ${file}\` and start again.` },
        );
      }
    }
    if (st.size > MAX_FILE_BYTES) {
      throw new FlywheelError(`The passphrase file ${file} is ${st.size} bytes: too long for a passphrase.`, {
        code: 'BAD_INPUT',
        action: 'Put the passphrase alone in the file, on one line.',
      });
    }
    const buf = Buffer.alloc(MAX_FILE_BYTES + 1);
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, size, buf.length - size, null);
      if (n === 0) break;
      size += n;
      if (size > MAX_FILE_BYTES) break;
    }
    const passphrase = buf
      .subarray(0, size)
      .toString('utf8')
      .replace(/(\r?\n)+$/, '');
    buf.fill(0);
    if (passphrase === '') {
      throw new FlywheelError(`The passphrase file ${file} is empty.`, {
        code: 'BAD_INPUT',
        action: 'Put the wallet passphrase in it, on one line.',
      });
    }
    return passphrase;
  } finally {
    closeSync(fd);
  }
}

/**
 * The passphrase in FLYWHEEL_PASSPHRASE, removed from this process's environment once read so that no child the
 * node starts inherits it. (It stays readable in /proc/<pid>/environ to processes of the same user: that is the
 * risk of this way.)
 */
export function takePassphraseFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[PASSPHRASE_ENV];
  delete env[PASSPHRASE_ENV];
  return value === undefined || value === '' ? undefined : value;
}

/** Where `secret-tool` (libsecret-tools) is on PATH, or null: the OS keychain route needs it. */
export function findSecretTool(env: NodeJS.ProcessEnv = process.env): string | null {
  if (process.platform !== 'linux') return null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'secret-tool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

function keychainError(what: string, stderr: string, err: unknown): FlywheelError {
  return new FlywheelError(`The OS keychain could not ${what}.`, {
    code: 'UNAVAILABLE',
    action:
      'The Secret Service must be running and its keyring unlocked (a desktop login does that); ' +
      'on a machine without one, use a passphrase file instead.',
    details: stderr.trim() || (err as Error).message,
    cause: err,
  });
}

/**
 * The passphrase the OS keychain keeps for this wallet address (`secret-tool lookup service flywheel account
 * <address>`): null when it keeps none. Throws UNAVAILABLE when the keychain cannot be asked.
 */
export function keychainLookup(tool: string, address: string, timeoutMs = 10_000): Promise<string | null> {
  return new Promise((resolveLookup, reject) => {
    execFile(
      tool,
      ['lookup', 'service', KEYCHAIN_SERVICE, 'account', address.toLowerCase()],
      { timeout: timeoutMs, encoding: 'utf8', maxBuffer: MAX_FILE_BYTES * 2 },
      (err, stdout, stderr) => {
        // secret-tool exits 1 with nothing on stderr when there is no such secret.
        if (err && (err as { code?: unknown }).code === 1 && stderr.trim() === '' && stdout === '') {
          return resolveLookup(null);
        }
        if (err) return reject(keychainError('be asked for the passphrase', stderr, err));
        resolveLookup(stdout === '' ? null : stdout);
      },
    );
  });
}

/** Keeps `passphrase` in the OS keychain for this wallet address (replacing one kept before). */
export function keychainStore(
  tool: string,
  address: string,
  passphrase: string,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolveStore, reject) => {
    // The passphrase goes through stdin, never on a command line other processes can read.
    const child = spawn(
      tool,
      [
        'store',
        `--label=Flywheel wallet ${address}`,
        'service',
        KEYCHAIN_SERVICE,
        'account',
        address.toLowerCase(),
      ],
      { stdio: ['pipe', 'ignore', 'pipe'], timeout: timeoutMs },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', (err) => reject(keychainError('keep the passphrase', stderr, err)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolveStore();
      else
        reject(
          keychainError('keep the passphrase', stderr, new Error(`secret-tool exited ${signal ?? code}`)),
        );
    });
    child.stdin.end(passphrase);
  });
}

/** Removes the passphrase kept for this address; true when there was one. */
export function keychainClear(tool: string, address: string, timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolveClear, reject) => {
    execFile(
      tool,
      ['clear', 'service', KEYCHAIN_SERVICE, 'account', address.toLowerCase()],
      { timeout: timeoutMs, encoding: 'utf8' },
      (err, _stdout, stderr) => {
        if (err && (err as { code?: unknown }).code === 1 && stderr.trim() === '') return resolveClear(false);
        if (err) return reject(keychainError('forget the passphrase', stderr, err));
        resolveClear(true);
      },
    );
  });
}

export interface UnattendedOptions {
  /** `--passphrase-file`; else FLYWHEEL_PASSPHRASE_FILE. */
  passphraseFile?: string;
  env?: NodeJS.ProcessEnv;
  /** The wallet address, for the keychain lookup. */
  address: string;
  /** Ask the OS keychain when nothing else was given (default: when `secret-tool` is on PATH). */
  keychain?: boolean;
  /**
   * The keychain could not be asked (no session bus, a locked keyring): not an error of its own, since most
   * machines with `secret-tool` never kept a passphrase there; the caller logs it.
   */
  onKeychainError?: (err: FlywheelError) => void;
}

/**
 * The passphrase for an unlock without a person, from the first way the user set up: `--passphrase-file` (or
 * FLYWHEEL_PASSPHRASE_FILE), then FLYWHEEL_PASSPHRASE, then the OS keychain. Null when none is set up. Throws a
 * FlywheelError with what to do when the file set up cannot be used (others can read it, it is missing).
 * FLYWHEEL_PASSPHRASE is taken out of the environment whichever way wins.
 */
export async function findUnattendedPassphrase(options: UnattendedOptions): Promise<FoundPassphrase | null> {
  const env = options.env ?? process.env;
  const fromEnv = takePassphraseFromEnvironment(env);
  const file = options.passphraseFile ?? (env[PASSPHRASE_FILE_ENV] || undefined);
  if (file !== undefined) {
    return { passphrase: readPassphraseFile(file), source: 'passphrase-file', where: resolve(file) };
  }
  if (fromEnv !== undefined) {
    return {
      passphrase: fromEnv,
      source: 'environment',
      where: `the environment variable ${PASSPHRASE_ENV}`,
    };
  }
  const tool = options.keychain === false ? null : findSecretTool(env);
  if (tool) {
    try {
      const kept = await keychainLookup(tool, options.address);
      if (kept !== null) return { passphrase: kept, source: 'os-keychain', where: 'the OS keychain' };
    } catch (err) {
      options.onKeychainError?.(err as FlywheelError);
    }
  }
  return null;
}

function userName(): string {
  return process.env.USER ?? process.env.LOGNAME ?? 'this user';
}
