/**
 * The demo market's validators are the node's validator (src/main/validator/validatorService.ts), run three times: one
 * ValidatorService per identity (validatorCast in cast.ts), each signing with its own devnet account, with its own
 * journal, switch and budget under `devnet/validators/<role>/`, and all of them re-running on this machine's engine.
 * So the devnet's verification is the real one: a sampled result is fetched by its hashes, re-run here and judged by
 * its model's on-chain policy (a GPU's last-bit differences pass, a wrong output fails whoever submitted it — the
 * user's results included); a failing one is challenged (commit, then reveal with the evidence), the others check it
 * themselves before they vote, and each settles its vote — every step journaled, so a restart finishes it.
 *
 * Sized for a two-core machine, by the validator's own budget: the first identity samples the results
 * (`sampleRate`, biased toward providers it has checked less) and may take 4 % of the engine's time; the other two
 * only check what is challenged, before voting on it (3 % each) — at most 10 % of one core together, and a wrong
 * result is challenged once (two commitments racing would leave one to be released, its fee lost).
 *
 * They share one copy of the chain's events (`devnet/validators/events.jsonl`), synced once a market round, and act
 * on the round's chain time; each market round is one pass of each validator.
 */
import { join } from 'node:path';
import type { Address, PublicClient } from 'viem';
import type { JobCheck } from '#shared/api/jobs';
import type { ValidatorConfig } from '#shared/api/validator';
import { defaultSettings } from '#shared/api/settings';
import type { BlobStore } from '../../blobs/store';
import { readEconomy, type ReadEconomyReturnType } from '../../chain/actions/readEconomy';
import type { ActionClient } from '../../chain/actions/send';
import { ChainSync, type SyncChange } from '../../chain/sync/chainSync';
import type { Engine } from '../../engine/engine';
import { EventBus } from '../../events';
import type { Logger } from '../../log';
import type { CheckEntry } from '../../validator/journal';
import { ValidatorService, type ValidatorChain } from '../../validator/validatorService';
import type { DevnetActors } from '../actors';
import type { BoardRound } from './board';
import { validatorCast, type DemoValidatorIdentity } from './cast';

export interface ValidatorCounts {
  /** Results re-run here (sampled from Submitted ones, or to vote on a challenge), judged or not. */
  checked: number;
  /** Of them, results the policy passed. */
  passed: number;
  /** Results that could not be judged here (the re-run refused, the output unreachable, over the budget). */
  unjudged: number;
  challenged: number;
  voted: number;
  settled: number;
  released: number;
}

/**
 * Each identity's budget: the sampler's, then the voters'. 4 + 3 + 3 = 10 % of the engine's time at most; a re-run
 * of a devnet model takes tens of milliseconds, so the sampler still checks a result every few seconds, and each
 * voter can check a challenged result within the vote window.
 */
export const DEMO_VALIDATOR_BUDGETS: readonly ValidatorConfig[] = [
  { sampleRate: 0.5, jobsPerHour: 360, maxEngineSharePct: 4 },
  { sampleRate: 0, jobsPerHour: 120, maxEngineSharePct: 3 },
  { sampleRate: 0, jobsPerHour: 120, maxEngineSharePct: 3 },
];

export interface DemoValidatorsOptions {
  actors: Pick<DevnetActors, 'get'>;
  publicClient: PublicClient;
  /** The devnet's factory and its deployment block: the events are read from there. */
  factory: Address;
  startBlock: bigint;
  engine: Engine;
  /** The node's blob store (fetch by URI with the hash checked; publish the re-runs and the evidence). */
  blobs: Pick<BlobStore, 'fetch' | 'publish'>;
  /** `devnet/validators/`: the shared event copy, and one folder per identity. */
  dir: string;
  log: Logger;
  /** The sampler's share of Submitted results (default DEMO_VALIDATOR_BUDGETS[0].sampleRate). */
  sampleRate?: number;
  /** Overrides every identity's budget (tests that want every sampled result checked). */
  budget?: Partial<Pick<ValidatorConfig, 'jobsPerHour' | 'maxEngineSharePct'>>;
  random?: () => number;
  /** Who validates (default: validatorCast); the first samples, the others vote. */
  identities?: readonly DemoValidatorIdentity[];
}

/** Events other accounts' results need: a job's whole life fits in well under an hour on the devnet. */
const KEEP_EVENTS_S = 3_600;

export class DemoValidators {
  #now: { chainS: number; atMs: number } | null = null;
  #pass: Promise<void> | null = null;
  #compactAt = 0;
  #closed = false;

  private constructor(
    readonly all: readonly DemoValidator[],
    private readonly sync: ChainSync,
    private readonly log: Logger,
  ) {}

  /** Opens each identity's sender, journal and budget; they act from the next round on. */
  static async start(o: DemoValidatorsOptions): Promise<DemoValidators> {
    const sync = ChainSync.open({
      file: join(o.dir, 'events.jsonl'),
      client: o.publicClient,
      factory: o.factory,
      startBlock: o.startBlock,
      reorgDepth: 2,
      keep: (l, now) => l.t > now - KEEP_EVENTS_S,
      log: o.log.child('events'),
    });
    const feed = {
      sync,
      refresh: (head?: bigint): Promise<SyncChange | null> =>
        head === undefined ? Promise.resolve(null) : sync.sync(head),
    };
    const infos = new Map<Address, Promise<ReadEconomyReturnType>>();
    const economies = {
      info(economy: Address): Promise<ReadEconomyReturnType> {
        let info = infos.get(economy);
        if (!info) {
          info = readEconomy({ publicClient: o.publicClient }, { economy });
          info.catch(() => infos.delete(economy));
          infos.set(economy, info);
        }
        return info;
      },
      get: async (economy: Address) => ({ economy }),
    };
    const events = new EventBus(); // nobody listens: the devnet's validators have no page of their own
    const all: DemoValidator[] = [];
    const holder: { validators?: DemoValidators } = {};
    const identities = o.identities ?? validatorCast;
    for (const [i, who] of identities.entries()) {
      const client = await o.actors.get(who.role);
      const chain: ValidatorChain = {
        connected: true,
        account: client.tx.address,
        endpoint: { isDevnet: true },
        actionClient: async () => client,
        client: () => o.publicClient,
        now: () => holder.validators?.now() ?? Date.now() / 1000,
        onChange: () => () => undefined,
      };
      const service = new ValidatorService({
        dataDir: join(o.dir, who.role),
        chain,
        feed,
        economies,
        blobs: o.blobs,
        engine: o.engine,
        events,
        settings: () => defaultSettings,
        log: o.log.child(who.name),
        tickMs: 0, // one pass a market round (see)
        ...(o.random ? { random: o.random } : {}),
      });
      const budget = DEMO_VALIDATOR_BUDGETS[Math.min(i, DEMO_VALIDATOR_BUDGETS.length - 1)]!;
      await service.configure({
        ...budget,
        ...o.budget,
        ...(i === 0 && o.sampleRate !== undefined ? { sampleRate: o.sampleRate } : {}),
      });
      await service.start();
      all.push(new DemoValidator(who.name, client, service));
    }
    const validators = new DemoValidators(all, sync, o.log);
    holder.validators = validators;
    return validators;
  }

  /** Chain time as the last round saw it, moved on by the wall clock since. */
  now(): number {
    if (!this.#now) return Date.now() / 1000;
    return this.#now.chainS + (Date.now() - this.#now.atMs) / 1000;
  }

  /** All validators' counts added up. */
  get counts(): ValidatorCounts {
    const sum = emptyCounts();
    for (const v of this.all) {
      const c = v.counts;
      for (const k of Object.keys(sum) as (keyof ValidatorCounts)[]) sum[k] += c[k];
    }
    return sum;
  }

  /** A market round: the events are synced to its head, then each validator takes one pass (one at a time). */
  see(round: BoardRound): void {
    this.#now = { chainS: round.now, atMs: Date.now() };
    if (this.#closed || this.#pass) return;
    this.#pass = (async () => {
      await this.sync.sync(round.head);
      for (const v of this.all) {
        if (this.#closed) return;
        await v.service.tick();
      }
      if (Date.now() > this.#compactAt) {
        this.#compactAt = Date.now() + 10 * 60_000;
        this.sync.compact();
      }
    })()
      .catch((err: Error) =>
        this.log.warn('the validators could not finish a pass', { error: err.message.split('\n')[0] }),
      )
      .finally(() => {
        this.#pass = null;
      });
  }

  /**
   * Each validator's check of one result, for the job's page: the user sees its results re-run and judged here
   * (checks that agree leave nothing on-chain).
   */
  checksOf(economy: Address, jobId: bigint): JobCheck[] {
    return this.all.flatMap((v) => {
      const c = v.service.checkOf(economy, jobId);
      return c ? [{ ...c, validator: v.address, by: `${v.name} (devnet validator)` }] : [];
    });
  }

  /** Resolves when the pass running (if any) is done (tests). */
  async idle(): Promise<void> {
    while (this.#pass) await this.#pass;
  }

  /** Finishes the pass running and closes the journals (what they hold is finished after a restart). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.idle();
    for (const v of this.all) await v.service.close();
    this.sync.close();
  }
}

function emptyCounts(): ValidatorCounts {
  return { checked: 0, passed: 0, unjudged: 0, challenged: 0, voted: 0, settled: 0, released: 0 };
}

/** One validator identity: the node's validator service on a devnet account. */
export class DemoValidator {
  readonly address: Address;

  constructor(
    readonly name: string,
    readonly client: ActionClient,
    readonly service: ValidatorService,
  ) {
    this.address = client.tx.address;
  }

  /** What its journal says it did. */
  get counts(): ValidatorCounts {
    return countsOf(this.service.journal.entries());
  }
}

function countsOf(entries: readonly CheckEntry[]): ValidatorCounts {
  const c = emptyCounts();
  for (const e of entries) {
    const f = e.fields;
    const judged = f.pass !== undefined;
    if (judged || e.step === 'skipped') c.checked++;
    if (f.pass === true) c.passed++;
    if (!judged && e.step === 'skipped') c.unjudged++;
    const after = ['resolved', 'settled'].includes(e.step);
    if (f.resultValid === undefined && f.commitment && (e.step === 'challenged' || after)) c.challenged++;
    if (f.resultValid !== undefined && (e.step === 'voted' || after)) c.voted++;
    if (f.resultValid !== undefined && e.step === 'settled') c.settled++;
    if (e.step === 'released') c.released++;
  }
  return c;
}
