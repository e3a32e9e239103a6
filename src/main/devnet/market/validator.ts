/**
 * The demo validator: bonded in every devnet economy, it checks a sample of the simulated providers' results
 * against the reference output for the same model and input (what re-running the job gives) and challenges a
 * result that differs: commit, reveal a block later, vote "invalid" with its bond. When the vote ends the keeper
 * settles it (Rejected: the provider's collateral slashed, the requester refunded).
 *
 * It leaves the user's results alone: a GPU's output can differ in the last bits from this machine's CPU re-run
 * without being wrong, and the demo must never slash the user for that.
 */
import { randomBytes } from 'node:crypto';
import { toHex, type Address, type Hash, type PublicClient } from 'viem';
import { challenge } from '../../chain/actions/challenge';
import { commitChallenge } from '../../chain/actions/commitChallenge';
import type { ActionClient } from '../../chain/actions/send';
import { economyAbi } from '../../chain/artifacts';
import type { Logger } from '../../log';
import type { BoardJob, BoardRound } from './board';
import type { JobInfo } from './jobInfo';
import type { ReferenceOutputs } from './references';
import type { MarketStore } from './state';

export interface ValidatorCounts {
  checked: number;
  challenged: number;
}

export interface DemoValidatorOptions {
  validator: ActionClient;
  references: ReferenceOutputs;
  jobInfo: JobInfo;
  store: MarketStore;
  /** Whose results it checks (the simulated providers). */
  checks: (provider: Address | null) => boolean;
  log: Logger;
  /** Share of results checked (default 0.6). */
  sampleRate?: number;
  random?: () => number;
}

/** A result is checked only with this much of its challenge window left (commit and reveal need two blocks). */
const MIN_WINDOW_LEFT_S = 3;

export class DemoValidator {
  readonly counts: ValidatorCounts = { checked: 0, challenged: 0 };
  readonly #seen = new Set<string>();

  constructor(private readonly o: DemoValidatorOptions) {}

  see(round: BoardRound): void {
    const random = this.o.random ?? Math.random;
    for (const j of round.jobs) {
      if (j.job.status !== 'Submitted' || !this.o.checks(j.job.provider)) continue;
      const key = `${j.economy}:${j.jobId}:${j.job.submittedAt}`;
      if (this.#seen.has(key)) continue;
      this.#seen.add(key);
      if (round.now > j.job.challengeWindowEndsAt - MIN_WINDOW_LEFT_S) continue;
      if (random() >= (this.o.sampleRate ?? 0.6)) continue;
      void this.#check(j, round.head).catch((err: Error) =>
        this.o.log.warn('the validator could not check a result', {
          economy: j.economy,
          jobId: String(j.jobId),
          error: err.message,
        }),
      );
    }
  }

  async #check(j: BoardJob, head: bigint): Promise<void> {
    const submitted = await submittedOutput(this.o.validator.publicClient, j, head);
    if (!submitted) return;
    const job = await this.o.jobInfo.get(j.economy, j.jobId);
    const reference = await this.o.references.output(job);
    this.counts.checked++;
    if (reference.outputHash.toLowerCase() === submitted.toLowerCase()) return;
    this.o.log.info('the validator found a wrong result and challenges it', {
      economy: j.economy,
      jobId: String(j.jobId),
    });
    const commitKey = `${j.economy}:${j.jobId}`;
    // The salt is written down before the commitment is sent: after a restart the reveal can still be made.
    const salt = (this.o.store.state.commits[commitKey] ??= toHex(randomBytes(32)));
    this.o.store.flush();
    await commitChallenge(this.o.validator, { economy: j.economy, jobId: j.jobId, salt });
    await challenge(this.o.validator, { economy: j.economy, jobId: j.jobId, salt });
    delete this.o.store.state.commits[commitKey];
    this.o.store.changed();
    this.counts.challenged++;
  }
}

/** The output hash a job's provider submitted (its ResultSubmitted event, searched over recent blocks). */
async function submittedOutput(client: PublicClient, j: BoardJob, head: bigint): Promise<Hash | null> {
  const logs = await client.getContractEvents({
    address: j.economy,
    abi: economyAbi,
    eventName: 'ResultSubmitted',
    args: { jobId: j.jobId },
    fromBlock: head > 5_000n ? head - 5_000n : 0n,
    toBlock: 'latest',
  });
  return logs.at(-1)?.args.outputHash ?? null;
}
