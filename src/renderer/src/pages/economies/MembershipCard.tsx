import { useState } from 'react';
import type { EconomySummary, Membership } from '#shared/api';
import { notDrawable } from '#shared/standing';
import { Amount } from '../../components/Amount';
import { NotDrawableNotice } from '../../components/NotDrawable';
import { ErrorNotice } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { useNow } from '../../hooks/useNow';
import { useAction } from '../../lib/api';
import { formatAmount, parseAmount, shareOf, toBigInt } from '../../lib/money';
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
  economy,
  onMove,
}: {
  economy: EconomySummary;
  /** Absent when there is no other economy to move to. */
  onMove?: () => void;
}) {
  const m = economy.membership;
  const token = economy.token;
  // Never "serving" where the contract gives no weight: the badge and a notice say why, with the top-up.
  const blocked = notDrawable(m, economy.params, token);
  return (
    <section
      className="card membership"
      aria-label={`Your standing in ${economy.name}`}
      data-testid="membership"
    >
      <header className="card-header">
        <h2>
          {economy.name}{' '}
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
              <Amount value={m.locked} token={token} /> <span className="muted">(free: </span>
              <Amount value={m.free} token={token} />
              <span className="muted">)</span>
            </dd>
            <dt>Strikes</dt>
            <dd>
              {m.strikes} of {economy.params.jailStrikes}
              {m.strikes > 0 && (
                <span className="muted"> · at {economy.params.jailStrikes} you are jailed</span>
              )}
            </dd>
          </dl>
          <div
            className="bar-split"
            role="img"
            aria-label={`${formatAmount(m.locked, token)} of ${formatAmount(m.bond, token)} locked by jobs`}
          >
            <div
              className="bar-locked"
              style={{ width: `${(shareOf(m.locked, m.bond) * 100).toFixed(2)}%` }}
            />
          </div>
        </>
      )}
      {blocked && (
        <NotDrawableNotice
          economy={economy.id}
          reason={blocked.reason}
          topUp={blocked.topUp}
          topUpLabel={blocked.topUp === null ? undefined : formatAmount(blocked.topUp, token)}
        />
      )}
      {m.status === 'jailed' && m.jailedUntil !== null && <Jailed until={m.jailedUntil} economy={economy} />}
      {m.status === 'exiting' && m.unbondingEndsAt !== null && (
        <Unbonding endsAt={m.unbondingEndsAt} economy={economy} />
      )}
      {(m.status === 'active' || m.status === 'paused') && (
        <ActiveActions economy={economy} onMove={onMove} />
      )}
      {m.status === 'exited' && (
        <p data-testid="exited">
          You left {economy.name}
          {toBigInt(m.bond) === 0n ? ' and your bond came back to your wallet' : ''}. Nothing of yours is
          locked here; earnings left to withdraw are on the Earnings page. To serve here again, join it from
          the comparison above.
        </p>
      )}
      {m.forkAllocation && <ForkAllocation economy={economy} allocation={m.forkAllocation} />}
    </section>
  );
}

function Jailed({ until, economy }: { until: number; economy: EconomySummary }) {
  const now = useNow();
  const left = until - now;
  return (
    <div className="notice notice-warn" role="status">
      <strong>
        Jailed {left > 0 ? `for another ${formatDuration(left)}` : '— the cool-down is over'} after{' '}
        {economy.params.jailStrikes} strikes (missed deadlines or results voted invalid).
      </strong>
      <p>No jobs are drawn for you meanwhile. The Penalties page shows which strikes led to it and why.</p>
    </div>
  );
}

/** The unbonding countdown, then the withdrawal of the bond. */
function Unbonding({ endsAt, economy }: { endsAt: number; economy: EconomySummary }) {
  const now = useNow();
  const withdraw = useAction('provider.withdrawBond');
  const left = Math.max(0, endsAt - now);
  const period = economy.params.unbondingPeriodS;
  const done = left === 0;
  return (
    <div className="unbonding" data-testid="unbonding">
      <ProgressBar
        value={period > 0 ? 1 - left / period : 1}
        label={done ? 'Unbonded: the bond can be withdrawn' : 'Unbonding'}
        detail={done ? 'done' : `${formatDuration(left)} left`}
      />
      {withdraw.error && <ErrorNotice error={withdraw.error} />}
      <button
        type="button"
        className="primary"
        disabled={!done || withdraw.pending}
        onClick={() => void withdraw.run({ economy: economy.id })}
      >
        {withdraw.pending ? 'Withdrawing…' : 'Withdraw bond'}
      </button>
    </div>
  );
}

function ActiveActions({ economy, onMove }: { economy: EconomySummary; onMove?: () => void }) {
  const [mode, setMode] = useState<'idle' | 'exit' | 'add'>('idle');
  const exit = useAction('provider.exit');
  const add = useAction('provider.addBond');
  const [addText, setAddText] = useState('');
  const parsed = parseAmount(addText, economy.token.decimals);
  const error = exit.error ?? add.error;
  return (
    <div className="membership-actions">
      {error && <ErrorNotice error={error} />}
      {mode === 'idle' && (
        <div className="button-row">
          <button type="button" onClick={() => setMode('add')}>
            Add bond…
          </button>
          {onMove && (
            <button type="button" onClick={onMove}>
              Move to another economy…
            </button>
          )}
          <button type="button" className="danger" onClick={() => setMode('exit')}>
            Exit…
          </button>
        </div>
      )}
      {mode === 'exit' && (
        <div className="confirm" role="group" aria-label={`Exit ${economy.name}`}>
          <p>
            Exiting stops new jobs in {economy.name} and starts unbonding: your bond comes back after{' '}
            {formatDuration(economy.params.unbondingPeriodS)}. Jobs already assigned must still be finished.
          </p>
          {exit.pending && <ProgressBar value={null} label="Sending the exit to the chain…" />}
          <div className="button-row">
            <button
              type="button"
              className="danger"
              disabled={exit.pending}
              onClick={() => void exit.run({ economy: economy.id }).then((r) => r && setMode('idle'))}
            >
              Exit and start unbonding
            </button>
            <button type="button" onClick={() => setMode('idle')} disabled={exit.pending}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {mode === 'add' && (
        <form
          className="confirm"
          aria-label={`Add bond in ${economy.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            if (!parsed.ok) return;
            void add
              .run({ economy: economy.id, amount: parsed.value.toString() })
              .then((r) => r && (setMode('idle'), setAddText('')));
          }}
        >
          <div className="field">
            <label htmlFor={`add-${economy.id}`}>Add to the bond ({economy.token.symbol})</label>
            <input
              id={`add-${economy.id}`}
              inputMode="decimal"
              value={addText}
              onChange={(e) => setAddText(e.target.value)}
              aria-invalid={addText !== '' && !parsed.ok}
            />
            {addText !== '' && !parsed.ok && <div className="text-error small">{parsed.error}</div>}
          </div>
          {add.pending && <ProgressBar value={null} label="Sending the bond to the chain…" />}
          <div className="button-row">
            <button type="submit" className="primary" disabled={!parsed.ok || add.pending}>
              Add bond
            </button>
            <button type="button" onClick={() => setMode('idle')} disabled={add.pending}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function ForkAllocation({
  economy,
  allocation,
}: {
  economy: EconomySummary;
  allocation: NonNullable<Membership['forkAllocation']>;
}) {
  const claim = useAction('provider.claimForkAllocation');
  if (allocation.claimed) {
    return (
      <p className="muted">
        Fork allocation of <Amount value={allocation.amount} token={economy.token} /> claimed.
      </p>
    );
  }
  return (
    <div className="allocation" data-testid="fork-allocation">
      <p>
        This fork copied its parent’s providers: your bond there entitles you to{' '}
        <strong>
          <Amount value={allocation.amount} token={economy.token} />
        </strong>{' '}
        of {economy.name}’s genesis tokens.
      </p>
      {claim.error && <ErrorNotice error={claim.error} />}
      {claim.pending && <ProgressBar value={null} label="Claiming on the chain…" />}
      <button
        type="button"
        className="primary"
        disabled={claim.pending}
        onClick={() => void claim.run({ economy: economy.id })}
      >
        Claim {formatAmount(allocation.amount, economy.token)}
      </button>
    </div>
  );
}
