import { encodeFunctionData, type Address, type Hash } from 'viem';
import type {
  EarningsEvent,
  EarningsReport,
  EconomyEarnings,
  TokenTotals,
  WithdrawQuote,
} from '#shared/api/earnings';
import type { Settings } from '#shared/api/settings';
import { FlywheelError } from '#shared/errors';
import { economyAbi } from '../chain/artifacts';
import { readAccount } from '../chain/actions/readAccount';
import { readEconomyStats } from '../chain/actions/readEconomyStats';
import { readProvider } from '../chain/actions/readProvider';
import { formatTokenAmount } from '#shared/units';
import { withdraw } from '../chain/actions/withdraw';
import type { ChainService } from '../chain/chainService';
import type { EventFeed } from '../chain/sync/feed';
import { big, sameAddress, type StoredLog } from '../chain/sync/storedLog';
import { DEVNET_NATIVE_PER_TOKEN } from '../chain/endpoint';
import type { EconomiesService } from '../economies/economiesService';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { foldJob, groupJobs } from '../jobs/history';
import { judgeWithdrawal } from './valuation';

export interface EarningsServiceOptions {
  chain: ChainService;
  feed: EventFeed;
  economies: EconomiesService;
  events: EventBus;
  settings: () => Settings;
  account: () => Address | null;
  log: Logger;
}

/** Gas `withdraw` takes (README "Gas": 52,502) with a margin, for quotes when it cannot be estimated. */
const WITHDRAW_GAS = 65_000n;
/** Gas `claimEmission` takes (a settlement and a mint) with a margin, when it cannot be estimated. */
const CLAIM_EMISSION_GAS = 90_000n;

/**
 * Earnings per economy and per token: bond and what jobs lock of it, pending (results still in their challenge
 * window), claimable, withdrawn, lifetime and slashed, with the history of every credit and debit — balances from
 * the chain's views, history from its events. Withdrawals follow the fee-aware rule (valuation.ts): never spend
 * more gas than a withdrawal pays, unless forced.
 */
export class EarningsService {
  readonly #o: EarningsServiceOptions;
  #timer: NodeJS.Timeout | undefined;
  readonly #off: () => void;

  constructor(options: EarningsServiceOptions) {
    this.#o = options;
    this.#off = options.feed.onChange((change) => {
      const me = options.account();
      if (
        change.added.some((l) =>
          Object.values(l.args).some((v) => typeof v === 'string' && sameAddress(v, me)),
        )
      ) {
        this.changed();
      }
    });
  }

  async report(): Promise<EarningsReport> {
    const me = this.#o.account();
    const payoutAddress = this.#o.settings().payoutAddress;
    if (!me) return { economies: [], totals: [], history: [], payoutAddress };
    const economies = await this.#o.economies.list().then((l) => l.map((e) => e.economy));
    const logs = this.#o.feed.sync?.all() ?? [];
    const rows = await Promise.all(economies.map((e) => this.#economy(e, me, logs)));
    const mineRows = rows.filter(
      (r) =>
        r.row.bonded !== '0' || r.row.lifetime !== '0' || r.row.claimable !== '0' || r.row.withdrawn !== '0',
    );
    const totals = new Map<string, TokenTotals>();
    for (const { row } of mineRows) {
      const t = totals.get(row.token.address) ?? {
        token: row.token,
        bonded: '0',
        pending: '0',
        claimable: '0',
        withdrawn: '0',
        lifetime: '0',
        pendingEmission: '0',
      };
      for (const k of [
        'bonded',
        'pending',
        'claimable',
        'withdrawn',
        'lifetime',
        'pendingEmission',
      ] as const) {
        t[k] = (BigInt(t[k] ?? 0) + BigInt(row[k])).toString();
      }
      totals.set(row.token.address, t);
    }
    return {
      economies: mineRows.map((r) => r.row),
      totals: [...totals.values()],
      history: mineRows.flatMap((r) => r.history).sort((a, b) => a.block - b.block || a.t - b.t),
      payoutAddress,
    };
  }

  /** Gas cost and advice for withdrawing one economy or every one with something claimable. */
  async quote(target: Address | 'all'): Promise<WithdrawQuote[]> {
    const me = this.#need();
    const client = this.#o.chain.client();
    const endpoint = this.#o.chain.endpoint!;
    const ids =
      target === 'all'
        ? (await this.#o.economies.list()).map((e) => e.economy)
        : [(await this.#o.economies.get(target)).economy];
    const fees = await client.estimateFeesPerGas().catch(() => null);
    const gasPrice = fees?.maxFeePerGas ?? (await client.getGasPrice());
    const to = this.#o.settings().payoutAddress ?? me;
    const quotes = await Promise.all(
      ids.map(async (economy): Promise<WithdrawQuote | null> => {
        const account = await readAccount({ publicClient: client }, { economy, account: me });
        // A withdrawal claims the emission accrued to the bond first (withdraw pays only what is settled).
        const claimable = account.claimable + account.pendingEmission;
        if (target === 'all' && claimable === 0n) return null;
        const estimate = (functionName: 'withdraw' | 'claimEmission', fallback: bigint) =>
          client
            .estimateGas({
              account: me,
              to: economy,
              data:
                functionName === 'withdraw'
                  ? encodeFunctionData({ abi: economyAbi, functionName, args: [to] })
                  : encodeFunctionData({ abi: economyAbi, functionName }),
            })
            .catch(() => fallback);
        const gas =
          (account.pendingEmission > 0n ? await estimate('claimEmission', CLAIM_EMISSION_GAS) : 0n) +
          // Before the claim lands, withdraw of a balance that holds only emission cannot be estimated.
          (account.claimable > 0n ? await estimate('withdraw', WITHDRAW_GAS) : WITHDRAW_GAS);
        const gasCostWei = gas * gasPrice;
        const info = await this.#o.economies.info(economy);
        const emissionPerSecond =
          account.pendingEmission > 0n
            ? await this.#emissionPerSecond(economy, me, info.params.epochLengthS)
            : 0n;
        const rule = judgeWithdrawal({
          amount: claimable,
          decimals: info.token.decimals,
          symbol: info.token.symbol,
          gasCostWei,
          nativeSymbol: endpoint.nativeSymbol,
          nativePerToken:
            endpoint.nativePerToken === undefined
              ? endpoint.isDevnet
                ? DEVNET_NATIVE_PER_TOKEN
                : null
              : endpoint.nativePerToken,
          isDevnet: endpoint.isDevnet,
        });
        return {
          economy,
          amount: claimable.toString(),
          gasCostWei: gasCostWei.toString(),
          worthIt: rule.worthIt,
          advice: rule.advice,
          settled: account.claimable.toString(),
          accruedEmission: account.pendingEmission.toString(),
          emissionPerSecond: emissionPerSecond.toString(),
        };
      }),
    );
    return quotes.filter((q): q is WithdrawQuote => q !== null);
  }

  /**
   * Withdraws claimable tokens to the payout address (or the wallet): one economy or all. An economy whose gas
   * would cost more than it pays is skipped unless `force`; an empty balance is never sent.
   */
  async withdraw(
    target: Address | 'all',
    force: boolean,
  ): Promise<{ txs: { economy: Address; amount: string; hash: Hash }[] }> {
    const me = this.#need();
    const client = await this.#o.chain.actionClient();
    const to = this.#o.settings().payoutAddress ?? me;
    const txs: { economy: Address; amount: string; hash: Hash }[] = [];
    for (const q of await this.quote(target)) {
      if (q.amount === '0' || (!q.worthIt && !force)) {
        this.#o.log.info('withdrawal skipped', { economy: q.economy, advice: q.advice });
        continue;
      }
      const { hash, amount } = await withdraw(client, { economy: q.economy, to });
      if (hash) {
        txs.push({ economy: q.economy, amount: amount.toString(), hash });
        const info = await this.#o.economies.info(q.economy);
        this.#o.events.emit('node.notification', {
          kind: 'withdrawn',
          title: `Withdrew from ${info.name}`,
          // The same rounding as the cards and the withdraw dialog.
          body: `${formatTokenAmount(amount, info.token)} sent to ${to}.`,
          t: Date.now(),
        });
      }
    }
    await this.#o.feed.refresh();
    // The cards show the new balances as soon as the transactions land, not after the usual debounce.
    if (txs.length) await this.#emitNow();
    else this.changed();
    return { txs };
  }

  async #emitNow(): Promise<void> {
    try {
      this.#o.events.emit('earnings.changed', await this.report());
    } catch (err) {
      this.#o.log.debug('could not refresh earnings', { error: (err as Error).message });
    }
  }

  /** Emission accruing to this account's bond now: its share of the active stake × this epoch's emission per second. */
  async #emissionPerSecond(economy: Address, me: Address, epochLengthS: number): Promise<bigint> {
    const client = { publicClient: this.#o.chain.client() };
    const [stats, provider] = await Promise.all([
      readEconomyStats(client, { economy }),
      readProvider(client, { economy, account: me }),
    ]);
    if (stats.activeStake === 0n || provider.stake === 0n || epochLengthS <= 0) return 0n;
    return (stats.currentEmission * provider.stake) / stats.activeStake / BigInt(epochLengthS);
  }

  /** Balances moved: push `earnings.changed`, at most every 2 s. */
  changed(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#o.chain.connected) return;
      this.report().then(
        (r) => this.#o.events.emit('earnings.changed', r),
        (err: Error) => this.#o.log.debug('could not refresh earnings', { error: err.message }),
      );
    }, 2_000);
    this.#timer.unref();
  }

  close(): void {
    this.#off();
    clearTimeout(this.#timer);
  }

  #need(): Address {
    const me = this.#o.account();
    if (!me)
      throw new FlywheelError('There is no wallet yet.', {
        code: 'NOT_FOUND',
        action: 'Create or import a wallet in Settings.',
      });
    return me;
  }

  async #economy(
    economy: Address,
    me: Address,
    logs: readonly StoredLog[],
  ): Promise<{ row: EconomyEarnings; history: EarningsEvent[] }> {
    const client = { publicClient: this.#o.chain.client() };
    const [info, provider, account] = await Promise.all([
      this.#o.economies.info(economy),
      readProvider(client, { economy, account: me }),
      readAccount(client, { economy, account: me }),
    ]);
    const history: EarningsEvent[] = [];
    const add = (l: StoredLog, kind: EarningsEvent['kind'], amount: bigint) =>
      history.push({
        t: l.t,
        block: l.block,
        economy,
        kind,
        amount: amount.toString(),
        txHash: l.tx,
        jobId: l.args.jobId !== undefined ? String(l.args.jobId) : null,
      });
    const totals = { fee: 0n, emission: 0n, forfeit: 0n, allocation: 0n, withdrawal: 0n, slash: 0n };
    // Which events credit or debit this wallet, and under which argument it is named.
    const kinds: Record<string, [EarningsEvent['kind'], string, string]> = {
      JobFinalized: ['fee', 'provider', 'payout'],
      EmissionCredited: ['emission', 'provider', 'amount'],
      EmissionForfeited: ['forfeit', 'provider', 'amount'],
      AllocationClaimed: ['allocation', 'account', 'amount'],
      Withdrawn: ['withdrawal', 'account', 'amount'],
      ProviderSlashed: ['slash', 'provider', 'amount'],
    };
    for (const l of logs) {
      const kind = kinds[l.name];
      if (l.address !== economy || !kind || !sameAddress(String(l.args[kind[1]]), me)) continue;
      const amount = big(l, kind[2]);
      add(l, kind[0], amount);
      totals[kind[0]] += amount;
    }
    // Pending: this provider's results still inside their challenge window (or being voted on), net of the fee.
    let pending = 0n;
    for (const events of groupJobs(logs.filter((l) => l.address === economy)).values()) {
      const job = foldJob(events);
      if (!job || !sameAddress(job.provider, me)) continue;
      if (job.status === 'Submitted' || job.status === 'Voting') {
        pending += (job.fee * BigInt(10_000 - info.params.protocolFeeBps)) / 10_000n;
      }
    }
    return {
      row: {
        economy,
        economyName: info.name,
        token: info.token,
        bonded: provider.bond.toString(),
        locked: provider.locked.toString(),
        pending: pending.toString(),
        claimable: (account.claimable + account.pendingEmission).toString(),
        withdrawn: totals.withdrawal.toString(),
        // Allocations are minted to the wallet, not credited; they count as earned all the same.
        lifetime: (totals.fee + totals.emission + totals.allocation + account.pendingEmission).toString(),
        slashed: totals.slash.toString(),
        pendingEmission: account.pendingEmission.toString(),
        forfeited: totals.forfeit.toString(),
      },
      history,
    };
  }
}
