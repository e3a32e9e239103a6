import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp';

const ROOT = join(import.meta.dirname, '..', '..');

export interface HeadlessProcess {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built headless shell (`out/main/headless.js`) as its own process on a free port with a fresh data
 * folder (or the given one), and resolves once it prints its URL.
 */
export async function startHeadless(
  options: {
    dataDir?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    args?: string[];
    /** Also wait for a line like this (e.g. /Devnet ready\./: the embedded devnet has deployed and connected). */
    waitFor?: RegExp;
    /** Another build of the shell (a test bundle of src/main/headless/main.ts); default out/main/headless.js. */
    entry?: string;
  } = {},
): Promise<HeadlessProcess> {
  const entry = options.entry ?? join(ROOT, 'out', 'main', 'headless.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first.`);
  const temp = options.dataDir ? undefined : tempDir('flywheel-e2e-');
  const dataDir = options.dataDir ?? temp!.dir;
  const child = spawn(
    process.execPath,
    [entry, '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const stopChild = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const started = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`headless shell did not print its URL in time:\n${out}`)),
      options.timeoutMs ?? 30_000,
    );
    const onData = () => {
      const match = /FLYWHEEL_URL=(\S+)/.exec(out);
      if (options.waitFor && /^Failed: /m.test(out)) {
        clearTimeout(timer);
        reject(new Error(`headless shell could not start its network:\n${out}`));
      }
      if (match?.[1] && (!options.waitFor || options.waitFor.test(out))) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headless shell exited with ${code}:\n${out}`));
    });
  });
  // A shell that did not come up is stopped too: it may already run a devnet (anvil, in its own process group).
  const url = await started.catch(async (err: unknown) => {
    await stopChild();
    temp?.cleanup();
    throw err;
  });
  const origin = url.slice(0, url.indexOf('/#'));
  const token = url.slice(url.indexOf('#token=') + '#token='.length);
  return {
    url,
    origin,
    token,
    dataDir,
    child,
    output: () => out,
    async stop() {
      await stopChild();
      temp?.cleanup();
    },
  };
}
