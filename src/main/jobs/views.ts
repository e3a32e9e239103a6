import { encodeEventTopics, numberToHex, pad, type Address, type Hash } from 'viem';
import type { JobCheck, JobDetail, JobSummary } from '#shared/api/jobs';
import { declineReasonByCode, declineReasons } from '#shared/decline';
import { FlywheelError } from '#shared/errors';
import { describePolicy } from '#shared/policy';
import { readJob } from '../chain/actions/readJob';
import { readModel } from '../chain/actions/readModel';
import { economyAbi } from '../chain/artifacts';
import type { ChainService } from '../chain/chainService';
import type { EventFeed } from '../chain/sync/feed';
import { decodeLogs, sameAddress, byChainOrder, type StoredLog } from '../chain/sync/storedLog';
import type { EconomiesService } from '../economies/economiesService';
import { referenceByHash } from '../engine/references';
import type { EventBus } from '../events';
import { jobKey } from '../fs/stepJournal';
import { cancelPostedJob, checkCancel } from './cancel';
import { foldJob, groupJobs, type JobRecord } from './history';
import type { Journal } from './journal';
import type { LocalJobs } from './local';
import { jobDeclines, jobNoShows, refundInfo } from './refund';

export interface JobsViewOptions {
  chain: ChainService;
  feed: EventFeed;
  economies: EconomiesService;
  journal: Journal;
  local: LocalJobs;
  events: EventBus;
  /** The wallet's address (known while locked too). */
  account: () => Address | null;
  /** Validators' checks of a job's result that this node knows of (its own validator's, the devnet's). */
  checks?: (economy: Address, jobId: bigint) => JobCheck[];
}

const LABELS: Record<string, string> = {
  JobPosted: 'Posted',
  DrawMissed: 'Draw kept nobody: drawn again from a later block',
  JobAssigned: 'Assigned',
  JobAccepted: 'Accepted',
  JobDeclined: 'Declined',
  JobNoShow: 'No-show: neither accepted nor answered in the accept window; drawn again, no slash',
  ResultSubmitted: 'Result submitted',
  JobTimedOut: 'Timed out',
  ChallengeOpened: 'Challenged',
  ChallengerReplaced: 'Challenge taken over by an earlier commitment',
  VoteCast: 'Vote',
  VoteExtended: 'Vote extended',
  ChallengeResolved: 'Challenge resolved',
  VoteSettled: 'Vote settled',
  JobFinalized: 'Finalized',
  JobRejected: 'Rejected',
  JobRefunded: 'Refunded',
  ProviderSlashed: 'Provider slashed',
  ValidatorSlashed: 'Challenger slashed: the result stood',
  Strike: 'Strike',
};

/**
 * Jobs for the API: the list from the node's event copy (every job of the last day in every economy, and this
 * provider's jobs for good), one job's page from the chain's own logs for it, both joined with what the journal
 * and the live pipeline know. Pushes `jobs.updated` when a job moves, at most a few times a second per job.
 */
export class JobsView {
  readonly #o: JobsViewOptions;
  readonly #pending = new Map<string, { economy: Address; jobId: bigint }>();
  #timer: NodeJS.Timeout | undefined;
  readonly #off: () => void;

  constructor(options: JobsViewOptions) {
    this.#o = options;
    this.#off = options.local.onUpdate((economy, jobId) => this.changed(economy, jobId));
  }

  async list(params: { economy?: Address; mine: boolean; limit: number }): Promise<JobSummary[]> {
    const me = this.#o.account();
    const logs = this.#o.feed.sync?.all() ?? [];
    const records: JobRecord[] = [];
    for (const events of groupJobs(logs).values()) {
      const r = foldJob(events);
      if (!r) continue;
      if (params.economy && !sameAddress(r.economy, params.economy)) continue;
      if (params.mine && !this.#mine(r, me)) continue;
      records.push(r);
    }
    records.sort((a, b) => b.postedAt - a.postedAt || Number(b.jobId - a.jobId));
    return Promise.all(records.slice(0, params.limit).map((r) => this.#summary(r, me)));
  }

  async get(key: string): Promise<JobDetail> {
    const [economy, id] = key.split(':') as [Address, string];
    const jobId = BigInt(id);
    const events = await this.#events(economy, jobId);
    const record = foldJob(events);
    if (!record) throw new FlywheelError(`There is no job ${id} in that economy.`, { code: 'NOT_FOUND' });
    const me = this.#o.account();
    const client = { publicClient: this.#o.chain.client() };
    const [summary, model, maxDeclines, draw] = await Promise.all([
      this.#summary(record, me),
      readModel(client, { economy, modelHash: record.modelHash }).catch(() => null),
      this.#o.economies.info(economy).then(
        (i) => i.params.maxDeclines,
        () => null,
      ),
      // A Posted job's draw block and the chain's head: when its requester may cancel it.
      record.status === 'Posted'
        ? Promise.all([readJob(client, { economy, jobId }), client.publicClient.getBlockNumber()]).then(
            ([j, latest]) => ({ drawBlock: j.drawBlock, latest }),
            () => null,
          )
        : null,
    ]);
    const journal = this.#o.journal.get(economy, jobId);
    const local = this.#o.local.get(economy, jobId);
    const timeline = orderTimeline(events, journal?.history ?? []);
    return {
      ...summary,
      requester: record.requester,
      inputHash: record.inputHash,
      inputUri: record.inputUri,
      outputHash: record.outputHash,
      outputUri: record.outputUri,
      timings: local?.timings ?? null,
      txs: events.map((l) => ({ label: label(l), hash: l.tx, block: l.block })),
      preview: local?.preview ?? null,
      timeline,
      verification: model ? { policy: model.policy, text: describePolicy(model.policy) } : null,
      declines: jobDeclines(events),
      noShows: jobNoShows(events),
      refund: refundInfo({
        status: record.status,
        requester: record.requester,
        me,
        events,
        maxDeclines,
        drawBlock: draw?.drawBlock ?? null,
        latestBlock: draw?.latest ?? null,
      }),
      checks: (this.#o.checks?.(economy, jobId) ?? []).sort((a, b) => b.updatedAt - a.updatedAt),
    };
  }

  /**
   * Cancels a job this wallet posted that nobody was assigned to: the contract refunds its fee to the claimable
   * balance. The contract's own checks are said first in words (a revert would only name them).
   */
  async cancel(key: string): Promise<JobDetail> {
    const [economy, id] = key.split(':') as [Address, string];
    const jobId = BigInt(id);
    const me = this.#o.account();
    if (!me) {
      throw new FlywheelError('There is no wallet on this node to cancel with.', {
        code: 'NOT_FOUND',
        action: 'Create or import the wallet that posted the job in Settings → Wallet.',
      });
    }
    const client = { publicClient: this.#o.chain.client() };
    const job = await readJob(client, { economy, jobId });
    if (job.status === 'None')
      throw new FlywheelError(`There is no job ${id} in that economy.`, { code: 'NOT_FOUND' });
    checkCancel(job, jobId, me);
    await cancelPostedJob(await this.#o.chain.actionClient(), { economy, jobId });
    this.changed(economy, jobId);
    return this.get(key);
  }

  /** A job changed: its summary goes out as `jobs.updated` (batched every 250 ms). */
  changed(economy: Address, jobId: bigint): void {
    this.#pending.set(jobKey(economy, jobId), { economy, jobId });
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const batch = [...this.#pending.values()];
      this.#pending.clear();
      const logs = this.#o.feed.sync?.all() ?? [];
      const byJob = groupJobs(logs);
      const me = this.#o.account();
      for (const { economy: e, jobId: j } of batch) {
        const record = foldJob(byJob.get(`${e}:${j}`) ?? []);
        if (!record) continue;
        this.#summary(record, me).then(
          (summary) => this.#o.events.emit('jobs.updated', summary),
          () => undefined,
        );
      }
    }, 250);
    this.#timer.unref();
  }

  close(): void {
    this.#off();
    clearTimeout(this.#timer);
  }

  #mine(r: JobRecord, me: Address | null): boolean {
    return r.assigned.some((a) => sameAddress(a, me)) || !!this.#o.journal.get(r.economy, r.jobId);
  }

  async #summary(r: JobRecord, me: Address | null): Promise<JobSummary> {
    const info = await this.#o.economies.info(r.economy).catch(() => null);
    const mine = this.#mine(r, me);
    const local = mine ? this.#o.local.get(r.economy, r.jobId) : null;
    return {
      key: jobKey(r.economy, r.jobId),
      economy: r.economy,
      economyName: info?.name ?? r.economy,
      jobId: r.jobId.toString(),
      kind: r.kind,
      status: r.status,
      local: local
        ? {
            step: local.step,
            progress: local.progress,
            etaS: local.etaS,
            declineReason: local.declineReason,
            error: local.error,
            generation: local.generation ?? null,
          }
        : null,
      modelHash: r.modelHash,
      modelName: referenceByHash(r.modelHash)?.name ?? null,
      fee: r.fee.toString(),
      tokenSymbol: info?.token.symbol ?? '',
      deadline: r.deadline,
      postedAt: r.postedAt,
      updatedAt: r.updatedAt,
      provider: r.provider,
      mine,
    };
  }

  /** Every event of one job, straight from the chain (jobId is the first indexed topic of each). */
  async #events(economy: Address, jobId: bigint): Promise<StoredLog[]> {
    const client = this.#o.chain.client();
    const id = pad(numberToHex(jobId), { size: 32 }) as Hash;
    const query = (topics: (Hash | Hash[] | null)[]) =>
      client.request({
        method: 'eth_getLogs',
        params: [
          {
            address: economy,
            topics,
            fromBlock: numberToHex(this.#o.chain.endpoint?.startBlock ?? 0n),
            toBlock: 'latest',
          },
        ],
      });
    // Most events name the job first; a slash and a strike name the account first and the job second.
    const [byJob, byAccount] = await Promise.all([
      query([null, id]),
      query([SECOND_TOPIC_JOB_EVENTS, null, id]),
    ]);
    const raw = [...(byJob as unknown[]), ...(byAccount as unknown[])];
    const logs = (raw as Parameters<typeof decodeLogs>[0]).map((l) => ({
      ...l,
      blockNumber: BigInt(l.blockNumber as unknown as string),
      logIndex: Number(l.logIndex as unknown as string),
      blockTimestamp: (l as unknown as { blockTimestamp?: string }).blockTimestamp
        ? BigInt((l as unknown as { blockTimestamp: string }).blockTimestamp)
        : undefined,
    }));
    const missing = new Map<bigint, number>();
    for (const l of logs) {
      if (l.blockTimestamp === undefined && !missing.has(l.blockNumber)) {
        missing.set(l.blockNumber, Number((await client.getBlock({ blockNumber: l.blockNumber })).timestamp));
      }
    }
    return decodeLogs(logs as never, missing)
      .filter((l) => l.args.jobId === jobId.toString())
      .sort(byChainOrder);
  }
}

/**
 * Where a step falls inside one second, by what causes what: a block's time has only whole seconds, so a chain event
 * and this node's step in the same second are ordered by the job's lifecycle (the node acts on an assignment, runs,
 * sends its result, which lands on-chain, and so on), never by which list they came from.
 */
/** Events whose second indexed topic is the job (the first is the provider or validator). */
const SECOND_TOPIC_JOB_EVENTS = (['ProviderSlashed', 'Strike', 'ValidatorSlashed'] as const).map(
  (eventName) => encodeEventTopics({ abi: economyAbi, eventName })[0]!,
);

const chainTier: Record<string, number> = {
  JobPosted: 0,
  DrawMissed: 1,
  JobAssigned: 2,
  JobAccepted: 4,
  JobNoShow: 4,
  JobDeclined: 8,
  ResultSubmitted: 8,
  JobTimedOut: 8,
  JobFinalized: 12,
  JobRejected: 12,
  JobRefunded: 12,
};
const nodeTier: Record<string, number> = {
  assigned: 3,
  fetched: 5,
  running: 5,
  ran: 6,
  submitting: 7,
  declining: 7,
  submitted: 9,
  declined: 9,
  failed: 9,
  finalized: 13,
};

/**
 * A job's history, oldest first: the chain's events (whole seconds) and this node's journal steps (milliseconds)
 * interleaved by when they happened, to the second, and inside one second by cause and effect (`chainTier`).
 */
export function orderTimeline(
  events: readonly StoredLog[],
  history: readonly { step: string; t: number }[],
): JobDetail['timeline'] {
  // A merge, not a sort: each list keeps its own order (blocks and log indexes; the journal's sequence).
  const chain = events.map((l) => ({
    second: l.t,
    tier: chainTier[l.name] ?? 10,
    step: { t: l.t, label: label(l), txHash: l.tx },
  }));
  const node = history.map((h) => ({
    second: Math.floor(h.t / 1000),
    tier: nodeTier[h.step] ?? 10,
    step: { t: Math.floor(h.t / 1000), label: `This node: ${h.step}` },
  }));
  const out: JobDetail['timeline'] = [];
  let a = 0;
  let b = 0;
  while (a < chain.length || b < node.length) {
    const c = chain[a];
    const n = node[b];
    if (n && (!c || n.second < c.second || (n.second === c.second && n.tier < c.tier))) {
      out.push(n.step);
      b++;
    } else {
      out.push(c!.step);
      a++;
    }
  }
  return out;
}

function label(l: StoredLog): string {
  if (l.name === 'JobDeclined') {
    const reason = declineReasonByCode(Number(l.args.reason));
    return `Declined: ${reason ? declineReasons[reason].label.toLowerCase() : `reason ${String(l.args.reason)}`}`;
  }
  if (l.name === 'ChallengeResolved') {
    if (l.args.quorumMet === false) return 'Vote short of quorum: result upheld, nobody slashed';
    return l.args.resultValid ? 'Challenge failed: result upheld' : 'Challenge won: result rejected';
  }
  return LABELS[l.name] ?? l.name;
}
