import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { tempDir } from './tmp';

/** Whether this machine can run a private Secret Service: dbus-daemon, gnome-keyring-daemon and secret-tool. */
export function secretServiceTools(): boolean {
  if (process.platform !== 'linux') return false;
  return ['dbus-daemon', 'gnome-keyring-daemon', 'secret-tool'].every(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
  );
}

export interface SecretService {
  /** The environment a process needs to reach it (session bus address, the keyring's home). */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * A real, private Secret Service for a test: its own D-Bus session bus and a gnome-keyring-daemon with an unlocked
 * login keyring in a temporary home, as a desktop login leaves it. Nothing touches the user's own keyring.
 */
export async function startSecretService(): Promise<SecretService> {
  const home = tempDir('flywheel-keyring-');
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    home.cleanup();
  };
  try {
    return { env: await start(home.dir, children), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function start(home: string, children: ChildProcess[]): Promise<NodeJS.ProcessEnv> {
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(bus);
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('dbus-daemon printed no address')), 10_000);
    bus.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    bus.once('exit', (code) => reject(new Error(`dbus-daemon exited ${code}`)));
  });
  const env: NodeJS.ProcessEnv = { DBUS_SESSION_BUS_ADDRESS: address, HOME: home };
  const keyring = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets', '--foreground'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, ...env },
  });
  children.push(keyring);
  // --unlock reads the login keyring's password from stdin (and creates the keyring with it).
  keyring.stdin!.end('keyring-password');
  // Asking the bus before this daemon holds the secrets name would make the bus start another (without the
  // unlocked login keyring): wait for its start-up line first.
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('gnome-keyring-daemon did not start')), 10_000);
    keyring.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('GNOME_KEYRING_CONTROL=')) {
        clearTimeout(timer);
        resolve();
      }
    });
    keyring.once('exit', (code) => reject(new Error(`gnome-keyring-daemon exited ${code}`)));
  });
  // Ready once the login keyring takes a secret.
  const end = Date.now() + 15_000;
  for (;;) {
    const probe = spawnSync('secret-tool', ['store', '--label=probe', 'service', 'flywheel-probe'], {
      env: { ...process.env, ...env },
      input: 'probe',
      encoding: 'utf8',
      timeout: 5000,
    });
    if (probe.status === 0) break;
    if (Date.now() > end) throw new Error(`the Secret Service did not come up: ${probe.stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return env;
}
