/**
 * The demo market in the node's process: a requester posting real jobs in the three devnet economies, simulated
 * providers competing for them with the user's node, three validators — the node's own validator code — that
 * re-run a sample of everyone's results on this machine, judge them by their models' policies and challenge and
 * vote on the wrong ones, and a keeper that draws, finalizes, reports missed deadlines and settles challenges. One
 * round a second reads the open jobs once for all of them. What it costs: a few RPC calls a second, one engine run
 * per new (model, input) pair — the reference outputs the simulated providers submit instead of computing — and
 * the validators' re-runs, at most 10 % of the engine's time (validator.ts).
 */
import type { Address, PublicClient } from 'viem';
import { listEconomies } from '../../chain/actions/listEconomies';
import type { Engine } from '../../engine/engine';
import type { Logger } from '../../log';
import type { DevnetActors } from '../actors';
import type { DevnetBook } from '../book';
import { devnetEconomies } from '../economies';
import { JobBoard, type BoardRound } from './board';
import { JobInfo } from './jobInfo';
import { SimulatedProviders, type SimulatedProvidersOptions } from './simulatedProviders';
import { ReferenceOutputs, type MarketBlobs } from './references';
import { DemoRequester } from './requester';
import { MarketStore } from './state';
import { Upkeep } from './upkeep';
import { DemoValidators, type DemoValidatorsOptions } from './validator';
import { demoWorkloads } from './workloads';

export interface DemoMarketOptions {
  book: DevnetBook;
  actors: DevnetActors;
  publicClient: PublicClient;
  engine: Engine;
  blobs: MarketBlobs;
  marketFile: string;
  /** The validators' event copy and journals (`devnet/validators/`). */
  validatorsDir: string;
  version: string;
  log: Logger;
  /** Milliseconds between rounds (default 1000). */
  roundMs?: number;
  /** Multiplies the requester's pace (default 1; tests use less). */
  paceFactor?: number;
  /** Post jobs (default true); without, the market only serves and keeps what others post. */
  post?: boolean;
  /** Share of the Submitted results the sampling validator re-runs (default 0.5), within its budget. */
  validatorSampleRate?: number;
  /** Share of the requester's posts that are text generations (default: their weights', about 12 %). */
  textShare?: number;
  /** Overrides the validators' budgets (DEMO_VALIDATOR_BUDGETS; tests that want every sample checked). */
  validatorBudget?: DemoValidatorsOptions['budget'];
  /** Seconds before the keeper draws a Posted job itself (default 3; tests 0). */
  keeperDrawAfterS?: number;
  /** Milliseconds before the requester draws its own post (default 1,500; tests 0). */
  assignDelayMs?: number;
  providers?: Pick<SimulatedProvidersOptions, 'runSeconds' | 'misbehaviour' | 'random'>;
}

export class DemoMarket {
  readonly store: MarketStore;
  readonly board: JobBoard;
  readonly upkeep: Upkeep;
  readonly providers: SimulatedProviders;
  readonly validators: DemoValidators;
  readonly references: ReferenceOutputs;
  requester: DemoRequester | null = null;
  #economies: Address[];
  #lastRound: BoardRound | null = null;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #lastListed = 0;
  #lastError = 0;
  #closed = false;

  private constructor(
    private readonly o: DemoMarketOptions,
    parts: {
      store: MarketStore;
      board: JobBoard;
      upkeep: Upkeep;
      providers: SimulatedProviders;
      validators: DemoValidators;
      references: ReferenceOutputs;
    },
  ) {
    this.store = parts.store;
    this.board = parts.board;
    this.upkeep = parts.upkeep;
    this.providers = parts.providers;
    this.validators = parts.validators;
    this.references = parts.references;
    this.#economies = o.book.economies.map((e) => e.economy);
  }

  static async start(o: DemoMarketOptions): Promise<DemoMarket> {
    const log = o.log;
    const store = new MarketStore(o.marketFile, log);
    const jobInfo = new JobInfo(o.publicClient, BigInt(o.book.factoryBlock ?? '0'));
    const references = new ReferenceOutputs({
      engine: o.engine,
      blobs: o.blobs,
      store,
      version: o.version,
      log: log.child('references'),
    });
    const holder: { market?: DemoMarket } = {};
    const board = new JobBoard(o.publicClient, () => holder.market?.economies ?? [], store);
    const upkeep = new Upkeep(
      await o.actors.get('keeper'),
      o.post !== false ? await o.actors.get('requester') : null,
      log.child('keeper'),
      o.keeperDrawAfterS,
    );
    const providers = new SimulatedProviders({
      actors: o.actors,
      references,
      blobs: o.blobs,
      jobInfo,
      log: log.child('providers'),
      ...o.providers,
    });
    if (!o.book.factory) throw new Error('the devnet has no factory yet: the market starts after the deploy');
    const validators = await DemoValidators.start({
      actors: o.actors,
      publicClient: o.publicClient,
      factory: o.book.factory,
      startBlock: BigInt(o.book.factoryBlock ?? '0'),
      engine: o.engine,
      blobs: o.blobs.store,
      dir: o.validatorsDir,
      log: log.child('validators'),
      ...(o.validatorSampleRate !== undefined ? { sampleRate: o.validatorSampleRate } : {}),
      ...(o.validatorBudget ? { budget: o.validatorBudget } : {}),
    });
    const market = new DemoMarket(o, { store, board, upkeep, providers, validators, references });
    holder.market = market;
    if (o.post !== false) {
      market.requester = new DemoRequester({
        requester: await o.actors.get('requester'),
        economies: devnetEconomies.flatMap((spec) => {
          const book = o.book.economies.find((e) => e.role === spec.role);
          return book ? [{ book, spec }] : [];
        }),
        models: o.book.models,
        workloads: demoWorkloads(o.textShare),
        blobs: o.blobs,
        store,
        jobInfo,
        openJobs: (economy) => holder.market?.lastRound?.jobs.filter((j) => j.economy === economy) ?? [],
        log: log.child('requester'),
        ...(o.paceFactor !== undefined ? { paceFactor: o.paceFactor } : {}),
        ...(o.assignDelayMs !== undefined ? { assignDelayMs: o.assignDelayMs } : {}),
      });
      await market.requester.start();
    }
    market.#schedule();
    log.info('the demo market is running', { economies: market.#economies.length });
    return market;
  }

  /** Every economy the factory lists (refreshed every 10 s). */
  get economies(): readonly Address[] {
    return this.#economies;
  }

  /** The last round's view (tests and logs). */
  get lastRound(): BoardRound | null {
    return this.#lastRound;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.requester?.close();
    this.providers.close();
    await this.#round;
    await this.validators.close();
    this.store.flush();
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#round = this.#once().finally(() => {
        this.#round = undefined;
        this.#schedule();
      });
    }, this.o.roundMs ?? 1000);
  }

  async #once(): Promise<void> {
    try {
      await this.#refreshEconomies();
      const round = await this.board.round();
      this.#lastRound = round;
      this.upkeep.act(round);
      this.providers.see(round, this.#economies);
      this.validators.see(round);
    } catch (err) {
      // The chain may be restarting or busy: say so now and then, keep going.
      if (Date.now() - this.#lastError > 30_000) {
        this.#lastError = Date.now();
        this.o.log.warn('a demo market round failed', { error: (err as Error).message });
      }
    }
  }

  /** Economies made later (e.g. `flywheel fork create`) are kept too: the keeper finalizes their jobs. */
  async #refreshEconomies(): Promise<void> {
    if (!this.o.book.factory || Date.now() - this.#lastListed < 10_000) return;
    this.#lastListed = Date.now();
    const all = await listEconomies({ publicClient: this.o.publicClient }, { factory: this.o.book.factory });
    this.#economies = all.map((e) => e.economy);
  }
}
