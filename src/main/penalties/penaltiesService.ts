import { zeroAddress, type Address, type Hash } from 'viem';
import type {
  ChallengeEvidence,
  ChallengeVote,
  NetworkPenalty,
  Penalty,
  SlashRule,
  SlashSplit,
} from '#shared/api/penalties';
import type { EventFeed } from '../chain/sync/feed';
import { addr, big, byChainOrder, sameAddress, type StoredLog } from '../chain/sync/storedLog';
import type { EventBus } from '../events';
import type { Journal } from '../jobs/journal';
import { describeChallenge, type EvidenceReader, type PolicyReader } from './evidence';

export interface PenaltiesServiceOptions {
  feed: Pick<EventFeed, 'sync' | 'onChange'>;
  journal: Pick<Journal, 'get'>;
  events: Pick<EventBus, 'emit'>;
  account: () => Address | null;
  /** An economy's jail strikes, for the advice ("2 of 3"); null when the chain cannot say. */
  jailStrikes: (economy: Address) => Promise<number | null>;
  /** Reads a lost challenge's evidence by its URI (evidence.ts's evidenceReader); without it, it is not fetched. */
  readEvidence?: EvidenceReader;
  /** The policy an economy records for a model (evidence.ts's modelPolicyReader); without it, the evidence's. */
  policy?: PolicyReader;
}

const PENALTY_EVENTS = new Set([
  'JobTimedOut',
  'ProviderSlashed',
  'Strike',
  'ProviderJailed',
  'ProviderUnjailed',
  'JobNoShow',
]);

/** Assignments in a row a provider may let pass before it is paused (MAX_NO_SHOWS in EconomyBase.sol). */
const MAX_NO_SHOWS = 3;

/** A failed evidence fetch is tried again after this long (the store may come back). */
const RETRY_EVIDENCE_MS = 30_000;

/** Every log of each job, by `economy:jobId`, in chain order. */
type JobLogs = Map<string, StoredLog[]>;

function jobKey(economy: string, jobId: string): string {
  return `${economy.toLowerCase()}:${jobId}`;
}

function indexByJob(logs: readonly StoredLog[]): JobLogs {
  const out: JobLogs = new Map();
  for (const l of logs) {
    if (l.args.jobId === undefined) continue;
    const k = jobKey(l.address, String(l.args.jobId));
    const list = out.get(k);
    if (list) list.push(l);
    else out.set(k, [l]);
  }
  for (const list of out.values()) list.sort(byChainOrder);
  return out;
}

/**
 * Which rule a slash came from: a missed deadline (JobTimedOut in the same transaction) or a lost challenge
 * (ChallengeResolved in it). Without those events in this node's copy, the split tells: a timeout's collateral goes
 * to the requester and the treasury, a lost challenge's to the winner, the voters and the burn.
 */
function slashRule(slash: StoredLog, jobLogs: readonly StoredLog[]): SlashRule {
  const sameTx = jobLogs.filter((l) => l.tx === slash.tx);
  if (sameTx.some((l) => l.name === 'JobTimedOut')) return 'missed-deadline';
  if (sameTx.some((l) => l.name === 'ChallengeResolved')) return 'lost-challenge';
  return big(slash, 'toWinner') + big(slash, 'toVoters') + big(slash, 'burned') > 0n
    ? 'lost-challenge'
    : 'missed-deadline';
}

function splitOf(slash: StoredLog): SlashSplit {
  const s = (k: string) => big(slash, k).toString();
  return {
    toRequester: s('toRequester'),
    toTreasury: s('toTreasury'),
    toWinner: s('toWinner'),
    toVoters: s('toVoters'),
    burned: s('burned'),
  };
}

/**
 * Why a provider was jailed, from the strikes that led to it: its slashes in that economy since its last jail or
 * release, each a missed deadline or a result voted invalid ("3 strikes: 3 results voted invalid"). The generic
 * words only when this node's copy of the chain no longer holds them.
 */
export function jailCause(jail: StoredLog, logs: readonly StoredLog[], byJob: JobLogs): string {
  const provider = String(jail.args.provider);
  const at = logs.findIndex((l) => l.id === jail.id);
  let missed = 0;
  let invalid = 0;
  for (let i = (at < 0 ? logs.length : at) - 1; i >= 0; i--) {
    const l = logs[i]!;
    if (l.address !== jail.address || !sameAddress(String(l.args.provider), provider)) continue;
    if (l.name === 'ProviderJailed' || l.name === 'ProviderUnjailed') break;
    if (l.name !== 'ProviderSlashed') continue;
    const jobLogs =
      l.args.jobId !== undefined ? (byJob.get(jobKey(l.address, String(l.args.jobId))) ?? []) : [];
    if (slashRule(l, jobLogs) === 'missed-deadline') missed++;
    else invalid++;
  }
  if (missed + invalid === 0) return 'repeated missed deadlines or invalid results';
  const parts = [
    missed ? `${missed} missed deadline${missed > 1 ? 's' : ''}` : null,
    invalid ? `${invalid} result${invalid > 1 ? 's' : ''} voted invalid` : null,
  ].filter(Boolean);
  return `${missed + invalid} strike${missed + invalid > 1 ? 's' : ''}: ${parts.join(' and ')}`;
}

/**
 * Every penalty against this provider — timeouts and their slashes, lost challenges with the challenger's evidence
 * and the vote, strikes, jail and release, no-shows — from the chain's events, each with its evidence (the job, its
 * deadline, the block and transaction, when this node submitted if it did) and what to do about it. New ones are
 * pushed as `penalties.added`.
 */
export class PenaltiesService {
  readonly #o: PenaltiesServiceOptions;
  readonly #off: () => void;
  /** A challenge's evidence in words, by `economy:jobId:uri` (a failed fetch is forgotten after a while). */
  readonly #evidence = new Map<string, Promise<ChallengeEvidence>>();

  constructor(options: PenaltiesServiceOptions) {
    this.#o = options;
    this.#off = options.feed.onChange((change, sync) => {
      const me = options.account();
      const mine = change.added.filter(
        (l) => PENALTY_EVENTS.has(l.name) && sameAddress(String(l.args.provider), me),
      );
      if (!mine.length) return;
      const byJob = indexByJob(sync.all());
      void this.#strikes(mine).then(async (strikes) => {
        for (const l of mine) {
          const p = await this.#penalty(l, byJob, strikes.get(l.address) ?? null, sync.all());
          if (p) options.events.emit('penalties.added', p);
        }
      });
    });
  }

  /** Newest first; one economy or all. */
  async list(economy?: Address): Promise<Penalty[]> {
    const me = this.#o.account();
    if (!me) return [];
    const logs = this.#o.feed.sync?.all() ?? [];
    const mine = logs.filter(
      (l) =>
        PENALTY_EVENTS.has(l.name) &&
        sameAddress(String(l.args.provider), me) &&
        (!economy || sameAddress(l.address, economy)),
    );
    const byJob = indexByJob(logs);
    const strikes = await this.#strikes(mine);
    const out = await Promise.all(
      mine.map((l) => this.#penalty(l, byJob, strikes.get(l.address) ?? null, logs)),
    );
    return out.filter((p): p is Penalty => p !== null).reverse();
  }

  /**
   * Slashes and jails of other providers, newest first, a lost challenge with its evidence. The event copy keeps
   * other accounts' events for a day, so this is the last day's: on the devnet, the simulated providers' missed
   * deadlines and wrong results.
   */
  async network(limit = 20): Promise<NetworkPenalty[]> {
    const me = this.#o.account();
    const logs = this.#o.feed.sync?.all() ?? [];
    const picked: StoredLog[] = [];
    for (let i = logs.length - 1; i >= 0 && picked.length < limit; i--) {
      const l = logs[i]!;
      if (l.name !== 'ProviderSlashed' && l.name !== 'ProviderJailed') continue;
      if (sameAddress(String(l.args.provider), me)) continue;
      picked.push(l);
    }
    const byJob = indexByJob(logs);
    return Promise.all(picked.map((l) => this.#networkPenalty(l, byJob, logs)));
  }

  close(): void {
    this.#off();
  }

  async #networkPenalty(l: StoredLog, byJob: JobLogs, logs: readonly StoredLog[]): Promise<NetworkPenalty> {
    const base = {
      id: l.id,
      t: l.t,
      txHash: l.tx,
      economy: l.address,
      provider: String(l.args.provider) as Address,
      jobId: l.args.jobId !== undefined ? String(l.args.jobId) : null,
    };
    if (l.name === 'ProviderJailed') {
      return {
        ...base,
        kind: 'jail',
        amount: null,
        reason: jailCause(l, logs, byJob),
        jailedUntil: Number(l.args.jailedUntil),
      };
    }
    const jobLogs = base.jobId ? (byJob.get(jobKey(l.address, base.jobId)) ?? []) : [];
    const rule = slashRule(l, jobLogs);
    const amount = big(l, 'amount').toString();
    if (rule === 'missed-deadline') {
      return { ...base, kind: 'slash', amount, rule, reason: 'it missed the deadline' };
    }
    const challenge = base.jobId ? await this.#challenge(l.address, base.jobId, jobLogs) : null;
    return {
      ...base,
      kind: 'challenge-lost',
      amount,
      rule,
      reason: lostReason(challenge, 'its'),
      ...(challenge ? { challenge } : {}),
    };
  }

  /** The jail-strike limit of each economy that has a strike among `logs` (one look-up per economy). */
  async #strikes(logs: readonly StoredLog[]): Promise<Map<Address, number | null>> {
    const economies = [...new Set(logs.filter((l) => l.name === 'Strike').map((l) => l.address))];
    const limits = await Promise.all(economies.map((e) => this.#o.jailStrikes(e).catch(() => null)));
    return new Map(economies.map((e, i) => [e, limits[i]!]));
  }

  /**
   * A challenge as this node's copy of the chain tells it — the last challenger and its evidence URI
   * (ChallengeOpened, or ChallengerReplaced when an older commitment took it over), the vote (ChallengeResolved),
   * the job's model (JobPosted) — with the evidence fetched and put in words. Null when the copy has no challenge.
   */
  #challenge(
    economy: Address,
    jobId: string,
    jobLogs: readonly StoredLog[],
  ): Promise<ChallengeEvidence> | null {
    const opened = jobLogs.findLast((l) => l.name === 'ChallengeOpened');
    if (!opened) return null;
    const taken = jobLogs.findLast((l) => l.name === 'ChallengerReplaced' && byChainOrder(l, opened) > 0);
    const last = taken ?? opened;
    const evidenceUri = typeof last.args.evidenceURI === 'string' ? last.args.evidenceURI : null;
    const challenger = addr(last, 'challenger') ?? zeroAddress;
    const resolved = jobLogs.findLast((l) => l.name === 'ChallengeResolved');
    const vote: ChallengeVote | null = resolved
      ? {
          validWeight: big(resolved, 'validWeight').toString(),
          invalidWeight: big(resolved, 'invalidWeight').toString(),
          quorum: big(opened, 'quorum').toString(),
          quorumMet: resolved.args.quorumMet === true,
          resultValid: resolved.args.resultValid === true,
        }
      : null;
    const posted = jobLogs.find((l) => l.name === 'JobPosted');
    const modelHash =
      posted && typeof posted.args.modelHash === 'string' ? (posted.args.modelHash as Hash) : null;
    const key = `${jobKey(economy, jobId)}:${evidenceUri ?? ''}:${resolved?.id ?? ''}`;
    let described = this.#evidence.get(key);
    if (!described) {
      described = describeChallenge(
        { economy, challenger, evidenceUri, modelHash, vote },
        this.#o.readEvidence,
        this.#o.policy,
      );
      this.#evidence.set(key, described);
      void described.then((d) => {
        if (d.unavailable && evidenceUri)
          setTimeout(() => this.#evidence.delete(key), RETRY_EVIDENCE_MS).unref();
      });
    }
    return described;
  }

  async #penalty(
    l: StoredLog,
    byJob: JobLogs,
    strikes: number | null,
    logs: readonly StoredLog[] = [],
  ): Promise<Penalty | null> {
    const jobId = l.args.jobId !== undefined ? String(l.args.jobId) : null;
    const jobLogs = jobId ? (byJob.get(jobKey(l.address, jobId)) ?? []) : [];
    const entry = jobId ? this.#o.journal.get(l.address, jobId) : undefined;
    const submitted = entry?.history.find((h) => h.step === 'submitting' || h.step === 'submitted');
    const submittedAt = submitted ? Math.floor(submitted.t / 1000) : null;
    const base = {
      id: l.id,
      t: l.t,
      block: l.block,
      txHash: l.tx,
      economy: l.address,
      jobId,
    };
    switch (l.name) {
      case 'JobTimedOut':
        return {
          ...base,
          kind: 'timeout',
          amount: null,
          evidence: {
            deadline: Number(l.args.deadline),
            submittedAt,
            reason:
              entry?.fields.error ??
              (entry ? `this node's last step: ${entry.step}` : 'this node has no record of the job'),
          },
          advice: submitted
            ? 'This node sent its result but it did not land before the deadline: check the RPC connection and gas settings.'
            : 'This node accepted the job and no result came before the deadline. Keep the node running while it has jobs, or lower "jobs at once" in Settings → Limits.',
        };
      case 'ProviderSlashed': {
        const rule = slashRule(l, jobLogs);
        const split = splitOf(l);
        const amount = big(l, 'amount').toString();
        if (rule === 'missed-deadline') {
          const timedOut = jobLogs.find((c) => c.name === 'JobTimedOut' && c.tx === l.tx);
          return {
            ...base,
            kind: 'slash',
            amount,
            evidence: {
              ...(timedOut ? { deadline: Number(timedOut.args.deadline) } : {}),
              submittedAt,
              rule,
              split,
              reason: 'SLA collateral taken for a missed deadline',
            },
            advice:
              'The job’s collateral was taken from the bond. Add to the bond if it fell near the minimum.',
          };
        }
        const challenge = jobId ? await this.#challenge(l.address, jobId, jobLogs) : null;
        return {
          ...base,
          kind: 'challenge-lost',
          amount,
          evidence: {
            submittedAt,
            rule,
            split,
            reason: lostReason(challenge, 'the'),
            ...(challenge ? { challenge } : {}),
          },
          advice: `A validator re-ran the job and this node’s output failed the model’s policy${
            challenge?.policy ? ` (${challenge.policy})` : ''
          }; the vote agreed. Compare the figures with this machine’s: run the benchmark for drift and check the engine’s logs for errors. Each wrong result loses the job’s collateral and counts a strike.`,
        };
      }
      case 'Strike': {
        const n = Number(l.args.strikes);
        return {
          ...base,
          kind: 'strike',
          amount: null,
          evidence: { reason: `strike ${n}${strikes ? ` of ${strikes}` : ''}` },
          // What the strike means now: the one that reached the limit jailed; only the one before warns.
          advice:
            strikes && n >= strikes
              ? 'This strike reached the economy’s limit: the provider was jailed (see the jail entry). Fix the cause before unjailing.'
              : strikes && n === strikes - 1
                ? 'One more missed deadline or invalid result jails this provider: consider stopping until the cause is fixed.'
                : 'Strikes count missed deadlines and results voted invalid; at the economy’s limit the provider is jailed for its cool-down.',
        };
      }
      case 'ProviderJailed':
        return {
          ...base,
          kind: 'jail',
          amount: null,
          evidence: {
            reason: `jailed until ${new Date(Number(l.args.jailedUntil) * 1000).toISOString()} after ${jailCause(l, logs, byJob)}`,
          },
          advice:
            'No jobs are drawn for you while jailed. After the cool-down, unjail (the bond must be at least the minimum).',
        };
      case 'ProviderUnjailed':
        return {
          ...base,
          kind: 'unjail',
          amount: null,
          evidence: { reason: 'back in the draw, strikes cleared' },
          advice: 'Nothing to do: this provider is drawn again.',
        };
      case 'JobNoShow': {
        const n = Number(l.args.noShows);
        return {
          ...base,
          kind: 'no-show',
          amount: null,
          evidence: {
            reason:
              n >= MAX_NO_SHOWS
                ? `${n} in a row without accepting: the provider was paused`
                : `${n} in a row without accepting (the provider is paused at ${MAX_NO_SHOWS})`,
          },
          advice:
            n >= MAX_NO_SHOWS
              ? 'This node let its assignments pass without accepting them, so it was paused and gets no jobs: resume providing once it runs again.'
              : 'The job was drawn for this node but not accepted inside its accept window, so it went to another provider, without a slash. Keep the node running while providing.',
        };
      }
      default:
        return null;
    }
  }
}

/** "validators voted the result invalid (policy: argmax agreement ≥ 99 %): agreement 41.2 % < 99 % (…)". */
function lostReason(challenge: ChallengeEvidence | null, whose: 'the' | 'its'): string {
  const head = `validators voted ${whose} result invalid`;
  if (!challenge?.figures) return head;
  return `${head}${challenge.policy ? ` (policy: ${challenge.policy})` : ''}: ${challenge.figures}`;
}
