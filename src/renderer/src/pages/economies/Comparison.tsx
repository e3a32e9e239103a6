import type { ReactNode } from 'react';
import type { EconomySummary } from '#shared/api';
import { Amount, EstimateRange } from '../../components/Amount';
import type { EstimateState } from '../../hooks/useEstimates';
import { formatCount, formatPercent } from '../../lib/risk';
import { formatDuration } from '../../lib/time';

interface Row {
  label: string;
  hint?: string;
  cell: (e: EconomySummary, est: EstimateState | undefined) => ReactNode;
  /** For rows comparable across tokens: the number to rank by and which way is better. */
  rank?: {
    value: (e: EconomySummary, est: EstimateState | undefined) => number | null;
    better: 'lower' | 'higher';
  };
}

function estimateCell(
  est: EstimateState | undefined,
  show: (e: NonNullable<EstimateState['estimate']>) => ReactNode,
) {
  if (!est) return <span className="muted">…</span>;
  if (est.error)
    return (
      <span className="muted" title={est.error.shortMessage}>
        not available
      </span>
    );
  return est.estimate ? show(est.estimate) : null;
}

const rows: Row[] = [
  {
    label: 'Lineage',
    cell: (e) =>
      e.parent === null ? 'genesis' : `fork${e.forkBlock !== null ? ` at block ${e.forkBlock}` : ''}`,
  },
  { label: 'Token', cell: (e) => `${e.token.name} (${e.token.symbol})` },
  {
    label: 'Bond needed',
    hint: 'the least a provider must stake to join',
    cell: (e) => <Amount value={e.params.minBond} token={e.token} />,
  },
  {
    label: 'Fee per job',
    hint: 'median over the last 24 h, before the protocol fee',
    cell: (e) =>
      e.stats.medianFee === null ? (
        <span className="muted">no jobs in 24 h</span>
      ) : (
        <>
          <Amount value={e.stats.medianFee} token={e.token} />{' '}
          <span className="muted">− {(e.params.protocolFeeBps / 100).toFixed(1)} %</span>
        </>
      ),
  },
  {
    label: 'Fee per 1k tokens',
    hint: 'text generation priced per token: median over the last 24 h, on top of each job’s base fee',
    cell: (e) =>
      e.stats.feePer1kTokens === null ? (
        <span className="muted">none priced per token in 24 h</span>
      ) : (
        <Amount value={e.stats.feePer1kTokens} token={e.token} />
      ),
  },
  {
    label: 'Emission per epoch',
    hint: 'new tokens shared among active providers by bond',
    cell: (e) => (
      <>
        <Amount value={e.stats.emissionPerEpoch} token={e.token} />{' '}
        <span className="muted">/ {formatDuration(e.params.epochLengthS)}</span>
      </>
    ),
  },
  {
    label: 'Active stake',
    hint: 'the bonds that share the emission now',
    cell: (e) => <Amount value={e.stats.activeStake} token={e.token} />,
  },
  {
    // Not ranked: more providers is more competition for each job, not better.
    label: 'Active providers',
    cell: (e) => e.stats.activeProviders.toLocaleString('en-US'),
  },
  {
    label: 'Jobs / hour',
    hint: 'posted in the last 24 h, over the hours that covers (at least one)',
    cell: (e) => (
      <>
        {formatCount(e.stats.jobsPerHour)}
        <div className="muted small">
          {e.stats.jobsLast24h.toLocaleString('en-US')} in the last{' '}
          {e.stats.windowS >= 86_340 ? '24 h' : formatDuration(Math.max(60, e.stats.windowS))}
        </div>
      </>
    ),
    rank: { value: (e) => e.stats.jobsPerHour, better: 'higher' },
  },
  {
    label: 'Slash rate',
    hint: 'slashed jobs of assigned jobs, last 24 h',
    cell: (e) => formatPercent(e.stats.slashRate),
    rank: { value: (e) => e.stats.slashRate, better: 'lower' },
  },
  {
    label: 'Fees, next 24 h',
    hint: 'for this machine at the minimum bond, from its draw share; 90 % range',
    cell: (e, est) => estimateCell(est, (x) => <EstimateRange range={x.feesOverHorizon} token={e.token} />),
  },
  {
    label: 'New tokens, next 24 h',
    hint: 'emission to this bond’s share of the active stake; worth the token’s price, not assumed here',
    cell: (e, est) =>
      estimateCell(est, (x) => <EstimateRange range={x.emissionOverHorizon} token={e.token} />),
  },
  {
    label: 'Chance to miss a deadline',
    hint: 'per job, for this machine',
    cell: (_e, est) => estimateCell(est, (x) => formatPercent(x.deadlineMissProbability)),
    rank: { value: (_e, est) => est?.estimate?.deadlineMissProbability ?? null, better: 'lower' },
  },
  {
    label: 'Expected slash / day',
    cell: (e, est) =>
      estimateCell(est, (x) => (
        <Amount value={x.expectedSlashPerDay} token={e.token} maxFractionDigits={2} />
      )),
  },
  {
    label: 'Unbonding period',
    hint: 'how long a bond stays locked after you exit',
    cell: (e) => formatDuration(e.params.unbondingPeriodS),
    rank: { value: (e) => e.params.unbondingPeriodS, better: 'lower' },
  },
  {
    label: 'Challenge window',
    hint: 'how long a result waits before it is paid',
    cell: (e) => formatDuration(e.params.challengeWindowS),
    rank: { value: (e) => e.params.challengeWindowS, better: 'lower' },
  },
];

/** The index of the best economy on a rankable row, or -1 when there is no single best. */
function bestIndex(row: Row, economies: EconomySummary[], estimates: Record<string, EstimateState>): number {
  if (!row.rank || economies.length < 2) return -1;
  const values = economies.map((e) => row.rank!.value(e, estimates[e.economy]));
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return -1;
  const best = row.rank.better === 'higher' ? Math.max(...known) : Math.min(...known);
  const hits = values.filter((v) => v === best).length;
  return hits === 1 ? values.indexOf(best) : -1;
}

/**
 * Economies side by side, one column each. "Best" marks only rows that compare across tokens (counts, rates,
 * times): amounts are in each economy's own token, so the table does not pretend to rank them.
 */
export function Comparison({
  economies,
  estimates,
  actions,
}: {
  economies: EconomySummary[];
  estimates: Record<string, EstimateState>;
  actions: (e: EconomySummary) => ReactNode;
}) {
  return (
    <div className="table-scroll">
      <table className="table comparison" data-testid="comparison">
        <caption className="sr-only">Economies compared side by side</caption>
        <thead>
          <tr>
            <td />
            {economies.map((e) => (
              <th key={e.economy} scope="col">
                {e.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const best = bestIndex(row, economies, estimates);
            return (
              <tr key={row.label}>
                <th scope="row">
                  {row.label}
                  {row.hint && <div className="row-hint">{row.hint}</div>}
                </th>
                {economies.map((e, i) => (
                  <td key={e.economy} className={i === best ? 'best' : undefined}>
                    {row.cell(e, estimates[e.economy])}
                    {i === best && <span className="best-mark"> best</span>}
                  </td>
                ))}
              </tr>
            );
          })}
          <tr>
            <th scope="row">Your standing</th>
            {economies.map((e) => (
              <td key={e.economy}>{actions(e)}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
