import type { AmountRange, EconomyEstimate, EconomySummary } from '#shared/api';
import { Amount, EstimateRange } from '../../components/Amount';
import type { TokenLike } from '../../lib/money';
import { collateralPerJob, dailyRisk, formatCount, formatPercent, oneIn } from '../../lib/risk';
import { formatDuration } from '../../lib/time';

/** "12.5 – 18.25 FLY (expected 15.3 FLY)": an estimate with its range. */
function Range({ range, token }: { range: AmountRange; token: TokenLike }) {
  if (range.low === range.high) return <Amount value={range.expected} token={token} maxFractionDigits={2} />;
  return (
    <>
      <EstimateRange range={range} token={token} />{' '}
      <span className="muted">
        (expected <Amount value={range.expected} token={token} maxFractionDigits={2} />)
      </span>
    </>
  );
}

/**
 * Earnings and risk of serving an economy, in plain words and numbers, shown before the user bonds. Every figure is
 * over the estimate's horizon (a day), fees and emission apart; the verdict is drawn from the figures shown.
 */
export function RiskSummary({ economy, estimate }: { economy: EconomySummary; estimate: EconomyEstimate }) {
  const token = economy.token;
  const risk = dailyRisk(estimate, economy.params);
  const perMiss = collateralPerJob(economy.params, economy.stats.medianFee ?? '0');
  const missOneIn = oneIn(estimate.deadlineMissProbability);
  const horizon = `next ${estimate.horizonH} h`;
  return (
    <div className={`risk risk-${risk.level}`} data-testid="risk">
      <p className="risk-verdict" data-testid="risk-verdict">
        <span className={`badge badge-risk-${risk.level}`}>{risk.level} risk</span> {risk.verdict}
      </p>
      <dl className="facts">
        <dt>Jobs for this bond</dt>
        <dd data-testid="jobs-day">
          about {formatCount(risk.jobsPerDay)} a day ({formatCount(estimate.expectedJobsPerHour)} an hour) of
          the {formatCount(estimate.postedPerHour)} an hour posted here
        </dd>
        <dt>Fees, {horizon}</dt>
        <dd data-testid="fees-day">
          <Range range={estimate.feesOverHorizon} token={token} />
          <div className="muted small">paid by requesters, less the protocol fee; 90 % range</div>
        </dd>
        <dt>New tokens from emission, {horizon}</dt>
        <dd data-testid="emission-day">
          <Range range={estimate.emissionOverHorizon} token={token} />
          <div className="muted small">
            newly minted {token.symbol}: what they are worth is {token.symbol}’s price, which this estimate
            does not assume. This bond would be {formatPercent(estimate.emissionShare)} of the active stake
            (the low end if one more provider with the same bond joins); a missed deadline or a rejected
            result gives up what accrued since the last settlement.
          </div>
        </dd>
        <dt>Chance a job misses its deadline</dt>
        <dd data-testid="miss-chance">
          {formatPercent(estimate.deadlineMissProbability)}
          {missOneIn && <span className="muted"> ({missOneIn})</span>}
        </dd>
        <dt>Chance of at least one miss a day</dt>
        <dd data-testid="miss-day">
          {formatPercent(risk.anyMissPerDay)}
          <span className="muted"> (about {formatCount(risk.missesPerDay)} expected)</span>
        </dd>
        <dt>Each miss costs</dt>
        <dd>
          that job’s collateral: <Amount value={perMiss} token={token} />
          {economy.stats.medianFee !== null && <span className="muted"> at today’s median fee</span>}, and a
          strike ({economy.params.jailStrikes} jail)
        </dd>
        <dt>Expected slash</dt>
        <dd data-testid="slash-day">
          <Amount value={estimate.expectedSlashPerDay} token={token} maxFractionDigits={2} /> per day
        </dd>
        <dt>Expected net</dt>
        <dd data-testid="net-day" className={risk.netPerDay < 0n ? 'text-error' : undefined}>
          <Amount value={risk.netPerDay} token={token} signed maxFractionDigits={2} /> per day, fees and new
          tokens less slashes
          {risk.netPerDay < 0n && ' — you would lose money here'}
        </dd>
        <dt>Leaving</dt>
        <dd>
          the bond unbonds over {formatDuration(economy.params.unbondingPeriodS)};{' '}
          {economy.params.jailStrikes} strikes (missed deadlines or results voted invalid) jail you for{' '}
          {formatDuration(economy.params.jailCooldownS)}
        </dd>
      </dl>
      <p className="muted small" data-testid="risk-basis">
        {estimate.basis}
      </p>
    </div>
  );
}
