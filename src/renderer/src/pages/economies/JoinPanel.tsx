import { useState } from 'react';
import type { EconomySummary, LifecycleResult } from '#shared/api';
import { ActionPanel } from '../../components/ActionPanel';
import { BondField, useBondInput } from '../../components/BondField';
import { ErrorNotice, Loading } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { useAction, useCall } from '../../lib/api';
import { formatAmount } from '../../lib/money';
import { formatDuration } from '../../lib/time';
import { RiskSummary } from './RiskSummary';

/**
 * Join an economy, or move the bond to it from another: choose the bond, see the earnings and the risk for this machine,
 * acknowledge what can be lost, then bond. The estimate follows the bond typed.
 */
export function JoinPanel({
  summary,
  from,
  onDone,
  onCancel,
}: {
  summary: EconomySummary;
  /** The economy being left, for a move. */
  from: EconomySummary | null;
  onDone: (result: LifecycleResult) => void;
  onCancel: () => void;
}) {
  const input = useBondInput(summary, 'provider');
  const { bond, settled } = input;
  const [understood, setUnderstood] = useState(false);
  const join = useAction('provider.join');
  const move = useAction('provider.moveBond');
  const pending = join.pending || move.pending;
  const error = join.error ?? move.error;

  const confirm = async () => {
    if (!bond.ok) return;
    const amount = bond.value.toString();
    const result = from
      ? await move.run({ fromEconomy: from.economy, toEconomy: summary.economy, bond: amount })
      : await join.run({ economy: summary.economy, bond: amount });
    if (result) onDone(result);
  };

  return (
    <ActionPanel
      title={from ? `Move from ${from.name} to ${summary.name}` : `Join ${summary.name}`}
      className="join-panel"
      testId="join-panel"
    >
      {from && (
        <p>
          Your bond in {from.name} starts unbonding now and comes back after{' '}
          {formatDuration(from.params.unbondingPeriodS)}; running jobs there finish first.
        </p>
      )}
      <BondField role="provider" economy={summary} input={input} />
      {bond.ok && settled !== null && <Estimate summary={summary} bond={settled} />}
      <label className="check">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
        <span>
          I understand that this bond is locked while I serve {summary.name}, that each missed deadline
          slashes that job’s collateral from it, and that getting it back takes{' '}
          {formatDuration(summary.params.unbondingPeriodS)} after I exit.
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
          {bond.ok ? `Bond ${formatAmount(bond.value, summary.token)} and ${from ? 'move' : 'join'}` : 'Bond'}
        </button>
        <button type="button" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </ActionPanel>
  );
}

function Estimate({ summary, bond }: { summary: EconomySummary; bond: string }) {
  const estimate = useCall('economies.estimate', { economy: summary.economy, bond });
  if (estimate.error) return <ErrorNotice error={estimate.error} onRetry={estimate.reload} />;
  if (!estimate.data) return <Loading label="Working out earnings and risk for this machine…" />;
  return (
    <>
      {estimate.loading && <Loading label="Updating for the new bond…" />}
      <RiskSummary economy={summary} estimate={estimate.data} />
    </>
  );
}
