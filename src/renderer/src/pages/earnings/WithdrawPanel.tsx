import { useState } from 'react';
import type { EconomyEarnings, WithdrawQuote } from '#shared/api';
import type { Address, Hash } from '#shared/api/define';
import { ActionPanel } from '../../components/ActionPanel';
import { Amount } from '../../components/Amount';
import { ErrorNotice, Loading } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { TxHash } from '../../components/TxHash';
import { useAction, useCall } from '../../lib/api';
import { useNetwork } from '../../lib/network';
import { toBigInt } from '../../lib/money';
import { planWithdrawAll } from '../../lib/withdraw';

/**
 * The withdraw step: what each withdrawal pays and what its gas costs, the node's advice on whether it is worth
 * it, then the withdrawal. "Withdraw all" skips economies whose gas would eat the payout unless forced.
 */
export function WithdrawPanel({
  target,
  economies,
  onClose,
}: {
  target: Address | 'all';
  economies: EconomyEarnings[];
  onClose: () => void;
}) {
  const quotes = useCall('earnings.quote', { economy: target });
  const withdraw = useAction('earnings.withdraw');
  const [done, setDone] = useState<{ economy: Address; amount: string; hash: Hash }[] | null>(null);
  const economyOf = (id: Address) => economies.find((e) => e.economy.toLowerCase() === id.toLowerCase());
  const name = target === 'all' ? 'every economy' : (economyOf(target)?.economyName ?? 'this economy');

  const run = async (force: boolean) => {
    const result = await withdraw.run({ economy: target, force });
    if (result) setDone(result.txs);
  };

  return (
    <ActionPanel title={`Withdraw from ${name}`} testId="withdraw-panel">
      {quotes.error && <ErrorNotice error={quotes.error} onRetry={quotes.reload} />}
      {!quotes.data && quotes.loading && <Loading label="Asking the chain what the gas would cost…" />}
      {quotes.data && !done && (
        <QuoteList quotes={quotes.data} economyOf={economyOf} onRun={run} pending={withdraw.pending} />
      )}
      {withdraw.error && <ErrorNotice error={withdraw.error} />}
      {withdraw.pending && <ProgressBar value={null} label="Sending the withdrawal to the chain…" />}
      {done && (
        <div className="notice notice-ok" role="status">
          <strong>
            {done.length === 0
              ? 'Nothing was withdrawn.'
              : `Sent ${done.length} withdrawal${done.length > 1 ? 's' : ''}.`}
          </strong>
          <ul className="tx-list">
            {done.map((tx) => {
              const e = economyOf(tx.economy);
              const quoted = quotes.data?.find((q) => q.economy === tx.economy);
              const more = quoted ? toBigInt(tx.amount) - toBigInt(quoted.amount) : 0n;
              return (
                <li key={tx.hash} data-testid="withdrawn-amount">
                  {e ? (
                    <>
                      <Amount value={tx.amount} token={e.token} /> from {e.economyName}
                    </>
                  ) : (
                    tx.economy
                  )}
                  : <TxHash hash={tx.hash} />
                  {e && more > 0n && (
                    <div className="muted small">
                      <Amount value={more} token={e.token} /> more than quoted: emission that accrued while
                      the transaction was mined.
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      <div className="button-row">
        <button type="button" onClick={onClose} disabled={withdraw.pending}>
          {done ? 'Close' : 'Cancel'}
        </button>
      </div>
    </ActionPanel>
  );
}

function QuoteList({
  quotes,
  economyOf,
  onRun,
  pending,
}: {
  quotes: WithdrawQuote[];
  economyOf: (id: Address) => EconomyEarnings | undefined;
  onRun: (force: boolean) => void;
  pending: boolean;
}) {
  const { native } = useNetwork();
  const plan = planWithdrawAll(quotes, false);
  const forced = planWithdrawAll(quotes, true);
  if (forced.amounts.length === 0)
    return <p>Nothing is claimable yet: payouts arrive as results finalize.</p>;
  return (
    <>
      <ul className="quotes" data-testid="quotes">
        {quotes.map((q) => {
          const e = economyOf(q.economy);
          return (
            <li key={q.economy} className={q.worthIt ? 'quote-worth' : 'quote-skip'}>
              <div>
                <strong>{e?.economyName ?? q.economy}</strong>:{' '}
                {e ? <Amount value={q.amount} token={e.token} /> : `${q.amount} base units`} for about{' '}
                <Amount value={q.gasCostWei} token={native} maxFractionDigits={6} /> of gas
              </div>
              {e && q.accruedEmission !== undefined && toBigInt(q.accruedEmission) > 0n && (
                <div className="muted small" data-testid="quote-parts">
                  That is <Amount value={q.settled ?? '0'} token={e.token} /> already settled and{' '}
                  <Amount value={q.accruedEmission} token={e.token} /> of emission accrued to your bond since
                  its last settlement, which the withdrawal claims first. Emission keeps accruing
                  {q.emissionPerSecond !== undefined && toBigInt(q.emissionPerSecond) > 0n && (
                    <>
                      {' '}
                      (about <Amount value={toBigInt(q.emissionPerSecond) * 60n} token={e.token} /> a minute)
                    </>
                  )}
                  , so the amount sent is what the chain pays when the transaction lands.
                </div>
              )}
              <div className={q.worthIt ? 'muted' : 'text-warn'}>{q.advice}</div>
            </li>
          );
        })}
      </ul>
      <div className="button-row">
        {plan.amounts.length > 0 && (
          <button type="button" className="primary" disabled={pending} onClick={() => onRun(false)}>
            Withdraw{plan.skipped.length > 0 ? ` the ${plan.amounts.length} worth it` : ''} · gas ≈{' '}
            <Amount value={plan.gasWei} token={native} maxFractionDigits={6} />
          </button>
        )}
        {plan.skipped.length > 0 && (
          <button type="button" disabled={pending} onClick={() => onRun(true)}>
            Withdraw {plan.amounts.length > 0 ? 'all' : ''} anyway · gas ≈{' '}
            <Amount value={forced.gasWei} token={native} maxFractionDigits={6} />
          </button>
        )}
      </div>
    </>
  );
}
