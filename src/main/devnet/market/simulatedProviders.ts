/**
 * The simulated providers: real accounts with real bonds, drawn by the real contract, paid and slashed for real.
 * Only their compute is simulated: instead of running a job they wait a moment (as if running it) and submit the
 * reference output the real engine gave for that model and input (references.ts), computing it first when this
 * machine has not seen the pair. Babbage now and then submits a wrong output instead, one that fails its model's
 * verification policy (the validators catch it); Curie now and then lets a deadline pass (the keeper reports it and
 * Curie is slashed). Jailed ones leave jail when their cool-down ends.
 */
import type { Address, Hash } from 'viem';
import { acceptJob } from '../../chain/actions/acceptJob';
import { addBond } from '../../chain/actions/addBond';
import { declineJob } from '../../chain/actions/declineJob';
import { readModel } from '../../chain/actions/readModel';
import { readProvider } from '../../chain/actions/readProvider';
import type { ActionClient } from '../../chain/actions/send';
import { submitResult } from '../../chain/actions/submitResult';
import { unjail } from '../../chain/actions/unjail';
import type { Logger } from '../../log';
import { tokensToClaim } from '../../jobs/tokens';
import { falsifyOutput } from '../../verification/falsify';
import { isDecline } from '#shared/decline';
import { policyOf } from '#shared/policy';
import type { DevnetActors } from '../actors';
import { devnetAccount } from '../accounts';
import type { BoardJob, BoardRound } from './board';
import { cast, MISBEHAVIOUR_RATE, PROVIDER_BOND, type SimulatedProvider } from './cast';
import type { JobInfo } from './jobInfo';
import type { MarketBlobs, ReferenceOutputs } from './references';

export interface SimulatedProviderCounts {
  submitted: number;
  wrong: number;
  missed: number;
  declined: number;
}

export interface SimulatedProvidersOptions {
  actors: DevnetActors;
  references: ReferenceOutputs;
  blobs: MarketBlobs;
  jobInfo: JobInfo;
  log: Logger;
  random?: () => number;
  /** Seconds a simulated run takes: uniform in this range. */
  runSeconds?: [number, number];
  /** Overrides of how often Babbage is wrong and Curie is late (tests force them). */
  misbehaviour?: Partial<typeof MISBEHAVIOUR_RATE>;
}

export class SimulatedProviders {
  readonly counts: SimulatedProviderCounts = { submitted: 0, wrong: 0, missed: 0, declined: 0 };
  readonly byAddress = new Map<string, SimulatedProvider>(
    cast.map((p) => [devnetAccount(p.role).address.toLowerCase(), p]),
  );
  readonly #handled = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #lastCheck = 0;
  #closed = false;

  constructor(private readonly o: SimulatedProvidersOptions) {}

  /** Whether an address is one of the simulated providers. */
  isSimulated(address: Address | null): boolean {
    return !!address && this.byAddress.has(address.toLowerCase());
  }

  see(round: BoardRound, economies: readonly Address[]): void {
    for (const j of round.jobs) {
      if (j.job.status !== 'Assigned' || !this.isSimulated(j.job.provider)) continue;
      const key = `${j.economy}:${j.jobId}:${j.job.assignedAt}`;
      if (this.#handled.has(key)) continue;
      this.#handled.add(key);
      this.#take(j, this.byAddress.get(j.job.provider!.toLowerCase())!);
    }
    if (Date.now() - this.#lastCheck > 5_000) {
      this.#lastCheck = Date.now();
      void this.#maintain(round.now, economies);
    }
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  #take(j: BoardJob, who: SimulatedProvider): void {
    const random = this.o.random ?? Math.random;
    const rates = { ...MISBEHAVIOUR_RATE, ...this.o.misbehaviour };
    // Each one accepts at once, as a node that means to run the job does: from then on a missed deadline is
    // slashed (a job never accepted would only be a no-show, re-drawn without a slash).
    void this.#accept(j, who);
    if (who.behaviour === 'late' && random() < rates.late) {
      this.counts.missed++;
      this.o.log.info(`${who.name} lets the deadline of a job pass`, {
        economy: j.economy,
        jobId: String(j.jobId),
      });
      return;
    }
    const [lo, hi] = this.o.runSeconds ?? [1.5, 4];
    const delayMs = (lo + random() * (hi - lo)) * 1000;
    const wrong = who.behaviour === 'sloppy' && random() < rates.sloppy;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) void this.#run(j, who, wrong);
    }, delayMs);
    this.#timers.add(timer);
  }

  async #accept(j: BoardJob, who: SimulatedProvider): Promise<void> {
    try {
      const client = await this.o.actors.get(who.role);
      await acceptJob(client, { economy: j.economy, jobId: j.jobId, assignedAt: j.job.assignedAt });
    } catch (err) {
      this.o.log.debug(`${who.name} could not accept a job`, {
        economy: j.economy,
        jobId: String(j.jobId),
        error: (err as Error).message,
      });
    }
  }

  async #run(j: BoardJob, who: SimulatedProvider, wrong: boolean): Promise<void> {
    const client = await this.o.actors.get(who.role);
    try {
      const job = await this.o.jobInfo.get(j.economy, j.jobId);
      let output: { outputHash: Hash; uri: string };
      try {
        output = await this.o.references.output(job);
      } catch (err) {
        if (!isDecline(err)) throw err;
        await declineJob(client, { economy: j.economy, jobId: j.jobId, reason: err.reason });
        this.counts.declined++;
        return;
      }
      if (wrong) output = await this.#wrongOutput(client, j.economy, job.modelHash, output);
      // A job priced per token is paid for the tokens the output holds (none claimed for a flat fee).
      const tokens = await tokensToClaim(this.o.blobs.store, j.job, {
        uri: output.uri,
        hash: output.outputHash,
      });
      await submitResult(client, {
        economy: j.economy,
        jobId: j.jobId,
        outputHash: output.outputHash,
        outputUri: output.uri,
        ...(tokens === undefined ? {} : { tokens }),
      });
      this.counts.submitted++;
      if (wrong) {
        this.counts.wrong++;
        this.o.log.info(`${who.name} submitted a wrong output`, {
          economy: j.economy,
          jobId: String(j.jobId),
        });
      }
    } catch (err) {
      this.o.log.warn(`${who.name} could not finish a job`, {
        economy: j.economy,
        jobId: String(j.jobId),
        error: (err as Error).message,
      });
    }
  }

  /**
   * The reference output changed so that it fails the model's policy (verification/falsify.ts): well-formed,
   * plausible, and wrong by the same rule every validator checks — not merely another hash.
   */
  async #wrongOutput(
    client: ActionClient,
    economy: Address,
    modelHash: Hash,
    right: { outputHash: Hash; uri: string },
  ): Promise<{ outputHash: Hash; uri: string }> {
    const model = await readModel(client, { economy, modelHash });
    const bytes = await this.o.blobs.read(right.uri, right.outputHash);
    const { hash, uri } = await this.o.blobs.put(
      falsifyOutput(bytes, model?.policy ?? policyOf({ rule: 'exact' })),
    );
    return { outputHash: hash, uri };
  }

  /**
   * Keeps each simulated provider in the draw: out of jail once its cool-down is over, and its bond topped up after
   * each slash (a bond under the economy's minimum carries no weight, and a smaller bond a smaller share).
   */
  async #maintain(now: number, economies: readonly Address[]): Promise<void> {
    for (const who of cast) {
      const client: ActionClient = await this.o.actors.get(who.role);
      for (const economy of economies) {
        try {
          const p = await readProvider(client, { economy, account: client.tx.address });
          if (p.status === 'None' || p.status === 'Exited') continue;
          if (p.status === 'Jailed' && p.jailedUntil <= now) await unjail(client, { economy });
          if (p.bond < PROVIDER_BOND) await addBond(client, { economy, amount: PROVIDER_BOND - p.bond });
        } catch (err) {
          this.o.log.debug(`${who.name} could not keep up its standing`, {
            economy,
            error: (err as Error).message,
          });
        }
      }
    }
  }
}
