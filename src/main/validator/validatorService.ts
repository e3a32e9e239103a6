/**
 * The validator role: for every economy this wallet is bonded in as a validator, the node picks results still in
 * their challenge window (sampler.ts), re-runs them on this machine's engine and judges them by the model's on-chain
 * verification policy (rerun.ts), keeps the evidence, challenges a result that fails (commit, then reveal from a
 * later block, inside the window), votes in other validators' challenges after checking the result itself, and
 * resolves and settles what it took part in. Every step is journaled before it is taken (journal.ts) and each
 * transaction carries an idempotency key, so a restart after `kill -9` finishes what was begun: a commitment is
 * revealed or released, a vote is sent once with the value decided before the crash, and nothing is sent after
 * its window.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAddress, toHex, type Address, type Hash, type PublicClient } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import type { TxRef } from '#shared/api/provider';
import {
  defaultValidatorConfig,
  type CheckAction,
  type ValidatorCheck,
  type ValidatorConfig,
  type ValidatorEconomy,
  type ValidatorLifecycleResult,
  type ValidatorRisk,
  type ValidatorState,
} from '#shared/api/validator';
import type { Settings } from '#shared/api/settings';
import { FlywheelError } from '#shared/errors';
import { describePolicy } from '#shared/policy';
import { formatUnits } from '#shared/units';
import type { BlobStore } from '../blobs/store';
import { addValidatorBond } from '../chain/actions/addValidatorBond';
import { approveToken } from '../chain/actions/approveToken';
import { challenge } from '../chain/actions/challenge';
import { challengeCommitment, commitChallenge } from '../chain/actions/commitChallenge';
import { readChallenge } from '../chain/actions/readChallenge';
import type { ReadEconomyReturnType } from '../chain/actions/readEconomy';
import { readJob } from '../chain/actions/readJob';
import { readValidator, type ReadValidatorReturnType } from '../chain/actions/readValidator';
import { readVote } from '../chain/actions/readVote';
import { registerValidator } from '../chain/actions/registerValidator';
import { releaseCommitment } from '../chain/actions/releaseCommitment';
import { requestValidatorExit } from '../chain/actions/requestValidatorExit';
import { resolveChallenge } from '../chain/actions/resolveChallenge';
import type { ActionClient } from '../chain/actions/send';
import { settleVote } from '../chain/actions/settleVote';
import { vote } from '../chain/actions/vote';
import { withdrawValidatorBond } from '../chain/actions/withdrawValidatorBond';
import { economyAbi } from '../chain/artifacts';
import type { NetworkEndpoint } from '../chain/endpoint';
import type { EventFeed } from '../chain/sync/feed';
import { sameAddress, type StoredLog } from '../chain/sync/storedLog';
import { isTransient } from '../chain/tx/errors';
import type { EconomiesService } from '../economies/economiesService';
import type { Engine } from '../engine/engine';
import type { EventBus } from '../events';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { Logger } from '../log';
import { buildEvidence, encodeEvidence } from '../verification/evidence';
import { CheckJournal, endCheckSteps, type CheckEntry, type CheckFields } from './journal';
import { rerunAndJudge, type RerunJob } from './rerun';
import { pickChance, RerunBudget } from './sampler';

/**
 * What the service needs of the chain connection: the node's ChainService, or any one account's sender (the devnet's
 * validators, src/main/devnet/market/validator.ts).
 */
export interface ValidatorChain {
  readonly connected: boolean;
  /** The signing account (null while it cannot sign). */
  readonly account: Address | null;
  readonly endpoint: Pick<NetworkEndpoint, 'isDevnet'> | null;
  actionClient(): Promise<ActionClient>;
  client(): PublicClient;
  /** Chain time now, unix seconds. */
  now(): number;
  onChange(listener: () => void): () => void;
}

export interface ValidatorServiceOptions {
  /** Its files go under `<dataDir>/validator/` (the journal, the switch and budget). */
  dataDir: string;
  chain: ValidatorChain;
  /** The copy of the network's events it picks results from. */
  feed: Pick<EventFeed, 'sync' | 'refresh'>;
  economies: { info: EconomiesService['info']; get(economy: Address): Promise<{ economy: Address }> };
  blobs: Pick<BlobStore, 'fetch' | 'publish'>;
  engine: Engine;
  events: Pick<EventBus, 'emit'>;
  settings: () => Pick<Settings, 'limits' | 'payoutAddress'>;
  log: Logger;
  /** The wallet's address, locked or not (its standing is read without the key). */
  account?: () => Address | null;
  /**
   * Whether this process runs the validator loop. The CLI does not (the app or headless shell with the same data
   * folder does); it reads, and sends what a command asks for.
   */
  work?: boolean;
  /** How often the loop looks for work (default 1 s on a devnet, 5 s elsewhere); 0: only when `tick()` is called. */
  tickMs?: number;
  random?: () => number;
}

interface Switch extends ValidatorConfig {
  on: boolean;
}

const JOB_EVENTS = new Set(['ResultSubmitted', 'ChallengeOpened', 'ChallengerReplaced']);

export class ValidatorService {
  readonly journal: CheckJournal;
  readonly #o: ValidatorServiceOptions;
  readonly #budget: RerunBudget;
  readonly #configFile: string;
  #switch: Switch;
  #standings = new Map<Address, { v: ReadValidatorReturnType; at: number }>();
  /** Results already considered for a sample or a vote in this run (`economy:jobId:event`). */
  readonly #considered = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | null = null;
  #error: string | null = null;
  #closed = false;
  readonly #off: (() => void)[] = [];

  constructor(options: ValidatorServiceOptions) {
    this.#o = options;
    this.journal = CheckJournal.open(CheckJournal.path(options.dataDir), {
      log: options.log.child('journal'),
    });
    this.#configFile = join(options.dataDir, 'validator', 'config.json');
    this.#switch = readSwitch(this.#configFile);
    this.#budget = new RerunBudget(() => this.#switch);
    if (options.work !== false) {
      const ms = options.tickMs ?? (options.chain.endpoint?.isDevnet === false ? 5_000 : 1_000);
      if (ms > 0) {
        this.#timer = setInterval(() => void this.tick(), ms);
        this.#timer.unref();
      }
      this.#off.push(options.chain.onChange(() => this.#standings.clear()));
    }
  }

  // ─── commands ─────────────────────────────────────────────────────────────────────────────────────────────

  async start(): Promise<ValidatorState> {
    this.#save({ ...this.#switch, on: true });
    void this.tick();
    return this.state();
  }

  async stop(): Promise<ValidatorState> {
    this.#save({ ...this.#switch, on: false });
    return this.state();
  }

  async configure(patch: Partial<ValidatorConfig>): Promise<ValidatorState> {
    const next = { ...this.#switch };
    if (patch.sampleRate !== undefined) next.sampleRate = patch.sampleRate;
    if (patch.jobsPerHour !== undefined) next.jobsPerHour = patch.jobsPerHour;
    if (patch.maxEngineSharePct !== undefined) next.maxEngineSharePct = patch.maxEngineSharePct;
    this.#save(next);
    return this.state();
  }

  /** Bonds in as a validator (approving the economy for the tokens when needed), or adds to the bond. */
  async join(economy: Address, bond: bigint): Promise<ValidatorLifecycleResult> {
    const { client, info } = await this.#deps(economy);
    const before = await readValidator(client, { economy: info.economy, account: client.tx.address });
    if (before.status === 'Exiting') {
      throw new FlywheelError(
        'This wallet is leaving that economy as a validator; withdraw the bond once it has unbonded, then bond again.',
        { code: 'CONFLICT' },
      );
    }
    if ((before.status === 'None' || before.status === 'Exited') && bond < info.params.validatorMinBond) {
      throw new FlywheelError('The bond must be at least the economy’s minimum validator bond.', {
        code: 'BAD_INPUT',
        details: `${this.#amount(info, bond)} < ${this.#amount(info, info.params.validatorMinBond)}`,
      });
    }
    const txs: TxRef[] = [];
    const note = (label: string, hash: Hash | null) =>
      hash && txs.push({ label, hash, economy: info.economy });
    note(
      'Approve the economy to take tokens',
      (await approveToken(client, { token: info.token.address, spender: info.economy })).hash,
    );
    if (before.status === 'Active') {
      note(
        'Add to the validator bond',
        (await addValidatorBond(client, { economy: info.economy, amount: bond })).hash,
      );
    } else {
      note('Bond as a validator', (await registerValidator(client, { economy: info.economy, bond })).hash);
    }
    return this.#lifecycleResult(info, txs);
  }

  async addBond(economy: Address, amount: bigint): Promise<ValidatorLifecycleResult> {
    const { client, info } = await this.#deps(economy);
    const v = await readValidator(client, { economy: info.economy, account: client.tx.address });
    if (v.status !== 'Active') {
      throw new FlywheelError('Only an active validator adds to its bond; bond in first.', {
        code: 'CONFLICT',
      });
    }
    const txs: TxRef[] = [];
    const approved = await approveToken(client, { token: info.token.address, spender: info.economy });
    if (approved.hash)
      txs.push({ label: 'Approve the economy to take tokens', hash: approved.hash, economy });
    const r = await addValidatorBond(client, { economy: info.economy, amount });
    if (r.hash) txs.push({ label: 'Add to the validator bond', hash: r.hash, economy });
    return this.#lifecycleResult(info, txs);
  }

  async exit(economy: Address): Promise<ValidatorLifecycleResult> {
    const { client, info } = await this.#deps(economy);
    const v = await readValidator(client, { economy: info.economy, account: client.tx.address });
    if (v.status === 'None') {
      throw new FlywheelError('This wallet is not a validator in that economy.', { code: 'NOT_FOUND' });
    }
    const r = await requestValidatorExit(client, { economy: info.economy });
    return this.#lifecycleResult(
      info,
      r.hash ? [{ label: 'Stop validating (start unbonding)', hash: r.hash, economy }] : [],
    );
  }

  async withdrawBond(economy: Address): Promise<ValidatorLifecycleResult> {
    const { client, info } = await this.#deps(economy);
    const v = await readValidator(client, { economy: info.economy, account: client.tx.address });
    if (v.status !== 'Exiting' && v.status !== 'Exited') {
      throw new FlywheelError('Stop validating there first: the bond is paid after the unbonding period.', {
        code: 'CONFLICT',
      });
    }
    const now = this.#o.chain.now();
    if (v.status === 'Exiting' && now < v.unbondingEndsAt) {
      throw new FlywheelError(
        `The validator bond is unbonding until ${new Date(v.unbondingEndsAt * 1000).toISOString()}.`,
        { code: 'CONFLICT', action: 'Withdraw it after that.' },
      );
    }
    if (v.locked > 0n || v.openVotes > 0) {
      throw new FlywheelError(
        `The validator bond is held by ${v.openVotes} unsettled vote(s) and ${this.#amount(info, v.locked)} of open commitments.`,
        { code: 'CONFLICT', action: 'The node settles them by itself; try again once they are.' },
      );
    }
    const to = this.#o.settings().payoutAddress ?? client.tx.address;
    const r = await withdrawValidatorBond(client, { economy: info.economy, to });
    return this.#lifecycleResult(
      info,
      r.hash ? [{ label: 'Withdraw the validator bond', hash: r.hash, economy }] : [],
    );
  }

  /** What bonding `bond` (default: the minimum) as a validator in an economy risks and earns. */
  async risk(economy: Address, bond?: bigint): Promise<ValidatorRisk> {
    const info = await this.#info(economy);
    return riskOf(info, bond ?? info.params.validatorMinBond);
  }

  // ─── state ────────────────────────────────────────────────────────────────────────────────────────────────

  async state(): Promise<ValidatorState> {
    const entries = this.journal.entries();
    const economies: ValidatorEconomy[] = [];
    const signer = this.#o.chain.account;
    const me = signer ?? this.#o.account?.() ?? null;
    if (me && this.#o.chain.connected) {
      for (const economy of this.#knownEconomies()) {
        const standing = await this.#standing(economy, me).catch(() => null);
        if (!standing || standing.status === 'None') continue;
        const info = await this.#info(economy).catch(() => null);
        if (!info) continue;
        economies.push(this.#economyView(info, standing, entries));
      }
    }
    const checks = entries
      .filter((e) => e.fields.purpose !== undefined)
      .sort((a, b) => b.updatedAt - a.updatedAt);
    const judged = checks.filter((e) => e.fields.pass !== undefined);
    let status: ValidatorState['status'] = 'off';
    let reason: string | null = null;
    if (this.#switch.on) {
      status = 'waiting';
      if (!this.#o.chain.connected) reason = 'Not connected to a network';
      else if (!signer) reason = 'Wallet locked';
      else if (!economies.some((e) => e.standing === 'active'))
        reason = 'Bond in an economy as a validator first';
      else if (this.#o.work === false)
        reason = 'Checks run in the app or the headless node, not in this command';
      else {
        status = 'validating';
        reason = this.#error;
      }
    }
    return {
      on: this.#switch.on,
      status,
      reason,
      config: {
        sampleRate: this.#switch.sampleRate,
        jobsPerHour: this.#switch.jobsPerHour,
        maxEngineSharePct: this.#switch.maxEngineSharePct,
      },
      economies,
      stats: {
        checkedLastHour: this.#budget.lastHour(),
        checked: judged.length,
        valid: judged.filter((e) => e.fields.pass === true).length,
        invalid: judged.filter((e) => e.fields.pass === false).length,
        skipped: checks.filter((e) => e.step === 'skipped').length,
        challenges: checks.filter((e) => actionOf(e) === 'challenged').length,
        votes: checks.filter((e) => actionOf(e) === 'voted').length,
        engineSharePct: Math.round(this.#budget.sharePct() * 10) / 10,
      },
      checks: checks.slice(0, 100).map(checkView),
    };
  }

  /** This node's check of one result, as `state()` shows it (null when it never picked it). */
  checkOf(economy: Address, jobId: bigint | string): ValidatorCheck | null {
    const e = this.journal.get(economy, jobId);
    return e && e.fields.purpose !== undefined ? checkView(e) : null;
  }

  // ─── the loop ─────────────────────────────────────────────────────────────────────────────────────────────

  /** One pass: pick new results (while on), then take every unfinished check one step on. One pass at a time. */
  tick(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#ticking) return this.#ticking;
    this.#ticking = this.#tickOnce()
      .catch((err: Error) => {
        this.#error = `could not finish a pass: ${err.message.split('\n')[0]}`;
        this.#o.log.warn('validator pass failed', { error: err.message });
      })
      .finally(() => {
        this.#ticking = null;
      });
    return this.#ticking;
  }

  async #tickOnce(): Promise<void> {
    const chain = this.#o.chain;
    const me = chain.account;
    const sync = this.#o.feed.sync;
    if (!chain.connected || !me || !sync) return;
    const client = await chain.actionClient();
    let changed = false;
    if (this.#switch.on) changed = (await this.#pick(client, me, sync.all())) || changed;
    for (const entry of this.journal.unfinished()) {
      if (this.#closed) return;
      try {
        changed = (await this.#advance(client, entry)) || changed;
      } catch (err) {
        if (!isTransient(err)) {
          this.#o.log.warn('a validator step failed; it is tried again', {
            economy: entry.economy,
            jobId: entry.jobId,
            step: entry.step,
            error: (err as Error).message.split('\n')[0],
          });
        }
      }
    }
    await this.#releaseCommitments(client).catch(() => undefined);
    this.#error = null;
    if (changed) this.#o.events.emit('validator.changed', await this.state());
  }

  /** New results to check (a random sample) and other validators' challenges to vote on. */
  async #pick(client: ActionClient, me: Address, logs: StoredLog[]): Promise<boolean> {
    const now = this.#o.chain.now();
    const checksByProvider = this.#checksByProvider();
    let picked = false;
    const posted = new Map<string, StoredLog>();
    for (const l of logs) if (l.name === 'JobPosted') posted.set(`${l.address}:${String(l.args.jobId)}`, l);
    for (const l of logs) {
      if (!JOB_EVENTS.has(l.name)) continue;
      const jobId = String(l.args.jobId);
      const seen = `${l.address}:${jobId}:${l.name}:${l.id}`;
      if (this.#considered.has(seen)) continue;
      const standing = await this.#standing(l.address, me);
      if (standing.status === 'None' || standing.status === 'Exited') continue;
      const info = await this.#info(l.address);
      const p = info.params;
      // Too old to act on: its window (or its vote, with extensions) is long over.
      if (l.t + p.challengeWindowS + 3 * p.voteWindowS < now) {
        this.#considered.add(seen);
        continue;
      }
      const job = posted.get(`${l.address}:${jobId}`);
      if (!job) continue; // the JobPosted event is not in the copy yet
      this.#considered.add(seen);
      const requester = getAddress(String(job.args.requester));
      const entry = this.journal.get(l.address, jobId);
      if (l.name === 'ResultSubmitted') {
        if (entry || standing.status !== 'Active') continue;
        const provider = getAddress(String(l.args.provider));
        const windowEndsAt = l.t + p.challengeWindowS;
        if (now > windowEndsAt - this.#windowSlackS()) continue;
        const chance = pickChance({ provider, requester }, me, this.#switch.sampleRate, checksByProvider);
        if ((this.#o.random ?? Math.random)() >= chance) continue;
        this.journal.append(l.address, jobId, 'picked', {
          purpose: 'sample',
          provider,
          requester,
          submittedAt: l.t,
          windowEndsAt,
        });
        picked = true;
      } else {
        // Another validator's challenge: vote on it after checking the result here (never on its word).
        if (sameAddress(String(l.args.challenger), me)) continue;
        if (entry && !['passed', 'skipped', 'missed', 'released'].includes(entry.step)) continue;
        if (entry?.step === 'skipped' || entry?.step === 'missed') {
          // Checked before and not judged, or its turn missed: a vote needs a check that judged it.
          if (entry.fields.pass === undefined) {
            this.journal.append(l.address, jobId, 'picked', { purpose: 'vote', requester });
            picked = true;
          }
          continue;
        }
        if (entry?.step === 'passed' || entry?.step === 'released') {
          this.journal.append(l.address, jobId, 'voting', { resultValid: entry.fields.pass === true });
          picked = true;
          continue;
        }
        const chainJob = await readJob(client, { economy: l.address, jobId: BigInt(jobId) });
        if (chainJob.provider && (sameAddress(chainJob.provider, me) || sameAddress(requester, me))) continue;
        this.journal.append(l.address, jobId, 'picked', {
          purpose: 'vote',
          requester,
          ...(chainJob.provider ? { provider: chainJob.provider } : {}),
          submittedAt: chainJob.submittedAt,
          windowEndsAt: chainJob.challengeWindowEndsAt,
        });
        picked = true;
      }
    }
    return picked;
  }

  /** Takes one check as far as it can go now; whether anything was journaled. */
  async #advance(client: ActionClient, entry: CheckEntry): Promise<boolean> {
    const economy = entry.economy;
    const jobId = BigInt(entry.jobId);
    const me = client.tx.address;
    const now = this.#o.chain.now();
    const step = (s: Parameters<CheckJournal['append']>[2], data: CheckFields = {}) => {
      entry = this.journal.append(economy, jobId, s, data);
      return true;
    };
    switch (entry.step) {
      case 'picked': {
        const job = await readJob(client, { economy, jobId });
        const c = job.status === 'Voting' ? await readChallenge(client, { economy, jobId }) : null;
        if (
          (job.provider && sameAddress(job.provider, me)) ||
          (entry.fields.requester && sameAddress(entry.fields.requester, me))
        ) {
          return step('skipped', { reason: 'this wallet’s own job: it may not judge it' });
        }
        if (entry.fields.purpose === 'vote') {
          if (!c || c.resolved)
            return step('missed', { reason: `the challenge was settled (job ${job.status})` });
          if (now > c.voteEndsAt - this.#voteSlackS()) {
            return step('missed', { reason: 'the vote closed before the result was checked here' });
          }
          if ((await readVote(client, { economy, jobId, validator: me })).cast) {
            return step('missed', { reason: 'this wallet already voted on it' });
          }
          if ((await this.#weightIn(client, economy, me, c.openedBlock)) === 0n) {
            return step('missed', {
              reason: 'no vote weight: this wallet bonded after the challenge opened',
            });
          }
        } else if (job.status !== 'Submitted') {
          return step('missed', { reason: `the job moved on (${job.status}) before it was checked here` });
        } else if (now > job.challengeWindowEndsAt - this.#windowSlackS()) {
          return step('missed', { reason: 'its challenge window closed before it was checked here' });
        }
        const budget = this.#budget.allows();
        if (!budget.ok) {
          const deadline = c
            ? c.voteEndsAt - this.#voteSlackS()
            : job.challengeWindowEndsAt - this.#windowSlackS();
          // The budget runs on this machine's clock, the deadline on the chain's (a devnet's may run ahead).
          const retryAt = budget.retryAtMs === null ? null : now + (budget.retryAtMs - Date.now()) / 1000;
          if (retryAt !== null && retryAt < deadline - 1) return false; // later
          return step('skipped', { reason: budget.reason });
        }
        return this.#check(client, entry, job.kind);
      }
      case 'checked':
        return this.#afterCheck(client, entry);
      case 'committing':
        return this.#advanceCommit(client, entry);
      case 'voting': {
        const c = await readChallenge(client, { economy, jobId });
        const mine = await readVote(client, { economy, jobId, validator: me });
        if (mine.cast) return step('voted');
        if (!c || c.resolved || now >= c.voteEndsAt) {
          return step('missed', { reason: 'the vote closed before this node’s vote landed' });
        }
        // A vote sent in the vote's last moments lands after it closes and reverts (gas spent, nothing gained): the
        // chain clock here may run up to a second behind the next block's time, and sending takes a moment more.
        if (now >= c.voteEndsAt - this.#voteSlackS() - 1) {
          return step('missed', { reason: 'the vote closes before this node’s vote could land' });
        }
        const r = await vote(client, { economy, jobId, resultValid: entry.fields.resultValid! });
        this.#o.log.info(`voted the result ${entry.fields.resultValid ? 'valid' : 'invalid'}`, {
          economy,
          jobId: entry.jobId,
          figures: entry.fields.summary,
        });
        return step('voted', r.hash ? { txHash: r.hash } : {});
      }
      case 'challenged':
      case 'voted': {
        let c = await readChallenge(client, { economy, jobId });
        if (!c) return false;
        if (!c.resolved) {
          if (now < c.voteEndsAt) return false;
          await resolveChallenge(client, { economy, jobId });
          c = await readChallenge(client, { economy, jobId });
          if (!c?.resolved) return false;
        }
        const outcome = !c.quorumMet ? 'no quorum' : c.resultValid ? 'upheld' : 'rejected';
        return step('resolved', { outcome });
      }
      case 'resolved': {
        const mine = await readVote(client, { economy, jobId, validator: me });
        if (mine.cast && !mine.settled) await settleVote(client, { economy, jobId, voter: me });
        const s = await this.#settlement(client, economy, jobId, me);
        return step('settled', {
          reward: s.reward.toString(),
          slashed: s.slashed.toString(),
          votesValid: s.votesValid,
          votesInvalid: s.votesInvalid,
          providerSlashed: s.providerSlashed.toString(),
        });
      }
      default:
        return false;
    }
  }

  /** Re-runs the job here and journals the verdict (or why it could not be judged). */
  async #check(client: ActionClient, entry: CheckEntry, kind: JobKind): Promise<boolean> {
    const economy = entry.economy;
    const jobId = BigInt(entry.jobId);
    const posted = this.#o.feed
      .sync!.all()
      .find(
        (l) =>
          l.name === 'JobPosted' && sameAddress(l.address, economy) && String(l.args.jobId) === entry.jobId,
      );
    if (!posted) return false; // not in the event copy yet
    const job: RerunJob = {
      economy,
      jobId,
      kind,
      modelHash: String(posted.args.modelHash) as Hash,
      inputHash: String(posted.args.inputHash) as Hash,
      inputUri: String(posted.args.inputURI),
    };
    const started = performance.now();
    const maxBytes = this.#o.settings().limits.maxBlobMiB * 2 ** 20;
    const result = await rerunAndJudge(
      {
        publicClient: client.publicClient,
        blobs: this.#o.blobs,
        engine: this.#o.engine,
        maxBytes,
        timeoutMs: 10 * 60_000,
      },
      job,
    );
    if (!result.judged) {
      this.#budget.spent(0);
      this.journal.append(economy, jobId, 'skipped', { reason: result.reason });
      this.#o.log.info('could not judge a result; it is neither challenged nor voted on', {
        economy,
        jobId: entry.jobId,
        reason: result.reason,
      });
      return true;
    }
    this.#budget.spent(result.run.runMs || performance.now() - started);
    const v = result.verdict;
    this.journal.append(economy, jobId, 'checked', {
      provider: getAddress(result.submitted.provider),
      pass: v.pass,
      policyText: describePolicy(result.policy),
      summary: `${v.summary}: ${v.pass ? 'valid' : 'invalid'}`,
      compared: v.figures.compared,
      failed: v.figures.failed,
      maxAbsError: finite(v.figures.maxAbsError),
      maxRelError: finite(v.figures.maxRelError),
      agreement: finite(v.figures.agreement),
      submittedHash: v.submittedHash,
      referenceHash: v.referenceHash,
      device: result.run.device,
      executionProvider: result.run.executionProvider,
      runMs: Math.round(result.run.runMs),
    });
    // The evidence goes out now, while the check is at hand: a failing result is challenged with it.
    if (!v.pass) {
      const evidence = buildEvidence(
        {
          economy,
          jobId,
          provider: result.submitted.provider,
          challenger: client.tx.address,
          modelHash: job.modelHash,
          inputHash: job.inputHash,
          submittedUri: result.submitted.uri,
          referenceUri: result.reference.uri,
        },
        v,
        this.#o.chain.now(),
      );
      const published = await this.#o.blobs.publish(encodeEvidence(evidence));
      this.#evidence.set(entry.key, published.uri);
    }
    this.#o.log.info(`checked a result: ${v.pass ? 'valid' : 'invalid'}`, {
      economy,
      jobId: entry.jobId,
      figures: v.summary,
      device: result.run.device,
    });
    return true;
  }

  /** Evidence URIs of failing checks of this run, until the commitment is written down. */
  readonly #evidence = new Map<string, string>();

  /** After a check: vote on an open challenge, challenge a failing result, or rest. */
  async #afterCheck(client: ActionClient, entry: CheckEntry): Promise<boolean> {
    const economy = entry.economy;
    const jobId = BigInt(entry.jobId);
    const me = client.tx.address;
    const job = await readJob(client, { economy, jobId });
    const c = job.status === 'Voting' ? await readChallenge(client, { economy, jobId }) : null;
    const pass = entry.fields.pass === true;
    if (c && !c.resolved && !sameAddress(c.challenger, me)) {
      this.journal.append(economy, jobId, 'voting', { resultValid: pass });
      return true;
    }
    if (pass) {
      this.journal.append(economy, jobId, 'passed');
      return true;
    }
    const now = this.#o.chain.now();
    const standing = await this.#standing(economy, me, true);
    const info = await this.#info(economy);
    let why: string | null = null;
    if (job.status !== 'Submitted') why = `the job moved on (${job.status}) before it could be challenged`;
    else if (now > job.challengeWindowEndsAt - this.#windowSlackS())
      why = 'its challenge window closed first';
    else if (standing.status !== 'Active') why = 'this wallet is no longer an active validator there';
    else if (standing.bond - standing.locked < info.params.challengeBond) {
      why = `the free validator bond ${this.#amount(info, standing.bond - standing.locked)} is under the challenge bond ${this.#amount(info, info.params.challengeBond)}`;
    }
    if (why) {
      this.journal.append(economy, jobId, 'missed', { reason: `not challenged: ${why}` });
      return true;
    }
    let evidenceURI = this.#evidence.get(entry.key);
    if (!evidenceURI) {
      // A restart between the check and the commitment: the evidence is rebuilt from the journaled figures.
      evidenceURI = (
        await this.#o.blobs.publish(
          new TextEncoder().encode(
            `${JSON.stringify({ economy, jobId: entry.jobId, policy: entry.fields.policyText, summary: entry.fields.summary, submittedHash: entry.fields.submittedHash, referenceHash: entry.fields.referenceHash })}\n`,
          ),
        )
      ).uri;
    }
    // Written before the commitment is sent: after a restart it is revealed, or released.
    this.journal.append(economy, jobId, 'committing', { salt: toHex(randomBytes(32)), evidenceURI });
    this.#evidence.delete(entry.key);
    this.#o.log.info('a result fails its model’s policy; challenging it', {
      economy,
      jobId: entry.jobId,
      figures: entry.fields.summary,
    });
    return true;
  }

  /**
   * A written-down commitment one step on: sent while the result can still be challenged, revealed from a later
   * block while it can win and the window is open — never after — and otherwise left to be released.
   */
  async #advanceCommit(client: ActionClient, entry: CheckEntry): Promise<boolean> {
    const economy = entry.economy;
    const jobId = BigInt(entry.jobId);
    const me = client.tx.address;
    const salt = entry.fields.salt!;
    const commitment = challengeCommitment(jobId, me, salt);
    const [job, c, committedIn] = await Promise.all([
      readJob(client, { economy, jobId }),
      readChallenge(client, { economy, jobId }),
      this.#commitmentBlock(client, economy, commitment),
    ]);
    const now = this.#o.chain.now();
    const othersOpen = c && !c.resolved && !sameAddress(c.challenger, me);
    if (c && sameAddress(c.challenger, me)) {
      this.journal.append(economy, jobId, 'challenged', { commitment });
      return true;
    }
    if (committedIn === 0n) {
      if (job.status !== 'Submitted' || now > job.challengeWindowEndsAt - this.#windowSlackS()) {
        if (othersOpen) return this.#voteInstead(entry, 'another validator challenged it first');
        this.journal.append(economy, jobId, 'missed', {
          reason: 'not challenged: its challenge window closed before the commitment was sent',
        });
        return true;
      }
      const sent = await commitChallenge(client, { economy, jobId, salt });
      // The commitment and its transaction are noted (the check's history shows commit → reveal).
      if (sent.hash) this.journal.append(economy, jobId, 'committing', { commitment, txHash: sent.hash });
      return this.#advanceCommit(client, this.journal.get(economy, jobId)!);
    }
    const canWin =
      job.status === 'Submitted' || (job.status === 'Voting' && !!c && c.commitBlock > committedIn);
    if (canWin && now < job.challengeWindowEndsAt) {
      // The commitment's block is mined: the reveal lands in a later one, as the contract wants.
      try {
        const r = await challenge(client, { economy, jobId, salt, evidenceUri: entry.fields.evidenceURI! });
        this.journal.append(economy, jobId, 'challenged', {
          commitment,
          ...(r.hash ? { txHash: r.hash } : {}),
        });
        return true;
      } catch (err) {
        if (isTransient(err)) throw err; // the chain did not answer: tried again at the next pass
        this.#o.log.info('could not reveal the challenge; the commitment will be released', {
          economy,
          jobId: entry.jobId,
          error: (err as Error).message.split('\n')[0],
        });
      }
    }
    if (othersOpen)
      return this.#voteInstead(entry, 'another validator’s older commitment holds the challenge');
    // Nothing to reveal into: the commitment is released once it may be (#releaseCommitments).
    if (!entry.fields.commitment) {
      this.journal.append(economy, jobId, 'committing', { commitment });
      return true;
    }
    return false;
  }

  #voteInstead(entry: CheckEntry, why: string): boolean {
    this.#o.log.info(`votes instead of challenging: ${why}`, { economy: entry.economy, jobId: entry.jobId });
    this.journal.append(entry.economy, entry.jobId, 'voting', { resultValid: false });
    return true;
  }

  /**
   * Releases commitments that can no longer be revealed, once a challenge window has passed since they were made
   * (the economy keeps the commit fee); a check left in `committing` then ends `released`.
   */
  async #releaseCommitments(client: ActionClient): Promise<void> {
    const me = client.tx.address;
    for (const e of this.journal.entries()) {
      if (!e.fields.salt || e.step === 'challenged' || e.step === 'released') continue;
      // A challenger's commitment was used up by its reveal.
      if ((e.step === 'resolved' || e.step === 'settled') && e.fields.resultValid === undefined) continue;
      if (e.step === 'committing' && !e.fields.commitment) continue; // still being sent or revealed
      const commitment = challengeCommitment(BigInt(e.jobId), me, e.fields.salt);
      if (this.#released.has(commitment)) continue;
      const block = await this.#commitmentBlock(client, e.economy, commitment);
      if (block === 0n) {
        this.#released.add(commitment);
        if (e.step === 'committing') this.journal.append(e.economy, e.jobId, 'released');
        continue;
      }
      const [b, info] = await Promise.all([
        client.publicClient.getBlock({ blockNumber: block }),
        this.#info(e.economy),
      ]);
      if (this.#o.chain.now() <= Number(b.timestamp) + info.params.challengeWindowS + 1) continue;
      await releaseCommitment(client, { economy: e.economy, commitment });
      this.#released.add(commitment);
      if (e.step === 'committing') this.journal.append(e.economy, e.jobId, 'released');
    }
  }

  readonly #released = new Set<Hash>();

  async #weightIn(client: ActionClient, economy: Address, me: Address, openedBlock: bigint): Promise<bigint> {
    return client.publicClient.readContract({
      address: economy,
      abi: economyAbi,
      functionName: 'validatorStakeAt',
      args: [me, openedBlock - 1n],
    });
  }

  async #commitmentBlock(client: ActionClient, economy: Address, commitment: Hash): Promise<bigint> {
    return client.publicClient.readContract({
      address: economy,
      abi: economyAbi,
      functionName: 'commitmentBlock',
      args: [commitment],
    });
  }

  /**
   * A settled challenge by the job's events: what this validator was paid or lost, how the votes went, and what
   * the provider lost.
   */
  async #settlement(
    client: ActionClient,
    economy: Address,
    jobId: bigint,
    me: Address,
  ): Promise<{
    reward: bigint;
    slashed: bigint;
    votesValid: number;
    votesInvalid: number;
    providerSlashed: bigint;
  }> {
    const head = await client.publicClient.getBlockNumber();
    const logs = await client.publicClient.getContractEvents({
      address: economy,
      abi: economyAbi,
      args: { jobId },
      fromBlock: head > 5_000n ? head - 5_000n : 0n,
      toBlock: 'latest',
    });
    let reward = 0n;
    let slashed = 0n;
    let votesValid = 0;
    let votesInvalid = 0;
    let providerSlashed = 0n;
    let challenger: string | null = null;
    for (const l of logs) {
      const a = l.args as Record<string, unknown>;
      if (l.eventName === 'ChallengeOpened' || l.eventName === 'ChallengerReplaced')
        challenger = String(a.challenger);
      if (l.eventName === 'VoteCast') {
        if (a.resultValid === true) votesValid++;
        else votesInvalid++;
      }
      if (l.eventName === 'VoteSettled' && sameAddress(String(a.validator), me)) {
        reward += a.reward as bigint;
        slashed += a.slashed as bigint;
      }
      // The provider's loss to this challenge (a slash before it, e.g. another provider's timeout, is not it).
      if (l.eventName === 'ProviderSlashed' && challenger !== null) {
        providerSlashed += a.amount as bigint;
        if (sameAddress(challenger, me)) reward += a.toWinner as bigint;
      }
      if (l.eventName === 'ValidatorSlashed' && sameAddress(String(a.validator), me))
        slashed += a.amount as bigint;
    }
    return { reward, slashed, votesValid, votesInvalid, providerSlashed };
  }

  // ─── plumbing ─────────────────────────────────────────────────────────────────────────────────────────────

  /** Seconds a commit and its reveal need before the window ends (two blocks, with room). */
  #windowSlackS(): number {
    return this.#o.chain.endpoint?.isDevnet === false ? 60 : 3;
  }

  #voteSlackS(): number {
    return this.#o.chain.endpoint?.isDevnet === false ? 30 : 1;
  }

  #checksByProvider(): Map<string, number> {
    const m = new Map<string, number>();
    for (const e of this.journal.entries()) {
      if (e.fields.provider && e.checkedAt !== null) {
        const k = e.fields.provider.toLowerCase();
        m.set(k, (m.get(k) ?? 0) + 1);
      }
    }
    return m;
  }

  #knownEconomies(): Address[] {
    const sync = this.#o.feed.sync;
    const fromJournal = this.journal.entries().map((e) => e.economy);
    return [...new Set([...(sync?.economies() ?? []), ...fromJournal].map((a) => getAddress(a)))];
  }

  async #standing(economy: Address, me: Address, fresh = false): Promise<ReadValidatorReturnType> {
    const key = getAddress(economy);
    const cached = this.#standings.get(key);
    if (!fresh && cached && Date.now() - cached.at < 10_000) return cached.v;
    const v = await readValidator({ publicClient: this.#o.chain.client() }, { economy: key, account: me });
    this.#standings.set(key, { v, at: Date.now() });
    return v;
  }

  #info(economy: Address): Promise<ReadEconomyReturnType> {
    return this.#o.economies.info(getAddress(economy));
  }

  async #deps(economy: Address): Promise<{ client: ActionClient; info: ReadEconomyReturnType }> {
    const summary = await this.#o.economies.get(economy); // NOT_FOUND for an unknown economy
    return { client: await this.#o.chain.actionClient(), info: await this.#info(summary.economy) };
  }

  async #lifecycleResult(info: ReadEconomyReturnType, txs: TxRef[]): Promise<ValidatorLifecycleResult> {
    const me = this.#o.chain.account!;
    this.#standings.delete(getAddress(info.economy));
    await this.#o.feed.refresh();
    const standing = await this.#standing(info.economy, me, true);
    const view = this.#economyView(info, standing, this.journal.entries());
    this.#o.events.emit('validator.changed', await this.state());
    return { economy: view, txs };
  }

  #economyView(
    info: ReadEconomyReturnType,
    v: ReadValidatorReturnType,
    entries: CheckEntry[],
  ): ValidatorEconomy {
    let earned = 0n;
    let lost = 0n;
    for (const e of entries) {
      if (!sameAddress(e.economy, info.economy)) continue;
      earned += BigInt(e.fields.reward ?? '0');
      lost += BigInt(e.fields.slashed ?? '0');
    }
    const me = this.#o.chain.account ?? this.#o.account?.() ?? null;
    for (const l of this.#o.feed.sync?.all() ?? []) {
      if (
        l.name === 'CommitmentReleased' &&
        sameAddress(l.address, info.economy) &&
        sameAddress(String(l.args.validator), me)
      ) {
        lost += BigInt(String(l.args.forfeited));
      }
    }
    return {
      economy: getAddress(info.economy),
      name: info.name,
      symbol: info.token.symbol,
      decimals: info.token.decimals,
      standing: v.status.toLowerCase() as ValidatorEconomy['standing'],
      bond: v.bond.toString(),
      locked: v.locked.toString(),
      openVotes: v.openVotes,
      unbondingEndsAt: v.unbondingEndsAt || null,
      risk: riskOf(info, v.bond > 0n ? v.bond : info.params.validatorMinBond),
      earned: earned.toString(),
      lost: lost.toString(),
    };
  }

  #amount(info: ReadEconomyReturnType, amount: bigint): string {
    return `${formatUnits(amount, info.token.decimals)} ${info.token.symbol}`;
  }

  #save(next: Switch): void {
    writeFileAtomic(this.#configFile, JSON.stringify(next));
    this.#switch = next;
    void this.state()
      .then((s) => this.#o.events.emit('validator.changed', s))
      .catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const off of this.#off) off();
    await this.#ticking?.catch(() => undefined);
    this.journal.close();
  }
}

function readSwitch(file: string): Switch {
  const fallback: Switch = { on: false, ...defaultValidatorConfig };
  if (!existsSync(file)) return fallback;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<Switch>;
    const num = (v: unknown, min: number, max: number, d: number) =>
      typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : d;
    return {
      on: raw.on === true,
      sampleRate: num(raw.sampleRate, 0, 1, fallback.sampleRate),
      jobsPerHour: num(raw.jobsPerHour, 0, 100_000, fallback.jobsPerHour),
      maxEngineSharePct: num(raw.maxEngineSharePct, 1, 100, fallback.maxEngineSharePct),
    };
  } catch {
    return fallback; // a damaged file reads as "off": the safe reading
  }
}

/** What bonding `bond` as a validator risks and earns, in figures and in words. */
export function riskOf(info: ReadEconomyReturnType, bond: bigint): ValidatorRisk {
  const p = info.params;
  const fmt = (a: bigint) => `${formatUnits(a, info.token.decimals)} ${info.token.symbol}`;
  const commitFee = (p.challengeBond * BigInt(p.commitFeeBps)) / 10_000n;
  const wrongVote = (bond * BigInt(p.voteSlashBps)) / 10_000n;
  const pct = (bps: number) => `${bps / 100} %`;
  return {
    validatorMinBond: p.validatorMinBond.toString(),
    challengeBond: p.challengeBond.toString(),
    commitFee: commitFee.toString(),
    voteSlashBps: p.voteSlashBps,
    wrongVoteCost: wrongVote.toString(),
    quorumBps: p.quorumBps,
    challengeWindowS: p.challengeWindowS,
    voteWindowS: p.voteWindowS,
    unbondingPeriodS: p.unbondingPeriodS,
    lines: [
      `A vote against the outcome costs ${pct(p.voteSlashBps)} of the vote's weight: ${fmt(wrongVote)} with a bond of ${fmt(bond)}.`,
      `A challenge the vote upholds costs the challenge bond: ${fmt(p.challengeBond)} (locked while the challenge is open).`,
      `A commitment never revealed costs ${fmt(commitFee)} (${pct(p.commitFeeBps)} of the challenge bond).`,
      `A challenge that rejects a result earns up to the challenge bond from the provider's collateral; votes with the outcome share the rest (after ${pct(p.slashBurnBps)} burned).`,
      `The bond is paid back ${p.unbondingPeriodS} s after you stop validating, once every vote is settled; a vote counts only when ${pct(p.quorumBps)} of the validator stake votes.`,
    ],
  };
}

function finite(x: number | null): number | null {
  return x === null || Number.isFinite(x) ? x : null;
}

function actionOf(e: CheckEntry): CheckAction {
  switch (e.step) {
    case 'committing':
      return 'committing';
    case 'challenged':
      return 'challenged';
    case 'voting':
      return 'voting';
    case 'voted':
      return 'voted';
    case 'released':
      return 'released';
    case 'missed':
      return 'missed';
    case 'resolved':
    case 'settled':
      return e.fields.resultValid !== undefined ? 'voted' : e.fields.commitment ? 'challenged' : 'none';
    default:
      return 'none';
  }
}

function checkView(e: CheckEntry): ValidatorCheck {
  const f = e.fields;
  const judged = f.pass !== undefined;
  const action = actionOf(e);
  return {
    economy: e.economy,
    jobId: e.jobId,
    provider: f.provider ?? null,
    purpose: f.purpose ?? 'sample',
    updatedAt: e.updatedAt,
    verdict: e.step === 'skipped' ? 'skipped' : judged ? (f.pass ? 'valid' : 'invalid') : 'pending',
    reason: e.step === 'skipped' || e.step === 'missed' ? (f.reason ?? null) : null,
    evidence:
      judged && f.summary && f.submittedHash && f.referenceHash
        ? {
            policyText: f.policyText ?? '',
            summary: f.summary,
            compared: f.compared ?? 0,
            failed: f.failed ?? 0,
            maxAbsError: f.maxAbsError ?? null,
            maxRelError: f.maxRelError ?? null,
            agreement: f.agreement ?? null,
            submittedHash: f.submittedHash,
            referenceHash: f.referenceHash,
            device: f.device ?? 'unknown',
            executionProvider: f.executionProvider ?? 'unknown',
            runMs: f.runMs ?? 0,
          }
        : null,
    action,
    vote: f.resultValid ?? (action === 'challenged' ? false : null),
    outcome: f.outcome ?? (['challenged', 'voted'].includes(e.step) ? 'open' : null),
    reward: f.reward ?? null,
    slashed: f.slashed ?? null,
    steps: e.history.map((h) => ({ step: h.step, t: h.t, txHash: h.txHash ?? null })),
    votes:
      f.votesValid !== undefined && f.votesInvalid !== undefined
        ? { valid: f.votesValid, invalid: f.votesInvalid }
        : null,
    providerSlashed: f.providerSlashed ?? null,
  };
}

export { endCheckSteps };
