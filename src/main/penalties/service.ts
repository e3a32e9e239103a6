import type { Address } from 'viem';
import type { NetworkPenalty, Penalty } from '../../shared/api/penalties';
import type { EventFeed } from '../chain/sync/feed';
import { big, sameAddress, type StoredLog } from '../chain/sync/storedLog';
import type { EventBus } from '../events';
import type { Journal } from '../jobs/journal';

export interface PenaltiesServiceOptions {
  feed: EventFeed;
  journal: Journal;
  events: EventBus;
  account: () => Address | null;
  /** An economy's jail strikes, for the advice ("2 of 3"); null when the chain cannot say. */
  jailStrikes: (economy: Address) => Promise<number | null>;
}

const PENALTY_EVENTS = new Set([
  'JobTimedOut',
  'ProviderSlashed',
  'Strike',
  'ProviderJailed',
  'ProviderUnjailed',
]);

/** A slash that paid a winner is a challenge the provider lost (a wrong result); otherwise a missed deadline. */
function isLostChallenge(slash: StoredLog): boolean {
  return big(slash, 'toWinner') > 0n;
}

/**
 * Every penalty against this provider — timeouts, slashes (a lost challenge named as such), strikes, jail and
 * release — from the chain's events, each with its evidence (the job, its deadline, the block and transaction,
 * when this node submitted if it did) and what to do about it. New ones are pushed as `penalties.added`.
 */
export class PenaltiesService {
  readonly #o: PenaltiesServiceOptions;
  readonly #off: () => void;

  constructor(options: PenaltiesServiceOptions) {
    this.#o = options;
    this.#off = options.feed.onChange((change) => {
      const me = options.account();
      const mine = change.added.filter(
        (l) => PENALTY_EVENTS.has(l.name) && sameAddress(String(l.args.provider), me),
      );
      if (!mine.length) return;
      void this.#strikes(mine).then((strikes) => {
        for (const l of mine) {
          const p = this.#penalty(l, change.added, strikes.get(l.address) ?? null);
          if (p) options.events.emit('penalties.added', p);
        }
      });
    });
  }

  /** Newest first; one economy or all. */
  async list(economyId?: Address): Promise<Penalty[]> {
    const me = this.#o.account();
    if (!me) return [];
    const logs = this.#o.feed.sync?.all() ?? [];
    const mine = logs.filter(
      (l) =>
        PENALTY_EVENTS.has(l.name) &&
        sameAddress(String(l.args.provider), me) &&
        (!economyId || sameAddress(l.address, economyId)),
    );
    const strikes = await this.#strikes(mine);
    const out: Penalty[] = [];
    for (const l of mine) {
      const p = this.#penalty(l, logs, strikes.get(l.address) ?? null);
      if (p) out.push(p);
    }
    return out.reverse();
  }

  /**
   * Slashes and jails of other providers, newest first. The event copy keeps other accounts' events for a day, so
   * this is the last day's: on the devnet, the simulated providers' missed deadlines and wrong results.
   */
  network(limit = 20): NetworkPenalty[] {
    const me = this.#o.account();
    const logs = this.#o.feed.sync?.all() ?? [];
    const out: NetworkPenalty[] = [];
    for (let i = logs.length - 1; i >= 0 && out.length < limit; i--) {
      const l = logs[i]!;
      if (l.name !== 'ProviderSlashed' && l.name !== 'ProviderJailed') continue;
      const provider = String(l.args.provider);
      if (sameAddress(provider, me)) continue;
      const base = {
        id: l.id,
        t: l.t,
        txHash: l.tx,
        economyId: l.address,
        provider: provider as NetworkPenalty['provider'],
        jobId: l.args.jobId !== undefined ? String(l.args.jobId) : null,
      };
      if (l.name === 'ProviderJailed') {
        out.push({
          ...base,
          kind: 'jail',
          amount: null,
          reason: 'repeated missed deadlines',
          jailedUntil: Number(l.args.jailedUntil),
        });
        continue;
      }
      const lostChallenge = isLostChallenge(l);
      out.push({
        ...base,
        kind: lostChallenge ? 'challenge-lost' : 'slash',
        amount: big(l, 'amount').toString(),
        reason: lostChallenge ? 'validators voted its result invalid' : 'it missed the deadline',
      });
    }
    return out;
  }

  /** The jail-strike limit of each economy that has a strike among `logs` (one look-up per economy). */
  async #strikes(logs: readonly StoredLog[]): Promise<Map<Address, number | null>> {
    const economies = [...new Set(logs.filter((l) => l.name === 'Strike').map((l) => l.address))];
    const limits = await Promise.all(economies.map((e) => this.#o.jailStrikes(e).catch(() => null)));
    return new Map(economies.map((e, i) => [e, limits[i]!]));
  }

  close(): void {
    this.#off();
  }

  #penalty(l: StoredLog, context: readonly StoredLog[], strikes: number | null): Penalty | null {
    const jobId = l.args.jobId !== undefined ? String(l.args.jobId) : null;
    const entry = jobId ? this.#o.journal.get(l.address, jobId) : undefined;
    const submitted = entry?.history.find((h) => h.step === 'submitting' || h.step === 'submitted');
    const base = {
      id: l.id,
      t: l.t,
      block: l.block,
      txHash: l.tx,
      economyId: l.address,
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
            submittedAt: submitted ? Math.floor(submitted.t / 1000) : null,
            reason:
              entry?.fields.error ??
              (entry ? `this node's last step: ${entry.step}` : 'this node has no record of the job'),
          },
          advice: submitted
            ? 'This node sent its result but it did not land before the deadline: check the RPC connection and gas settings.'
            : 'The deadline passed without a result. Keep the node running while providing (the job was assigned while it was away or busy), or lower "jobs at once" in Settings → Limits.',
        };
      case 'ProviderSlashed': {
        const lostChallenge = isLostChallenge(l);
        const deadline = context.find((c) => c.name === 'JobTimedOut' && c.tx === l.tx);
        return {
          ...base,
          kind: lostChallenge ? 'challenge-lost' : 'slash',
          amount: big(l, 'amount').toString(),
          evidence: {
            ...(deadline ? { deadline: Number(deadline.args.deadline) } : {}),
            submittedAt: submitted ? Math.floor(submitted.t / 1000) : null,
            reason: lostChallenge
              ? 'validators voted the result invalid'
              : 'SLA collateral taken for a missed deadline',
          },
          advice: lostChallenge
            ? 'Validators re-ran the job and got another output. Check the benchmark for drift and the engine for errors; a wrong result loses the job’s collateral each time.'
            : 'The job’s collateral was taken from the bond. Add to the bond if it fell near the minimum.',
        };
      }
      case 'Strike': {
        const n = Number(l.args.strikes);
        return {
          ...base,
          kind: 'strike',
          amount: null,
          evidence: { reason: `strike ${n}${strikes ? ` of ${strikes}` : ''}` },
          advice:
            strikes && n >= strikes - 1
              ? 'One more missed deadline jails this provider: consider stopping until the cause is fixed.'
              : 'Strikes count missed deadlines; at the economy’s limit the provider is jailed for its cool-down.',
        };
      }
      case 'ProviderJailed':
        return {
          ...base,
          kind: 'jail',
          amount: null,
          evidence: { reason: `jailed until ${new Date(Number(l.args.jailedUntil) * 1000).toISOString()}` },
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
      default:
        return null;
    }
  }
}
