import type { EconomyEstimate, EconomySummary } from '../../../../shared/api';
import { Amount } from '../../components/Amount';
import { collateralPerJob, dailyRisk, formatPercent, oneIn, type RiskLevel } from '../../lib/risk';
import { formatDuration } from '../../lib/time';

const verdict: Record<RiskLevel, string> = {
  low: 'At this machine’s measured speed, missed deadlines should be rare and slashes small next to what it earns.',
  moderate: 'Expect an occasional missed deadline; slashes would take a noticeable share of the earnings.',
  high: 'This machine would miss deadlines often enough that slashes eat much of what it earns. Consider a lighter economy, fewer concurrent jobs (Settings → Limits), or a full benchmark first.',
};

/** Earnings and risk of serving an economy, in plain words and numbers, shown before the user bonds. */
export function RiskSummary({ economy, estimate }: { economy: EconomySummary; estimate: EconomyEstimate }) {
  const token = economy.token;
  const risk = dailyRisk(estimate);
  const perMiss = collateralPerJob(economy.params, economy.stats.medianFee ?? '0');
  const missOneIn = oneIn(estimate.deadlineMissProbability);
  return (
    <div className={`risk risk-${risk.level}`} data-testid="risk">
      <p className="risk-verdict">
        <span className={`badge badge-risk-${risk.level}`}>{risk.level} risk</span> {verdict[risk.level]}
      </p>
      <dl className="facts">
        <dt>Expected jobs</dt>
        <dd>
          about {estimate.expectedJobsPerHour.toLocaleString('en-US', { maximumFractionDigits: 1 })} per hour
        </dd>
        <dt>Expected earnings</dt>
        <dd>
          <Amount value={estimate.expectedEarningsPerHour} token={token} /> per hour ·{' '}
          <Amount value={risk.earningsPerDay} token={token} /> per day
        </dd>
        <dt>of which emission</dt>
        <dd data-testid="emission-share">
          <Amount value={estimate.expectedEmissionPerHour} token={token} /> per hour: this bond would be{' '}
          {formatPercent(estimate.emissionShare)} of the active stake, and emission accrues to bonds by size,
          whatever the fees; a missed deadline or a rejected result gives up what accrued since the last
          settlement
        </dd>
        <dt>Chance a job misses its deadline</dt>
        <dd data-testid="miss-chance">
          {formatPercent(estimate.deadlineMissProbability)}
          {missOneIn && <span className="muted"> ({missOneIn})</span>}
        </dd>
        <dt>Chance of at least one miss a day</dt>
        <dd data-testid="miss-day">{formatPercent(risk.anyMissPerDay)}</dd>
        <dt>Each miss costs</dt>
        <dd>
          that job’s collateral: <Amount value={perMiss} token={token} />
          {economy.stats.medianFee !== null && <span className="muted"> at today’s median fee</span>}
        </dd>
        <dt>Expected slash</dt>
        <dd data-testid="slash-day">
          <Amount value={estimate.expectedSlashPerDay} token={token} /> per day
        </dd>
        <dt>Expected net</dt>
        <dd data-testid="net-day" className={risk.netPerDay < 0n ? 'text-error' : undefined}>
          <Amount value={risk.netPerDay} token={token} signed /> per day
          {risk.netPerDay < 0n && ' — you would lose money here'}
        </dd>
        <dt>Leaving</dt>
        <dd>
          the bond unbonds over {formatDuration(economy.params.unbondingPeriodS)};{' '}
          {economy.params.jailStrikes} missed deadlines jail you for{' '}
          {formatDuration(economy.params.jailCooldownS)}
        </dd>
      </dl>
      <p className="muted small">{estimate.basis}</p>
    </div>
  );
}
