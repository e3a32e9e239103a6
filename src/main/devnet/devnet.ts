/**
 * The embedded devnet: anvil on a free loopback port with its state in the data folder, the economy contracts
 * deployed once (genesis + two forks, reference models, simulated providers, a validator), the user's wallet
 * funded, and the demo market. A restart loads the saved chain and the bookkeeping and reconnects; a devnet
 * another process already serves (`flywheel devnet up`, or the node) is joined, not started twice.
 */
import { randomInt } from 'node:crypto';
import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createWalletClient, http, zeroAddress, type Address, type PublicClient } from 'viem';
import { FlywheelError } from '#shared/errors';
import type { AnvilProcess } from '../chain/anvil';
import { createChainClient, chainOf } from '../chain/client';
import { DEVNET_NATIVE_PER_TOKEN, loopbackWsUrl, type NetworkEndpoint } from '../chain/endpoint';
import type { Engine } from '../engine/engine';
import type { Logger } from '../log';
import { devnetAccount } from './accounts';
import { DevnetActors } from './actors';
import { bootstrapDevnet } from './bootstrap';
import { newBook, readBook, writeBook, type DevnetBook } from './book';
import { DEFAULT_STATE_INTERVAL_S, startDevnetChain } from './chain';
import { payWelcomeTokens, topUpNative } from './fund';
import { devnetLogger } from './log';
import { devnetLayout, type DevnetLayout } from './layout';
import { DemoMarket, type DemoMarketOptions } from './market/market';
import type { MarketBlobs } from './market/references';
import { clearRunning, liveDevnet, writeRunning } from './running';

export interface DevnetProgress {
  id: string;
  label: string;
  /** 0..1 of the whole start, when known. */
  progress: number | null;
}

export interface DevnetOptions {
  dataDir: string;
  log: Logger;
  blobs: MarketBlobs;
  /** Who starts it: the node, or `flywheel devnet up`. */
  owner: 'node' | 'cli';
  /**
   * A rig joining the devnet that another data folder (`dataDir`) serves: the rig's own folder, where its devnet log
   * and its transaction queues go (the serving folder's files are only read). It never starts the devnet.
   */
  rigDir?: string;
  /** anvil's port: 0 = any free one (default). */
  port?: number;
  stateIntervalS?: number;
  onProgress?: (p: DevnetProgress) => void;
}

/** The devnet's chain ids: "FLW" and four random digits, new for every devnet, so a reset never mixes caches. */
function newChainId(): number {
  return 4_607_063 * 10_000 + randomInt(10_000);
}

export class Devnet {
  readonly layout: DevnetLayout;
  #book: DevnetBook | null = null;
  #anvil: AnvilProcess | null = null;
  #rpcUrl: string | null = null;
  #publicClient: PublicClient | null = null;
  #actors: DevnetActors | null = null;
  #market: DemoMarket | null = null;
  #funding: Promise<unknown> = Promise.resolve();
  #readyTimer: NodeJS.Timeout | undefined;
  /** Set by stop(): a start still waiting for anvil then stops the anvil it gets instead of keeping it. */
  #stopped = false;

  /** The market's and the accounts' chatter: to logs/devnet.log, warnings also to the node's log. */
  readonly #detail: Logger;

  constructor(private readonly o: DevnetOptions) {
    this.layout = devnetLayout(o.dataDir);
    this.#detail = devnetLogger(o.log, o.rigDir ?? o.dataDir);
  }

  /** Whether some process serves the devnet of this data folder now. */
  static async isRunning(dataDir: string): Promise<boolean> {
    const layout = devnetLayout(dataDir);
    let book: DevnetBook | null;
    try {
      book = readBook(layout.bookFile);
    } catch {
      return false;
    }
    return book !== null && (await liveDevnet(layout.runningFile, book.chainId)) !== null;
  }

  get book(): DevnetBook {
    if (!this.#book) throw new FlywheelError('The devnet has not started.', { code: 'UNAVAILABLE' });
    return this.#book;
  }

  get rpcUrl(): string | null {
    return this.#rpcUrl;
  }

  /** Whether this process runs anvil (false when it joined a devnet another process serves). */
  get owned(): boolean {
    return this.#anvil !== null;
  }

  get market(): DemoMarket | null {
    return this.#market;
  }

  get actors(): DevnetActors {
    if (!this.#actors) throw new FlywheelError('The devnet has not started.', { code: 'UNAVAILABLE' });
    return this.#actors;
  }

  /** Starts (or joins) the devnet and deploys it on its first start; resolves with the endpoint to connect to. */
  async start(): Promise<NetworkEndpoint> {
    this.#stopped = false;
    const progress = (id: string, label: string, fraction: number | null) => {
      this.o.log.info(label);
      this.o.onProgress?.({ id, label, progress: fraction });
    };
    let book = readBook(this.layout.bookFile) ?? newBook(newChainId());

    const live = await liveDevnet(this.layout.runningFile, book.chainId);
    if (live && book.status === 'ready') {
      progress('chain', `Joining the devnet served by process ${live.pid}`, 0.5);
      this.#book = book;
      this.#rpcUrl = live.rpcUrl;
      this.#open(live.rpcUrl, book);
      return this.endpoint();
    }
    if (this.o.rigDir) {
      throw new FlywheelError(`The devnet of ${this.o.dataDir} is not running${live ? ' yet' : ''}.`, {
        code: 'UNAVAILABLE',
        action:
          'Start the node that serves it (its data folder is FLYWHEEL_DEVNET_DIR) and wait for "Devnet ready".',
      });
    }
    if (live) {
      throw new FlywheelError('Another Flywheel process is still setting up the devnet.', {
        code: 'CONFLICT',
        action: 'Wait for it to finish, or stop it, then try again.',
      });
    }

    progress('chain', 'Starting the local chain', 0.02);
    const anvil = await startDevnetChain(this.layout, {
      chainId: book.chainId,
      ...(this.o.port !== undefined ? { port: this.o.port } : {}),
      stateIntervalS: this.o.stateIntervalS ?? DEFAULT_STATE_INTERVAL_S,
      log: this.o.log,
    });
    if (this.#stopped) {
      // Stopped while anvil was starting: nobody would stop this one (it runs in its own process group).
      await anvil.stop();
      throw new FlywheelError('The devnet was stopped while it started.', { code: 'UNAVAILABLE' });
    }
    this.#anvil = anvil;
    this.#rpcUrl = anvil.rpcUrl;
    writeRunning(this.layout.runningFile, {
      pid: process.pid,
      anvilPid: anvil.child.pid!,
      rpcUrl: anvil.rpcUrl,
      chainId: book.chainId,
      startedAt: Date.now(),
      owner: this.o.owner,
    });
    try {
      const publicClient = this.#open(anvil.rpcUrl, book);
      book = await this.#checkSavedChain(publicClient, book);
      this.#book = book;
      if (book.status !== 'ready') {
        await bootstrapDevnet({
          layout: this.layout,
          book,
          publicClient,
          adminWallet: createWalletClient({
            chain: chainOf(this.#endpointFor(anvil.rpcUrl, book)),
            transport: http(anvil.rpcUrl),
            account: devnetAccount('admin'),
            pollingInterval: 20,
          }),
          actors: this.actors,
          blobs: this.o.blobs,
          log: this.#detail,
          progress: (id, label, fraction) => progress(id, label, fraction),
        });
        this.#markReadyAfterDump();
      }
      return this.endpoint();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** The endpoint the chain service connects to. */
  endpoint(): NetworkEndpoint {
    return this.#endpointFor(this.#rpcUrl!, this.book);
  }

  /** Starts the demo market (only in the process that runs anvil). */
  async startMarket(
    deps: { engine: Engine; version: string } & Partial<
      Pick<
        DemoMarketOptions,
        | 'paceFactor'
        | 'roundMs'
        | 'validatorSampleRate'
        | 'textShare'
        | 'validatorBudget'
        | 'providers'
        | 'post'
        | 'keeperDrawAfterS'
        | 'assignDelayMs'
      >
    >,
  ): Promise<DemoMarket | null> {
    if (!this.owned) return null;
    this.#market = await DemoMarket.start({
      book: this.book,
      actors: this.actors,
      publicClient: this.#publicClient!,
      blobs: this.o.blobs,
      marketFile: this.layout.marketFile,
      validatorsDir: this.layout.validatorsDir,
      log: this.#detail.child('market'),
      ...deps,
    });
    return this.#market;
  }

  /**
   * Pays a wallet its welcome funds once (100 ETH of gas and 1,000 tokens of each devnet economy). Called for the
   * user's wallet as soon as it exists; a wallet already paid is left alone.
   */
  fund(address: Address): Promise<boolean> {
    const run = this.#funding.then(async () => {
      const book = this.book;
      if (book.funded[address.toLowerCase()]) return false;
      await topUpNative(this.#rpcUrl!, this.#publicClient!, address);
      const faucet = await this.actors.get('faucet');
      await payWelcomeTokens(
        faucet,
        book.economies.filter((e) => e.role !== 'other'),
        address,
      );
      book.funded[address.toLowerCase()] = Date.now();
      if (this.owned) writeBook(this.layout.bookFile, book);
      this.o.log.info('paid the devnet welcome funds', { address });
      return true;
    });
    this.#funding = run.catch(() => undefined);
    return run;
  }

  /** Stops the market and anvil (which writes its state one last time). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#readyTimer);
    await this.#market?.close();
    this.#market = null;
    await this.#actors?.close();
    this.#actors = null;
    if (this.#anvil) {
      await this.#anvil.stop();
      this.#anvil = null;
      // anvil wrote its state on the way out: a finished first start is safe to call ready now.
      if (this.#book && this.#book.status !== 'ready' && this.#book.providers.length > 0) {
        this.#book.status = 'ready';
        writeBook(this.layout.bookFile, this.#book);
      }
      clearRunning(this.layout.runningFile);
    }
  }

  #open(rpcUrl: string, book: DevnetBook): PublicClient {
    const endpoint = this.#endpointFor(rpcUrl, book);
    this.#publicClient = createChainClient(endpoint);
    this.#actors = new DevnetActors(
      this.#publicClient,
      book.chainId,
      this.o.rigDir
        ? join(this.o.rigDir, 'devnet-rig', 'actors')
        : this.o.owner === 'node'
          ? this.layout.actorsDir
          : this.layout.cliActorsDir,
      this.#detail.child('actors'),
    );
    return this.#publicClient;
  }

  #endpointFor(rpcUrl: string, book: DevnetBook): NetworkEndpoint {
    return {
      rpcUrl,
      wsUrl: loopbackWsUrl(rpcUrl),
      chainId: book.chainId,
      factory: book.factory ?? zeroAddress,
      label: 'Devnet (local)',
      nativeSymbol: 'ETH',
      explorerUrl: null,
      isDevnet: true,
      blobStore: { kind: 'local' },
      startBlock: BigInt(book.factoryBlock ?? '0'),
      nativePerToken: DEVNET_NATIVE_PER_TOKEN,
    };
  }

  /**
   * The saved chain must hold what the book says was deployed. A finished devnet whose contracts are gone (the
   * state file was removed or is older than the book) is an error with the way out — never a silent redeploy over
   * the user's records. An unfinished first start is simply begun again.
   */
  async #checkSavedChain(publicClient: PublicClient, book: DevnetBook): Promise<DevnetBook> {
    if (!book.factory) return book;
    const code = await publicClient.getCode({ address: book.factory });
    if (code && code !== '0x') return book;
    if (book.status === 'ready') {
      throw new FlywheelError('The devnet’s saved chain no longer has its contracts.', {
        code: 'CONFLICT',
        details: `factory ${book.factory} missing; state file ${existsSync(this.layout.stateFile) ? 'present' : 'missing'}`,
        action: 'Run `flywheel devnet reset` to start a new devnet; the old one is kept as a copy.',
      });
    }
    const aside = `${this.layout.bookFile}.incomplete-${Date.now()}`;
    renameSync(this.layout.bookFile, aside);
    this.o.log.warn('the devnet’s first start was cut short before its chain was saved; starting it again', {
      kept: aside,
    });
    return newBook(book.chainId);
  }

  /** The book says `ready` once anvil has written a state that holds everything deployed. */
  #markReadyAfterDump(): void {
    const deployedAt = Date.now();
    const intervalMs = (this.o.stateIntervalS ?? DEFAULT_STATE_INTERVAL_S) * 1000;
    const check = () => {
      const book = this.#book;
      if (!book || book.status === 'ready') return;
      let dumped: boolean;
      try {
        dumped = statSync(this.layout.stateFile).mtimeMs > deployedAt;
      } catch {
        dumped = false;
      }
      if (dumped) {
        book.status = 'ready';
        writeBook(this.layout.bookFile, book);
        return;
      }
      this.#readyTimer = setTimeout(check, Math.min(intervalMs, 1000));
    };
    this.#readyTimer = setTimeout(check, 500);
  }
}
