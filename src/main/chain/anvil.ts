import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FlywheelError } from '#shared/errors';

const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
  'win32-x64': '@foundry-rs/anvil-win32-amd64',
};

/**
 * The anvil binary shipped by the npm package for this platform. Called directly: the `npx anvil` wrapper adds
 * ~150 ms per start. `FLYWHEEL_ANVIL` overrides it (a packaged app ships anvil as an extra resource).
 */
export function anvilBinary(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLYWHEEL_ANVIL) return env.FLYWHEEL_ANVIL;
  const pkg = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (!pkg) {
    throw new FlywheelError(`There is no anvil build for ${process.platform}/${process.arch}.`, {
      code: 'UNAVAILABLE',
      action: 'Use a custom EVM network in Settings instead of the devnet.',
    });
  }
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = dirname(require.resolve(`${pkg}/package.json`));
  } catch (err) {
    throw new FlywheelError('The local chain (anvil) is not installed.', {
      code: 'UNAVAILABLE',
      action: 'Run `npm install` again, or use a custom EVM network in Settings.',
      cause: err,
    });
  }
  const bin = join(dir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  if (!existsSync(bin)) throw new FlywheelError(`anvil is missing at ${bin}.`, { code: 'UNAVAILABLE' });
  return bin;
}

export interface AnvilOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  chainId?: number;
  /** Seconds between blocks; omitted = a block per transaction (automine). */
  blockTime?: number;
  /** Load state from and dump it to this file (blocks, logs, balances survive a restart). */
  stateFile?: string;
  /** Seconds between state dumps while running (a kill loses at most this much). */
  stateIntervalS?: number;
  accounts?: number;
  mnemonic?: string;
  /** Extra arguments, passed as they are. */
  args?: string[];
  /** How long to wait for "Listening on". */
  startTimeoutMs?: number;
}

export interface AnvilProcess {
  rpcUrl: string;
  port: number;
  child: ChildProcess;
  /** What anvil printed (for error messages). */
  output(): string;
  /** Stops anvil gracefully (SIGINT lets it dump its state), then hard after a grace period. */
  stop(): Promise<void>;
}

/** Starts anvil on 127.0.0.1 and resolves once it listens. */
export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilProcess> {
  const args = ['--host', '127.0.0.1', '--port', String(options.port ?? 0)];
  if (options.chainId !== undefined) args.push('--chain-id', String(options.chainId));
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime));
  if (options.stateFile) args.push('--state', options.stateFile);
  if (options.stateIntervalS !== undefined) args.push('--state-interval', String(options.stateIntervalS));
  if (options.accounts !== undefined) args.push('--accounts', String(options.accounts));
  if (options.mnemonic) args.push('--mnemonic', options.mnemonic);
  args.push(...(options.args ?? []));

  // Its own process group: a Ctrl-C in the terminal reaches the node, which pauses its economies on this chain
  // before it stops anvil; anvil taking the same SIGINT would dump its state with the provider active.
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const collect = (c: Buffer) => {
    out += c.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new FlywheelError('The local chain (anvil) did not start in time.', {
          code: 'UNAVAILABLE',
          details: out,
        }),
      );
    }, options.startTimeoutMs ?? 20_000);
    const onData = () => {
      const match = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(
        new FlywheelError('Could not run the local chain (anvil).', { code: 'UNAVAILABLE', cause: err }),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const inUse = /address already in use|Address in use/i.test(out);
      reject(
        new FlywheelError(
          inUse
            ? `Port ${options.port} is already in use, so the local chain cannot start.`
            : `The local chain (anvil) exited with code ${code} while starting.`,
          {
            code: inUse ? 'CONFLICT' : 'UNAVAILABLE',
            details: out.trim().split('\n').slice(-5).join('\n'),
            action: inUse
              ? 'Stop the other program using that port, or let Flywheel pick a free one.'
              : /state/i.test(out)
                ? 'The devnet state file may be damaged: `flywheel devnet reset` starts a new devnet (it keeps a copy).'
                : undefined,
          },
        ),
      );
    });
  });

  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
