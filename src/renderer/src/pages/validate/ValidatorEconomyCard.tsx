import { useState } from 'react';
import type { ValidatorEconomy } from '#shared/api';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { useNow } from '../../hooks/useNow';
import { useAction } from '../../lib/api';
import { formatAmount, parseAmount, shareOf, toBigInt } from '../../lib/money';
import { formatDuration } from '../../lib/time';
import { standingBadge, standingText, tokenOf } from '../../lib/validator';

/** The validator's standing in one economy: bond and what open challenges lock of it, what it earned and lost. */
export function ValidatorEconomyCard({
  economy: e,
  onChanged,
}: {
  economy: ValidatorEconomy;
  onChanged: () => void;
}) {
  const token = tokenOf(e);
  const free = toBigInt(e.bond) - toBigInt(e.locked);
  return (
    <section
      className="card membership"
      aria-label={`Validator in ${e.name}`}
      data-testid="validator-economy"
    >
      <header className="card-header">
        <h2>
          {e.name} <span className={`badge ${standingBadge[e.standing]}`}>{standingText[e.standing]}</span>
        </h2>
      </header>
      <dl className="facts">
        <dt>Validator bond</dt>
        <dd>
          <Amount value={e.bond} token={token} />
        </dd>
        <dt>Locked by challenges</dt>
        <dd>
          <Amount value={e.locked} token={token} /> <span className="muted">(free: </span>
          <Amount value={free > 0n ? free : 0n} token={token} />
          <span className="muted">)</span>
        </dd>
        <dt>Open votes</dt>
        <dd>{e.openVotes}</dd>
        <dt>Earned</dt>
        <dd className={toBigInt(e.earned) > 0n ? 'text-ok' : undefined}>
          <Amount value={e.earned} token={token} />
        </dd>
        <dt>Lost</dt>
        <dd className={toBigInt(e.lost) > 0n ? 'text-error' : undefined}>
          <Amount value={e.lost} token={token} />
        </dd>
      </dl>
      {toBigInt(e.bond) > 0n && (
        <div
          className="bar-split"
          role="img"
          aria-label={`${formatAmount(e.locked, token)} of ${formatAmount(e.bond, token)} locked by challenges`}
        >
          <div className="bar-locked" style={{ width: `${(shareOf(e.locked, e.bond) * 100).toFixed(2)}%` }} />
        </div>
      )}
      <details>
        <summary>What a wrong vote costs here</summary>
        <ul className="notes">
          {e.risk.lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </details>
      {e.standing === 'active' && <ActiveActions economy={e} onChanged={onChanged} />}
      {e.standing === 'exiting' && <Unbonding economy={e} onChanged={onChanged} />}
    </section>
  );
}

function ActiveActions({ economy: e, onChanged }: { economy: ValidatorEconomy; onChanged: () => void }) {
  const [mode, setMode] = useState<'idle' | 'exit' | 'add'>('idle');
  const exit = useAction('validator.exit');
  const add = useAction('validator.addBond');
  const [addText, setAddText] = useState('');
  const parsed = parseAmount(addText, e.decimals);
  const error = exit.error ?? add.error;
  return (
    <div className="membership-actions">
      {error && <ErrorNotice error={error} />}
      {mode === 'idle' && (
        <div className="button-row">
          <button type="button" onClick={() => setMode('add')}>
            Add bond…
          </button>
          <button type="button" className="danger" onClick={() => setMode('exit')}>
            Stop validating here…
          </button>
        </div>
      )}
      {mode === 'exit' && (
        <div className="confirm" role="group" aria-label={`Stop validating in ${e.name}`}>
          <p>
            This stops checking results in {e.name} and starts unbonding: the validator bond comes back after{' '}
            {formatDuration(e.risk.unbondingPeriodS)}, once every vote is settled. Challenges and votes
            already begun are finished.
          </p>
          {exit.pending && <ProgressBar value={null} label="Sending the exit to the chain…" />}
          <div className="button-row">
            <button
              type="button"
              className="danger"
              disabled={exit.pending}
              onClick={() =>
                void exit.run({ economy: e.economy }).then((r) => r && (setMode('idle'), onChanged()))
              }
            >
              Stop validating and start unbonding
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
          aria-label={`Add validator bond in ${e.name}`}
          onSubmit={(ev) => {
            ev.preventDefault();
            if (!parsed.ok || parsed.value === 0n) return;
            void add
              .run({ economy: e.economy, amount: parsed.value.toString() })
              .then((r) => r && (setMode('idle'), setAddText(''), onChanged()));
          }}
        >
          <div className="field">
            <label htmlFor={`vadd-${e.economy}`}>Add to the validator bond ({e.symbol})</label>
            <input
              id={`vadd-${e.economy}`}
              inputMode="decimal"
              value={addText}
              onChange={(ev) => setAddText(ev.target.value)}
              aria-invalid={addText !== '' && !parsed.ok}
            />
            {addText !== '' && !parsed.ok && <div className="text-error small">{parsed.error}</div>}
          </div>
          {add.pending && <ProgressBar value={null} label="Sending the bond to the chain…" />}
          <div className="button-row">
            <button
              type="submit"
              className="primary"
              disabled={!parsed.ok || parsed.value === 0n || add.pending}
            >
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

/** The unbonding countdown, then the withdrawal once nothing is held by votes or commitments. */
function Unbonding({ economy: e, onChanged }: { economy: ValidatorEconomy; onChanged: () => void }) {
  const now = useNow();
  const withdraw = useAction('validator.withdrawBond');
  const endsAt = e.unbondingEndsAt ?? 0;
  const left = Math.max(0, endsAt - now);
  const period = e.risk.unbondingPeriodS;
  const held = toBigInt(e.locked) > 0n || e.openVotes > 0;
  const done = left === 0;
  return (
    <div className="unbonding" data-testid="validator-unbonding">
      <ProgressBar
        value={period > 0 ? 1 - left / period : 1}
        label={done ? 'Unbonded' : 'Unbonding'}
        detail={done ? 'done' : `${formatDuration(left)} left`}
      />
      {done && held && (
        <p className="muted small">
          Held by {e.openVotes} unsettled {e.openVotes === 1 ? 'vote' : 'votes'} and{' '}
          {formatAmount(e.locked, tokenOf(e))} of open commitments: the node settles them by itself, then the
          bond can be withdrawn.
        </p>
      )}
      {withdraw.error && <ErrorNotice error={withdraw.error} />}
      <button
        type="button"
        className="primary"
        disabled={!done || held || withdraw.pending}
        onClick={() => void withdraw.run({ economy: e.economy }).then((r) => r && onChanged())}
      >
        {withdraw.pending ? 'Withdrawing…' : 'Withdraw validator bond'}
      </button>
    </div>
  );
}
