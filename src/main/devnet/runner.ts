/**
 * Runs the devnet for the node while the settings say `devnet` (the default): starts it in the background when the
 * node starts, reports each step as the node's start-up `phase`, connects the chain service to it, creates the
 * user's wallet where that needs no passphrase (an OS keychain), pays the wallet its welcome funds, and starts the
 * demo market. Switching the network in Settings stops it (or starts it again).
 */
import { join, resolve } from 'node:path';
import type { NodePhase } from '#shared/api/node';
import { FlywheelError } from '#shared/errors';
import type { BlobStore } from '../blobs/store';
import type { ChainService } from '../chain/chainService';
import type { Engine } from '../engine/engine';
import type { Logger } from '../log';
import type { SettingsStore } from '../settings/store';
import type { Wallet } from '../wallet/wallet';
import { devnetBlobs } from './blobs';
import { Devnet } from './devnet';
import { demoMarketKnobs } from './market/knobs';

export interface DevnetRunnerOptions {
  dataDir: string;
  settings: SettingsStore;
  wallet: Wallet;
  engine: Engine;
  chain: ChainService;
  blobs: BlobStore;
  version: string;
  log: Logger;
  /** Whether a new wallet can be sealed by the OS keychain (no passphrase to ask for). */
  keychainAvailable: () => boolean;
  /** Called with every change of the start-up phase. */
  onPhase: (phase: NodePhase) => void;
  /**
   * `run` (the app): start the devnet unless another process serves it. `join` (the CLI's node): only connect to a
   * devnet that is running — a status query must not start a chain and a market.
   */
  mode?: 'run' | 'join' | 'off';
  env?: NodeJS.ProcessEnv;
}

export class DevnetRunner {
  #devnet: Devnet | null = null;
  #starting: Promise<void> | null = null;
  #phase: NodePhase | null = null;
  #offWallet: (() => void) | null = null;
  #offSettings: () => void;
  #closed = false;

  constructor(private readonly o: DevnetRunnerOptions) {
    let kind = o.settings.get().network.kind;
    this.#offSettings = o.settings.onChange((s) => {
      if (s.network.kind === kind) return;
      kind = s.network.kind;
      void this.#follow();
    });
  }

  /** The devnet while it runs (null otherwise). */
  get devnet(): Devnet | null {
    return this.#devnet;
  }

  /**
   * The data folder whose devnet this node joins as a rig (`FLYWHEEL_DEVNET_DIR`: several nodes on one machine, one
   * devnet), or null: its own.
   */
  get servedFrom(): string | null {
    const dir = (this.o.env ?? process.env).FLYWHEEL_DEVNET_DIR;
    if (!dir) return null;
    const served = resolve(dir);
    return served === resolve(this.o.dataDir) ? null : served;
  }

  /** The start-up phase while the devnet starts or after it failed; null when there is nothing to say. */
  phase(): NodePhase | null {
    return this.#phase;
  }

  /** Starts following the settings (starts the devnet now when they say so); resolves when that start is over. */
  start(): Promise<void> {
    // Said at once: the shells print and show it before the first await.
    if (this.o.mode !== 'off' && this.o.settings.get().network.kind === 'devnet') {
      const label = this.servedFrom
        ? `Joining the devnet of ${this.servedFrom}`
        : this.o.mode === 'join'
          ? 'Looking for a running devnet'
          : 'Starting the local chain';
      this.#setPhase({ id: 'chain', label, state: 'running', progress: 0 });
    }
    return this.#follow();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#offSettings();
    // Stop at once, even mid-deploy: the start then fails on its own, and a shell's shutdown stays quick (a shell
    // killed for taking too long would leave anvil running).
    await this.#stop();
    await this.#starting?.catch(() => undefined);
    await this.#stop();
  }

  async #follow(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    if (this.#closed || this.o.mode === 'off') return;
    if (this.o.settings.get().network.kind === 'devnet') {
      if (!this.#devnet) {
        this.#starting = this.#start();
        await this.#starting;
      }
    } else {
      await this.#stop();
      this.#setPhase(null);
    }
  }

  async #start(): Promise<void> {
    const env = this.o.env ?? process.env;
    const port = env.FLYWHEEL_DEVNET_PORT ? Number(env.FLYWHEEL_DEVNET_PORT) : 0;
    let step: NodePhase = { id: 'chain', label: 'Starting the local chain', state: 'running', progress: 0 };
    const running = (id: string, label: string, progress: number | null) => {
      step = { id, label, state: 'running', progress };
      this.#setPhase(step);
    };
    try {
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        throw new FlywheelError(
          `FLYWHEEL_DEVNET_PORT must be a port number, not "${env.FLYWHEEL_DEVNET_PORT}".`,
          {
            code: 'BAD_INPUT',
          },
        );
      }
      const knobs = demoMarketKnobs(env); // a bad value is said before anything starts
      const servedFrom = this.servedFrom;
      if (servedFrom) running('chain', `Joining the devnet of ${servedFrom}`, 0);
      if (this.o.mode === 'join' && !servedFrom && !(await Devnet.isRunning(this.o.dataDir))) {
        throw new FlywheelError('The devnet is not running.', {
          code: 'UNAVAILABLE',
          action: 'Start Flywheel (`npm start`) or run `flywheel devnet up`.',
        });
      }
      // A rig on another folder's devnet reads that devnet's blobs (its jobs' models and inputs) and leaves its
      // outputs there for the devnet's validators.
      if (servedFrom) this.o.blobs.share(join(servedFrom, 'blobs'));
      const devnet = new Devnet({
        dataDir: servedFrom ?? this.o.dataDir,
        ...(servedFrom ? { rigDir: this.o.dataDir } : {}),
        log: this.o.log,
        blobs: await devnetBlobs(this.o.blobs),
        owner: 'node',
        port,
        onProgress: (p) => running(p.id, p.label, p.progress === null ? null : p.progress * 0.8),
      });
      // Closed while the blobs were read: the close has already stopped what there was, so start nothing.
      if (this.#closed) return;
      this.#devnet = devnet;
      if (this.o.mode !== 'join' && !servedFrom) running('chain', 'Starting the local chain', 0);
      const endpoint = await devnet.start();
      if (this.#closed) return;
      running('connect', 'Connecting to the devnet', 0.85);
      await this.o.chain.connect(endpoint);
      // A rig's wallet gets its welcome funds from the devnet it joined, as the serving node's does.
      if (this.o.mode !== 'join' || servedFrom) await this.#ensureWallet(running);
      if (this.#closed) return;
      if (devnet.owned && env.FLYWHEEL_DEVNET_MARKET !== 'off') {
        running('market', 'Starting the demo market', 0.95);
        await devnet.startMarket({ engine: this.o.engine, version: this.o.version, ...knobs });
      }
      this.#setPhase({ id: 'ready', label: 'Devnet ready', state: 'done', progress: 1 });
    } catch (err) {
      if (this.#closed) return;
      const e = err instanceof FlywheelError ? err : null;
      const message = e ? [e.shortMessage, e.action].filter(Boolean).join(' ') : (err as Error).message;
      this.o.log.error(`the devnet could not start: ${step.label.toLowerCase()} failed`, {
        error: message,
        ...(e?.details ? { details: e.details } : {}),
      });
      this.#setPhase({ ...step, state: 'failed', error: message });
      await this.#stop();
    }
  }

  /**
   * The user's wallet on the devnet: created without a passphrase only where the OS keychain seals it; otherwise the
   * user creates it (with a passphrase) in Settings → Wallet. Either way it gets its welcome funds as soon as it
   * exists.
   */
  async #ensureWallet(running: (id: string, label: string, progress: number | null) => void): Promise<void> {
    const wallet = this.o.wallet;
    if (!wallet.info().exists && this.o.keychainAvailable()) {
      running('wallet', 'Creating your devnet wallet (sealed by the OS keychain)', 0.9);
      await wallet.create({});
    }
    const fund = async () => {
      const address = wallet.address;
      const devnet = this.#devnet;
      if (!address || !devnet) return;
      try {
        await devnet.fund(address);
      } catch (err) {
        this.o.log.warn('could not pay the devnet welcome funds', { error: (err as Error).message });
      }
    };
    this.#offWallet = wallet.onChange(() => void fund());
    if (wallet.address) {
      running('funding', 'Funding your wallet', 0.92);
      await fund();
    }
  }

  async #stop(): Promise<void> {
    this.#offWallet?.();
    this.#offWallet = null;
    const devnet = this.#devnet;
    this.#devnet = null;
    if (this.o.chain.endpoint?.isDevnet) await this.o.chain.disconnect();
    await devnet?.stop();
  }

  #setPhase(phase: NodePhase | null): void {
    this.#phase = phase;
    if (phase) this.o.onPhase(phase);
  }
}
