/**
 * The demo market's validators: three identities (validatorCast in cast.ts), each with its own account and bond in
 * every devnet economy — enough that honest votes reach the quorum, which no lone validator can. Each plays the
 * verification game as a real validator would, and as the contract pays it to:
 * - it checks a sample of the results of every provider — the user's included: a result is judged by its model's
 *   policy (ModelView.policy), against a re-run of the job (the reference output, references.ts), so a GPU's
 *   last-bit differences pass and a wrong output fails whoever submitted it;
 * - a result that fails is challenged: the evidence (policy, figures, both output hashes) goes into the blob store,
 *   the salt and the evidence URI are written down, then the commitment is sent and revealed from a later block
 *   with the evidence's `blob:` URI;
 * - it votes on every open challenge it did not open, after checking the result itself — never on the
 *   challenger's word — and settles each vote once the challenge is resolved (settleVote);
 * - a commitment it could not reveal (another validator's older one opened the challenge, the window closed) is
 *   released once a challenge window has passed since it was made (releaseCommitment; part of the bond is kept).
 * What it has started (commitments, votes) is in the market's records, so a restart finishes it.
 */
import { randomBytes } from 'node:crypto';
import { toHex, type Address, type Hash, type PublicClient } from 'viem';
import { challenge } from '../../chain/actions/challenge';
import { challengeCommitment, commitChallenge } from '../../chain/actions/commitChallenge';
import { readChallenge } from '../../chain/actions/readChallenge';
import { readJob } from '../../chain/actions/readJob';
import { readVote } from '../../chain/actions/readVote';
import { releaseCommitment } from '../../chain/actions/releaseCommitment';
import type { ActionClient } from '../../chain/actions/send';
import { settleVote } from '../../chain/actions/settleVote';
import { vote } from '../../chain/actions/vote';
import { economyAbi } from '../../chain/artifacts';
import { readParams } from '../../chain/deploy';
import type { Logger } from '../../log';
import { checkResult, type ResultCheck } from '../../verification/check';
import { buildEvidence, encodeEvidence } from '../../verification/evidence';
import type { DevnetActors } from '../actors';
import type { BoardJob, BoardRound } from './board';
import { validatorCast, type DemoValidatorIdentity } from './cast';
import type { JobInfo } from './jobInfo';
import type { MarketBlobs, ReferenceOutputs } from './references';
import type { MarketStore } from './state';

export interface ValidatorCounts {
  /** Results checked by the policy (sampled from Submitted ones, or to vote on a challenge). */
  checked: number;
  /** Of them, results the policy passed. */
  passed: number;
  /** Results that could not be judged here (the re-run refused, the output unreachable). */
  unjudged: number;
  challenged: number;
  voted: number;
  settled: number;
  released: number;
}

export interface DemoValidatorsOptions {
  actors: Pick<DevnetActors, 'get'>;
  references: ReferenceOutputs;
  blobs: MarketBlobs;
  jobInfo: JobInfo;
  store: MarketStore;
  log: Logger;
  /** Share of Submitted results each validator checks (default 0.6; three validators miss 6 % of them). */
  sampleRate?: number;
  random?: () => number;
  /** Who validates (default: validatorCast). */
  identities?: readonly DemoValidatorIdentity[];
  /**
   * Longest pause (ms) between finding a wrong result and committing to challenge it, drawn at random (default
   * 1,000): validators do not act in the same instant, and one that sees the challenge already open votes instead.
   */
  thinkMs?: number;
  /** How often each validator goes over its open commitments and unsettled votes (default 2,000 ms). */
  upkeepMs?: number;
}

/** A result is checked only with this much of its challenge window left (commit and reveal need two blocks). */
const MIN_WINDOW_LEFT_S = 3;
/** A vote is cast only with this much of the vote left. */
const MIN_VOTE_LEFT_S = 1;

export class DemoValidators {
  private constructor(readonly all: readonly DemoValidator[]) {}

  /** Opens each identity's sender; they act from the next round on. */
  static async start(o: DemoValidatorsOptions): Promise<DemoValidators> {
    // The three identities are one operator's: it commits once per result, and the others vote (two of its own
    // commitments racing would leave the younger one to be released, its fee lost). Commitments a restart found
    // are claimed from the records.
    const claims = new Set(Object.keys(o.store.state.commits).map((k) => k.slice(k.indexOf(':') + 1)));
    const shared = { ...o, cache: new EconomyCache(), claims };
    const all: DemoValidator[] = [];
    for (const who of o.identities ?? validatorCast) {
      all.push(new DemoValidator(who.name, await o.actors.get(who.role), shared));
    }
    return new DemoValidators(all);
  }

  /** All validators' counts added up. */
  get counts(): ValidatorCounts {
    const sum = emptyCounts();
    for (const v of this.all) {
      for (const k of Object.keys(sum) as (keyof ValidatorCounts)[]) sum[k] += v.counts[k];
    }
    return sum;
  }

  see(round: BoardRound): void {
    for (const v of this.all) v.see(round);
  }

  /** Starts nothing more; what is running finishes (its records keep what a restart must finish). */
  close(): void {
    for (const v of this.all) v.close();
  }

  /** Resolves when no validator has work running (tests). */
  async idle(): Promise<void> {
    await Promise.all(this.all.map((v) => v.idle()));
  }
}

function emptyCounts(): ValidatorCounts {
  return { checked: 0, passed: 0, unjudged: 0, challenged: 0, voted: 0, settled: 0, released: 0 };
}

/** Each economy's challenge window (immutable), read once. */
class EconomyCache {
  readonly #windows = new Map<Address, Promise<number>>();

  challengeWindowS(client: PublicClient, economy: Address): Promise<number> {
    let w = this.#windows.get(economy);
    if (!w) {
      w = readParams(client, economy).then((p) => p.challengeWindowS);
      w.catch(() => this.#windows.delete(economy));
      this.#windows.set(economy, w);
    }
    return w;
  }
}

type Shared = DemoValidatorsOptions & {
  cache: EconomyCache;
  /** `economy:jobId` of the results one of the identities is challenging. */
  claims: Set<string>;
};

/** One validator identity. */
export class DemoValidator {
  readonly counts: ValidatorCounts = emptyCounts();
  readonly address: Address;
  /** Results already considered for a check (`economy:jobId:submittedAt`), and challenges for a vote. */
  readonly #sampled = new Set<string>();
  readonly #considered = new Set<string>();
  readonly #running = new Map<string, Promise<void>>();
  #lastUpkeep = 0;
  #closed = false;

  constructor(
    readonly name: string,
    readonly client: ActionClient,
    private readonly o: Shared,
  ) {
    this.address = client.tx.address;
  }

  see(round: BoardRound): void {
    if (this.#closed) return;
    for (const j of round.jobs) {
      if (j.job.status === 'Submitted') this.#sample(j, round);
      else if (j.job.status === 'Voting') this.#considerVote(j, round);
    }
    if (Date.now() - this.#lastUpkeep >= (this.o.upkeepMs ?? 2_000)) {
      this.#lastUpkeep = Date.now();
      this.#run('upkeep', () => this.#upkeep(round.now));
    }
  }

  close(): void {
    this.#closed = true;
  }

  async idle(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running.values()]);
  }

  // ─── checking results ──────────────────────────────────────────────────────────────────────────────────────

  /** Picks a sample of the Submitted results (every provider's) to check while their window leaves time to act. */
  #sample(j: BoardJob, round: BoardRound): void {
    const key = `${j.economy}:${j.jobId}:${j.job.submittedAt}`;
    if (this.#sampled.has(key)) return;
    this.#sampled.add(key);
    if (round.now > j.job.challengeWindowEndsAt - MIN_WINDOW_LEFT_S) return;
    if ((this.o.random ?? Math.random)() >= (this.o.sampleRate ?? 0.6)) return;
    this.#run(`check:${key}`, async () => {
      const result = await this.#check(j);
      if (!result.judged || result.verdict.pass) return;
      this.o.log.info(`${this.name} found a result that fails its model’s policy and challenges it`, {
        economy: j.economy,
        jobId: String(j.jobId),
        provider: result.submitted.provider,
        figures: result.verdict.summary,
      });
      await this.#challenge(j, result, round.now);
    });
  }

  /** Re-runs the job (the reference output) and applies the model's policy to the submitted output. */
  async #check(j: BoardJob): Promise<ResultCheck> {
    const job = await this.o.jobInfo.get(j.economy, j.jobId);
    const result = await checkResult(
      {
        publicClient: this.client.publicClient,
        read: (uri, hash) => this.o.blobs.read(uri, hash),
        rerun: () => this.o.references.fetch(job),
      },
      { economy: j.economy, jobId: j.jobId, modelHash: job.modelHash, inputHash: job.inputHash },
    );
    this.counts.checked++;
    if (!result.judged) {
      this.counts.unjudged++;
      this.o.log.debug(`${this.name} could not judge a result`, {
        economy: j.economy,
        jobId: String(j.jobId),
        reason: result.reason,
      });
    } else if (result.verdict.pass) {
      this.counts.passed++;
    }
    return result;
  }

  // ─── challenging ───────────────────────────────────────────────────────────────────────────────────────────

  /** Publishes the evidence, writes the commitment down, then commits and reveals it. */
  async #challenge(j: BoardJob, result: Extract<ResultCheck, { judged: true }>, now: number): Promise<void> {
    const key = this.#key(j.economy, j.jobId);
    if (this.o.store.state.commits[key]) return;
    const think = (this.o.random ?? Math.random)() * (this.o.thinkMs ?? 1_000);
    await new Promise((r) => setTimeout(r, think));
    // Another validator opened the challenge meanwhile, or another identity of this operator is on it: vote on it
    // when it opens instead of committing in vain.
    const claim = `${j.economy}:${j.jobId}`;
    if (this.#closed || this.o.claims.has(claim)) return;
    this.o.claims.add(claim);
    if ((await readJob(this.client, j)).status !== 'Submitted') {
      this.o.claims.delete(claim);
      return;
    }
    const job = await this.o.jobInfo.get(j.economy, j.jobId);
    const evidence = buildEvidence(
      {
        economy: j.economy,
        jobId: j.jobId,
        provider: result.submitted.provider,
        challenger: this.address,
        modelHash: job.modelHash,
        inputHash: job.inputHash,
        submittedUri: result.submitted.uri,
        referenceUri: result.reference.uri,
      },
      result.verdict,
    );
    const { uri } = await this.o.blobs.put(encodeEvidence(evidence));
    // Written before the commitment is sent: after a restart it can still be revealed, or released.
    this.o.store.state.commits[key] = { salt: toHex(randomBytes(32)), evidenceUri: uri };
    this.o.store.flush();
    // One driver per commitment: the upkeep, which also picks up the ones a restart left, runs under this name too.
    this.#run(`commit:${key}`, () => this.#advanceCommit(j.economy, j.jobId, now));
  }

  /**
   * Takes a written-down commitment one step on: sends it if it never landed (while the result can still be
   * challenged), reveals it while it can win, releases it once it may when it cannot, and forgets it when nothing
   * of it is left on-chain.
   */
  async #advanceCommit(economy: Address, jobId: bigint, now: number): Promise<void> {
    const key = this.#key(economy, jobId);
    const entry = this.o.store.state.commits[key];
    if (!entry) return;
    const forget = () => {
      this.o.claims.delete(`${economy}:${jobId}`);
      delete this.o.store.state.commits[key];
      this.o.store.changed();
    };
    const client = this.client;
    const commitment = challengeCommitment(jobId, this.address, entry.salt);
    const [job, challenged, committedIn] = await Promise.all([
      readJob(client, { economy, jobId }),
      readChallenge(client, { economy, jobId }),
      this.#commitmentBlock(economy, commitment),
    ]);
    if (committedIn === 0n) {
      if (challenged && sameAddress(challenged.challenger, this.address)) return forget(); // revealed
      if (job.status !== 'Submitted' || now > job.challengeWindowEndsAt - MIN_WINDOW_LEFT_S) return forget();
      await commitChallenge(client, { economy, jobId, salt: entry.salt });
      return this.#advanceCommit(economy, jobId, now);
    }
    // Only an older commitment than the current challenger's can take a challenge over.
    const canWin =
      job.status === 'Submitted' ||
      (job.status === 'Voting' && challenged && challenged.commitBlock > committedIn);
    if (canWin && now < job.challengeWindowEndsAt) {
      try {
        await challenge(client, { economy, jobId, salt: entry.salt, evidenceUri: entry.evidenceUri });
        forget();
        this.counts.challenged++;
        return;
      } catch (err) {
        this.o.log.info(`${this.name} could not reveal its challenge; it will release the commitment`, {
          economy,
          jobId: String(jobId),
          error: (err as Error).message,
        });
      }
    }
    const [block, windowS] = await Promise.all([
      client.publicClient.getBlock({ blockNumber: committedIn }),
      this.o.cache.challengeWindowS(client.publicClient, economy),
    ]);
    if (now < Number(block.timestamp) + windowS + 1) return; // the next upkeep tries again
    await releaseCommitment(client, { economy, commitment });
    forget();
    this.counts.released++;
  }

  async #commitmentBlock(economy: Address, commitment: Hash): Promise<bigint> {
    return this.client.publicClient.readContract({
      address: economy,
      abi: economyAbi,
      functionName: 'commitmentBlock',
      args: [commitment],
    });
  }

  // ─── voting ────────────────────────────────────────────────────────────────────────────────────────────────

  /** Every open challenge this validator did not open gets its vote, after it checked the result itself. */
  #considerVote(j: BoardJob, round: BoardRound): void {
    const seen = `${j.economy}:${j.jobId}`;
    if (this.#considered.has(seen)) return;
    this.#considered.add(seen);
    this.#run(`vote:${seen}`, async () => {
      const key = this.#key(j.economy, j.jobId);
      const c = await readChallenge(this.client, j);
      if (!c || c.resolved || sameAddress(c.challenger, this.address)) return;
      const mine = await readVote(this.client, { ...j, validator: this.address });
      if (mine.cast) {
        this.#recordVote(key, mine.resultValid);
        return;
      }
      if (round.now > c.voteEndsAt - MIN_VOTE_LEFT_S) return;
      const result = await this.#check(j);
      if (!result.judged) return;
      const resultValid = result.verdict.pass;
      this.#recordVote(key, resultValid);
      try {
        await vote(this.client, { economy: j.economy, jobId: j.jobId, resultValid });
        this.counts.voted++;
        this.o.log.info(`${this.name} voted the result ${resultValid ? 'valid' : 'invalid'}`, {
          economy: j.economy,
          jobId: String(j.jobId),
          figures: result.verdict.summary,
        });
      } catch (err) {
        // Too late, or no weight (bonded after the challenge opened): nothing to settle.
        delete this.o.store.state.votes[key];
        this.o.store.changed();
        this.o.log.info(`${this.name} could not vote`, {
          economy: j.economy,
          jobId: String(j.jobId),
          error: (err as Error).message,
        });
      }
    });
  }

  /** Written before the vote is sent: a restart settles it. */
  #recordVote(key: string, resultValid: boolean): void {
    if (this.o.store.state.votes[key]) return;
    this.o.store.state.votes[key] = { resultValid };
    this.o.store.flush();
  }

  /** Settles a recorded vote once its challenge is resolved, and forgets it. */
  async #settle(economy: Address, jobId: bigint): Promise<void> {
    const key = this.#key(economy, jobId);
    const c = await readChallenge(this.client, { economy, jobId });
    if (c && !c.resolved) return;
    const mine = await readVote(this.client, { economy, jobId, validator: this.address });
    if (c && mine.cast && !mine.settled) {
      await settleVote(this.client, { economy, jobId, voter: this.address });
      this.counts.settled++;
    }
    delete this.o.store.state.votes[key];
    this.o.store.changed();
  }

  // ─── upkeep ────────────────────────────────────────────────────────────────────────────────────────────────

  /** Goes over this validator's recorded commitments and votes (also those a restart found). */
  async #upkeep(now: number): Promise<void> {
    const prefix = `${this.address.toLowerCase()}:`;
    const mine = (record: Record<string, unknown>) =>
      Object.keys(record)
        .filter((k) => k.startsWith(prefix))
        .map((k) => {
          const [, economy, jobId] = k.split(':') as [string, Address, string];
          return { key: k, economy, jobId: BigInt(jobId) };
        });
    for (const c of mine(this.o.store.state.commits)) {
      this.#run(`commit:${c.key}`, () => this.#advanceCommit(c.economy, c.jobId, now));
    }
    for (const v of mine(this.o.store.state.votes)) {
      this.#run(`settle:${v.key}`, () => this.#settle(v.economy, v.jobId));
    }
  }

  // ─── plumbing ──────────────────────────────────────────────────────────────────────────────────────────────

  #key(economy: Address, jobId: bigint): string {
    return `${this.address.toLowerCase()}:${economy}:${jobId}`;
  }

  /** Runs `fn` unless work under the same name is running; a failure is logged and tried again later. */
  #run(name: string, fn: () => Promise<void>): void {
    if (this.#closed || this.#running.has(name)) return;
    const run = fn()
      .catch((err: Error) =>
        this.o.log.warn(`${this.name} could not finish ${name.split(':')[0]}`, {
          work: name,
          error: err.message,
        }),
      )
      .finally(() => this.#running.delete(name));
    this.#running.set(name, run);
  }
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
