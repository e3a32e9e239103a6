import type { EconomySummary, Membership } from '#shared/api';
import { notDrawable } from '#shared/standing';
import { Amount } from '../../components/Amount';
import { BondActions } from '../../components/BondActions';
import { LockedAmount, LockedBar } from '../../components/Locked';
import { NotDrawableNotice } from '../../components/NotDrawable';
import { ErrorNotice } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { Unbonding } from '../../components/Unbonding';
import { useNow } from '../../hooks/useNow';
import { useAction } from '../../lib/api';
import { formatAmount, toBigInt } from '../../lib/money';
import { formatDuration } from '../../lib/time';

const statusText: Record<Membership['status'], string> = {
  none: 'not joined',
  active: 'serving',
  paused: 'paused',
  exiting: 'unbonding',
  exited: 'exited',
  jailed: 'jailed',
};

/** Whether this economy needs a membership card: the user has (or had) a bond here or a fork allocation to claim. */
export function hasStanding(e: EconomySummary): boolean {
  const m = e.membership;
  return (
    m.status !== 'none' || toBigInt(m.bond) > 0n || (m.forkAllocation !== null && !m.forkAllocation.claimed)
  );
}

/** This provider's standing in one economy: the bond and what is locked, strikes, exit and its countdown, claims. */
export function MembershipCard({
  summary,
  onMove,
}: {
  summary: EconomySummary;
  /** Absent when there is no other economy to move to. */
  onMove?: () => void;
}) {
  const m = summary.membership;
  const token = summary.token;
  // Never "serving" where the contract gives no weight: the badge and a notice say why, with the top-up.
  const blocked = notDrawable(m, summary.params, token);
  return (
    <section
      className="card membership"
      aria-label={`Your standing in ${summary.name}`}
      data-testid="membership"
    >
      <header className="card-header">
        <h2>
          {summary.name}{' '}
          {blocked && m.status === 'active' ? (
            <span className="badge badge-member-jailed">not drawable</span>
          ) : (
            <span className={`badge badge-member-${m.status}`}>{statusText[m.status]}</span>
          )}
        </h2>
      </header>
      {toBigInt(m.bond) > 0n && (
        <>
          <dl className="facts">
            <dt>Bond</dt>
            <dd>
              <Amount value={m.bond} token={token} />
            </dd>
            <dt>Locked by jobs</dt>
            <dd>
              <LockedAmount locked={m.locked} free={m.free} token={token} />
            </dd>
            <dt>Strikes</dt>
            <dd>
              {m.strikes} of {summary.params.jailStrikes}
              {m.strikes > 0 && (
                <span className="muted"> · at {summary.params.jailStrikes} you are jailed</span>
              )}
            </dd>
          </dl>
          <LockedBar locked={m.locked} bond={m.bond} token={token} by="jobs" />
        </>
      )}
      {blocked && (
        <NotDrawableNotice
          economy={summary.economy}
          reason={blocked.reason}
          topUp={blocked.topUp}
          topUpLabel={blocked.topUp === null ? undefined : formatAmount(blocked.topUp, token)}
        />
      )}
      {m.status === 'jailed' && m.jailedUntil !== null && <Jailed until={m.jailedUntil} summary={summary} />}
      {m.status === 'exiting' && m.unbondingEndsAt !== null && (
        <Unbonding
          role="provider"
          economy={summary.economy}
          endsAt={m.unbondingEndsAt}
          periodS={summary.params.unbondingPeriodS}
        />
      )}
      {(m.status === 'active' || m.status === 'paused') && (
        <ActiveActions summary={summary} onMove={onMove} />
      )}
      {m.status === 'exited' && (
        <p data-testid="exited">
          You left {summary.name}
          {toBigInt(m.bond) === 0n ? ' and your bond came back to your wallet' : ''}. Nothing of yours is
          locked here; earnings left to withdraw are on the Earnings page. To serve here again, join it from
          the comparison above.
        </p>
      )}
      {m.forkAllocation && <ForkAllocation summary={summary} allocation={m.forkAllocation} />}
    </section>
  );
}

function Jailed({ until, summary }: { until: number; summary: EconomySummary }) {
  const now = useNow();
  const left = until - now;
  return (
    <div className="notice notice-warn" role="status">
      <strong>
        Jailed {left > 0 ? `for another ${formatDuration(left)}` : '— the cool-down is over'} after{' '}
        {summary.params.jailStrikes} strikes (missed deadlines or results voted invalid).
      </strong>
      <p>No jobs are drawn for you meanwhile. The Penalties page shows which strikes led to it and why.</p>
    </div>
  );
}

function ActiveActions({ summary, onMove }: { summary: EconomySummary; onMove?: () => void }) {
  return (
    <BondActions
      role="provider"
      economy={summary.economy}
      name={summary.name}
      token={summary.token}
      more={
        onMove && (
          <button type="button" onClick={onMove}>
            Move to another economy…
          </button>
        )
      }
      exitNote={
        <>
          Exiting stops new jobs in {summary.name} and starts unbonding: your bond comes back after{' '}
          {formatDuration(summary.params.unbondingPeriodS)}. Jobs already assigned must still be finished.
        </>
      }
    />
  );
}

function ForkAllocation({
  summary,
  allocation,
}: {
  summary: EconomySummary;
  allocation: NonNullable<Membership['forkAllocation']>;
}) {
  const claim = useAction('provider.claimForkAllocation');
  if (allocation.claimed) {
    return (
      <p className="muted">
        Fork allocation of <Amount value={allocation.amount} token={summary.token} /> claimed.
      </p>
    );
  }
  return (
    <div className="allocation" data-testid="fork-allocation">
      <p>
        This fork copied its parent’s providers: your bond there entitles you to{' '}
        <strong>
          <Amount value={allocation.amount} token={summary.token} />
        </strong>{' '}
        of {summary.name}’s genesis tokens.
      </p>
      {claim.error && <ErrorNotice error={claim.error} />}
      {claim.pending && <ProgressBar value={null} label="Claiming on the chain…" />}
      <button
        type="button"
        className="primary"
        disabled={claim.pending}
        onClick={() => void claim.run({ economy: summary.economy })}
      >
        Claim {formatAmount(allocation.amount, summary.token)}
      </button>
    </div>
  );
}
