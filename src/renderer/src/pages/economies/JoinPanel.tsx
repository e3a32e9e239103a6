import { useEffect, useId, useRef, useState } from 'react';
import type { EconomySummary, LifecycleResult } from '#shared/api';
import { Amount } from '../../components/Amount';
import { ErrorNotice, Loading } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { useDebounced } from '../../hooks/useDebounced';
import { useAction, useCall } from '../../lib/api';
import { checkBond } from '../../lib/bond';
import { formatAmount, formatUnits, toBigInt } from '../../lib/money';
import { formatDuration } from '../../lib/time';
import { RiskSummary } from './RiskSummary';

/**
 * Join an economy, or move the bond to it from another: choose the bond, see the earnings and the risk for this machine,
 * acknowledge what can be lost, then bond. The estimate follows the bond typed.
 */
export function JoinPanel({
  economy,
  from,
  onDone,
  onCancel,
}: {
  economy: EconomySummary;
  /** The economy being left, for a move. */
  from: EconomySummary | null;
  onDone: (result: LifecycleResult) => void;
  onCancel: () => void;
}) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [bondText, setBondText] = useState(() =>
    formatUnits(toBigInt(economy.params.minBond), economy.token.decimals),
  );
  const [understood, setUnderstood] = useState(false);
  const bond = checkBond(bondText, economy);
  const settled = useDebounced(bond.ok ? bond.value.toString() : null);
  const join = useAction('provider.join');
  const move = useAction('provider.moveBond');
  const pending = join.pending || move.pending;
  const error = join.error ?? move.error;
  useEffect(() => heading.current?.focus(), []);

  const confirm = async () => {
    if (!bond.ok) return;
    const amount = bond.value.toString();
    const result = from
      ? await move.run({ fromEconomy: from.id, toEconomy: economy.id, bond: amount })
      : await join.run({ economy: economy.id, bond: amount });
    if (result) onDone(result);
  };

  return (
    <section className="card join-panel" aria-labelledby={headingId} data-testid="join-panel">
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        {from ? `Move from ${from.name} to ${economy.name}` : `Join ${economy.name}`}
      </h2>
      {from && (
        <p>
          Your bond in {from.name} starts unbonding now and comes back after{' '}
          {formatDuration(from.params.unbondingPeriodS)}; running jobs there finish first.
        </p>
      )}
      <div className="field">
        <label htmlFor={`${headingId}-bond`}>Bond ({economy.token.symbol})</label>
        <input
          id={`${headingId}-bond`}
          inputMode="decimal"
          value={bondText}
          onChange={(e) => setBondText(e.target.value)}
          aria-invalid={!bond.ok}
          aria-describedby={`${headingId}-bond-help`}
        />
        <div id={`${headingId}-bond-help`} className={bond.ok ? 'muted small' : 'text-error small'}>
          {bond.ok ? (
            <>
              At least <Amount value={economy.params.minBond} token={economy.token} />
              {economy.membership.walletBalance !== undefined && (
                <>
                  ; your wallet holds{' '}
                  <Amount value={economy.membership.walletBalance} token={economy.token} />
                </>
              )}
              . A bigger bond takes more jobs at once (each job locks collateral from it).
            </>
          ) : (
            bond.error
          )}
        </div>
      </div>
      {bond.ok && settled !== null && <Estimate economy={economy} bond={settled} />}
      <label className="check">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
        <span>
          I understand that this bond is locked while I serve {economy.name}, that each missed deadline
          slashes that job’s collateral from it, and that getting it back takes{' '}
          {formatDuration(economy.params.unbondingPeriodS)} after I exit.
        </span>
      </label>
      {error && <ErrorNotice error={error} />}
      {pending && <ProgressBar value={null} label="Sending the bond to the chain…" />}
      <div className="button-row">
        <button
          type="button"
          className="primary"
          disabled={!bond.ok || !understood || pending}
          onClick={() => void confirm()}
        >
          {bond.ok ? `Bond ${formatAmount(bond.value, economy.token)} and ${from ? 'move' : 'join'}` : 'Bond'}
        </button>
        <button type="button" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function Estimate({ economy, bond }: { economy: EconomySummary; bond: string }) {
  const estimate = useCall('economies.estimate', { economy: economy.id, bond });
  if (estimate.error) return <ErrorNotice error={estimate.error} onRetry={estimate.reload} />;
  if (!estimate.data) return <Loading label="Working out earnings and risk for this machine…" />;
  return (
    <>
      {estimate.loading && <Loading label="Updating for the new bond…" />}
      <RiskSummary economy={economy} estimate={estimate.data} />
    </>
  );
}
