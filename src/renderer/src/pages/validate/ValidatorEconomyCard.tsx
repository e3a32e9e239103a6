import type { ValidatorEconomy } from '#shared/api';
import { Amount } from '../../components/Amount';
import { BondActions } from '../../components/BondActions';
import { LockedAmount, LockedBar } from '../../components/Locked';
import { Unbonding } from '../../components/Unbonding';
import { formatAmount, toBigInt } from '../../lib/money';
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
          <LockedAmount locked={e.locked} free={free > 0n ? free : 0n} token={token} />
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
      {toBigInt(e.bond) > 0n && <LockedBar locked={e.locked} bond={e.bond} token={token} by="challenges" />}
      <details>
        <summary>What a wrong vote costs here</summary>
        <ul className="notes">
          {e.risk.lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </details>
      {e.standing === 'active' && <ActiveActions economy={e} onChanged={onChanged} />}
      {e.standing === 'exiting' && <ValidatorUnbonding economy={e} onChanged={onChanged} />}
    </section>
  );
}

function ActiveActions({ economy: e, onChanged }: { economy: ValidatorEconomy; onChanged: () => void }) {
  return (
    <BondActions
      role="validator"
      economy={e.economy}
      name={e.name}
      token={tokenOf(e)}
      onChanged={onChanged}
      exitNote={
        <>
          This stops checking results in {e.name} and starts unbonding: the validator bond comes back after{' '}
          {formatDuration(e.risk.unbondingPeriodS)}, once every vote is settled. Challenges and votes already
          begun are finished.
        </>
      }
    />
  );
}

/** The unbonding countdown, then the withdrawal once nothing is held by votes or commitments. */
function ValidatorUnbonding({ economy: e, onChanged }: { economy: ValidatorEconomy; onChanged: () => void }) {
  const held = toBigInt(e.locked) > 0n || e.openVotes > 0;
  return (
    <Unbonding
      role="validator"
      economy={e.economy}
      endsAt={e.unbondingEndsAt ?? 0}
      periodS={e.risk.unbondingPeriodS}
      onChanged={onChanged}
      held={
        held ? (
          <p className="muted small">
            Held by {e.openVotes} unsettled {e.openVotes === 1 ? 'vote' : 'votes'} and{' '}
            {formatAmount(e.locked, tokenOf(e))} of open commitments: the node settles them by itself, then
            the bond can be withdrawn.
          </p>
        ) : undefined
      }
    />
  );
}
