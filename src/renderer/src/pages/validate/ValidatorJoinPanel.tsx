import { useState } from 'react';
import type { EconomySummary, ValidatorRisk } from '#shared/api';
import { ActionPanel } from '../../components/ActionPanel';
import { Amount } from '../../components/Amount';
import { BondField, useBondInput } from '../../components/BondField';
import { ErrorNotice, Loading } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { useAction, useCall } from '../../lib/api';
import { formatAmount } from '../../lib/money';
import { formatDuration } from '../../lib/time';

/**
 * Bond as a validator in an economy: choose the bond, read what a wrong vote, a lost challenge and an unrevealed
 * commitment cost at that bond (the node's `validator.risk`, in figures and in words), acknowledge it, then bond.
 */
export function ValidatorJoinPanel({
  summary,
  onDone,
  onCancel,
}: {
  summary: EconomySummary;
  onDone: () => void;
  onCancel: () => void;
}) {
  const input = useBondInput(summary, 'validator');
  const { bond, settled } = input;
  const [understood, setUnderstood] = useState(false);
  const risk = useCall('validator.risk', { economy: summary.economy, ...(settled ? { bond: settled } : {}) });
  const join = useAction('validator.join');
  // The risk shown must be the one for the bond being sent.
  const riskReady = bond.ok && settled === bond.value.toString() && !risk.loading && risk.data !== undefined;

  const confirm = async () => {
    if (!bond.ok) return;
    const result = await join.run({ economy: summary.economy, bond: bond.value.toString() });
    if (result) onDone();
  };

  return (
    <ActionPanel title={`Validate in ${summary.name}`} className="join-panel" testId="validator-join-panel">
      <BondField role="validator" economy={summary} input={input} />
      {risk.error && <ErrorNotice error={risk.error} onRetry={risk.reload} />}
      {bond.ok && !risk.data && !risk.error && <Loading label="Reading what validating here risks…" />}
      {bond.ok && risk.data && (
        <>
          {!riskReady && <Loading label="Updating for the new bond…" />}
          <RiskFigures risk={risk.data} summary={summary} />
        </>
      )}
      <label className="check">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
        <span>
          I understand that this bond is locked while I validate in {summary.name}, that a vote of mine
          against the outcome costs{' '}
          {risk.data ? formatAmount(risk.data.wrongVoteCost, summary.token) : 'part'} of it, that a challenge
          the vote upholds costs the challenge bond
          {risk.data ? ` (${formatAmount(risk.data.challengeBond, summary.token)})` : ''}, and that getting it
          back takes {formatDuration(summary.params.unbondingPeriodS)} after I stop validating.
        </span>
      </label>
      {join.error && <ErrorNotice error={join.error} />}
      {join.pending && <ProgressBar value={null} label="Sending the validator bond to the chain…" />}
      <div className="button-row">
        <button
          type="button"
          className="primary"
          disabled={!bond.ok || !riskReady || !understood || join.pending}
          onClick={() => void confirm()}
        >
          {bond.ok ? `Bond ${formatAmount(bond.value, summary.token)} as a validator` : 'Bond'}
        </button>
        <button type="button" onClick={onCancel} disabled={join.pending}>
          Cancel
        </button>
      </div>
    </ActionPanel>
  );
}

/** What is at stake, in figures, then the node's sentences. */
export function RiskFigures({ risk, summary }: { risk: ValidatorRisk; summary: EconomySummary }) {
  const token = summary.token;
  const pct = (bps: number) => `${bps / 100} %`;
  return (
    <div className="risk" data-testid="validator-risk">
      <h3>What a wrong vote costs</h3>
      <dl className="facts">
        <dt>A vote against the outcome</dt>
        <dd>
          <strong>
            <Amount value={risk.wrongVoteCost} token={token} />
          </strong>{' '}
          <span className="muted">({pct(risk.voteSlashBps)} of the vote’s weight)</span>
        </dd>
        <dt>A challenge the vote upholds</dt>
        <dd>
          <Amount value={risk.challengeBond} token={token} />{' '}
          <span className="muted">(the challenge bond)</span>
        </dd>
        <dt>A commitment never revealed</dt>
        <dd>
          <Amount value={risk.commitFee} token={token} />
        </dd>
        <dt>Quorum</dt>
        <dd>{pct(risk.quorumBps)} of the validator stake must vote</dd>
        <dt>Windows</dt>
        <dd>
          challenge {formatDuration(risk.challengeWindowS)} · vote {formatDuration(risk.voteWindowS)}
        </dd>
        <dt>Bond back</dt>
        <dd>{formatDuration(risk.unbondingPeriodS)} after you stop, once every vote is settled</dd>
      </dl>
      <ul className="notes">
        {risk.lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
