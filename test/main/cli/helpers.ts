import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { LogSink } from '../../../src/main/log';
import { confBackend, createSettingsStore } from '../../../src/main/settings/store';
import { Wallet } from '../../../src/main/wallet/wallet';
import { DEV_PRIVATE_KEYS, useAnvil } from '../../helpers/anvil';
import { devAccount } from '../../helpers/chain';
import { deployMarket, TOKEN, testWindows, type Market } from '../../helpers/market';
import { bundleNode } from '../../helpers/nodeBundle';
import { tempDir } from '../../helpers/tmp';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for `--json` commands). */
  json<T = Record<string, unknown>>(): T;
}

/** Runs `flywheel <args>` from the sources as its own process, as a user would. */
export function flywheel(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, join(ROOT, 'src/main/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`flywheel ${args.join(' ')} did not finish in time:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(
              `flywheel ${args.join(' ')} printed no JSON (exit ${code}):\n${stdout}\n${stderr}`,
            );
          }
        },
      });
    });
  });
}

/** The flags most `flywheel job post` runs give: where, in which economy, which model and input, for what fee. */
export interface JobPostFlags {
  dataDir: string;
  economy: string;
  model: string;
  /** Left out for a text generation given by --prompt. */
  input?: string;
  fee: string;
}

/** The arguments of `flywheel job post` with these flags, then `extra` as they are. */
export function jobPost(flags: JobPostFlags, ...extra: string[]): string[] {
  return [
    'job',
    'post',
    '--data-dir',
    flags.dataDir,
    '--economy',
    flags.economy,
    '--model',
    flags.model,
    ...(flags.input === undefined ? [] : ['--input', flags.input]),
    '--fee',
    flags.fee,
    ...extra,
  ];
}

/** The passphrase of the keystore useBundledCli makes (each command gets it in FLYWHEEL_PASSPHRASE). */
export const PASSPHRASE = 'correct horse battery staple';

/** What a command of the bundled CLI printed, and how it exited. */
export interface BundledRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * The bundled `flywheel` (a process per command) for the tests of one file, on a data folder whose settings name a
 * custom network: a real anvil with the contracts (deployMarket), dev account 2 funded with 1,000 tokens and its key
 * in a passphrase keystore there. A command still running when the tests end (a failed wait) is killed.
 */
export function useBundledCli(options: { prefix: string; bundle: string }): {
  readonly dir: string;
  readonly chain: { readonly rpcUrl: string };
  readonly market: Market;
  /** Runs one command to its end; `until` (for `provide`) interrupts it once its output holds that. */
  flywheel(args: string[], run?: { until?: RegExp; env?: Record<string, string> }): Promise<BundledRun>;
  /** Runs a command with `--json`, expects it to succeed and parses what it printed. */
  json<T>(args: string[]): Promise<T>;
} {
  const chain = useAnvil({ chainId: 31337 });
  const { dir, cleanup } = tempDir(options.prefix);
  const quiet = new LogSink({ consoleLevel: 'silent' });
  let market: Market | undefined;
  let cli: { dir: string; file: string } | undefined;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    [market, cli] = await Promise.all([
      deployMarket(chain.rpcUrl, { params: testWindows({ acceptWindowS: 30, minDeadlineS: 60 }) }),
      bundleNode(join(ROOT, 'src', 'main', 'cli', 'main.ts'), options.bundle),
    ]);
    await market.fund(market.genesis, devAccount(2).address, 1_000n * TOKEN);
    createSettingsStore(() => confBackend(dir), quiet.logger('settings')).update({
      network: {
        kind: 'custom',
        label: 'CLI test chain',
        rpcUrl: chain.rpcUrl,
        chainId: 31337,
        factory: market.factory,
        blobStore: { kind: 'local' },
      },
    });
    const wallet = await Wallet.open({
      dir: join(dir, 'wallet'),
      payoutAddress: () => null,
      log: quiet.logger('wallet'),
      scryptCost: { n: 1024, r: 8, p: 1 },
    });
    await wallet.import({ privateKey: DEV_PRIVATE_KEYS[2], passphrase: PASSPHRASE });
  }, 120_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await market?.close();
    cleanup();
    if (cli) rmSync(cli.dir, { recursive: true, force: true });
  });

  function flywheel(args: string[], run: { until?: RegExp; env?: Record<string, string> } = {}) {
    return new Promise<BundledRun>((resolve) => {
      const child = spawn(process.execPath, [cli!.file, ...args, '--data-dir', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FLYWHEEL_PASSPHRASE: PASSPHRASE, ...run.env },
      });
      children.add(child);
      let out = '';
      let err = '';
      let interrupted = false;
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        // One Ctrl-C: a second one while the node stops would be the default handler's, killing it mid-stop.
        if (!interrupted && run.until?.test(out)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.once('exit', (code) => {
        children.delete(child);
        resolve({ code, out, err });
      });
    });
  }
  return {
    dir,
    chain,
    get market() {
      if (!market) throw new Error('no market (useBundledCli outside a test?)');
      return market;
    },
    flywheel,
    async json<T>(args: string[]): Promise<T> {
      const r = await flywheel([...args, '--json']);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out) as T;
    },
  };
}
