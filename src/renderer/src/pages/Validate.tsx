import { useState } from 'react';
import type { EconomySummary, ValidatorState } from '#shared/api';
import { Amount } from '../components/Amount';
import { Card, Empty, Loaded } from '../components/feedback';
import { useLive } from '../lib/api';
import { useEconomies, useEconomyLookup } from '../lib/economies';
import { ChallengesAndVotes, ChecksTable } from './validate/ChecksTable';
import { ValidatorConfigForm } from './validate/ValidatorConfigForm';
import { ValidatorEconomyCard } from './validate/ValidatorEconomyCard';
import { ValidatorJoinPanel } from './validate/ValidatorJoinPanel';
import { ValidatorSwitch } from './validate/ValidatorSwitch';

/**
 * The node as a validator: the switch and the budget, the economies it validates in with their bonds, bonding in
 * another with the risk said first, and what it checked, why, and what became of its challenges and votes.
 */
export function Validate() {
  const state = useLive('validator.get', {}, 'validator.changed');
  return (
    <Loaded state={state} loadingLabel="Loading the validator…">
      {(v) => <ValidateView state={v} reload={state.reload} />}
    </Loaded>
  );
}

function ValidateView({ state, reload }: { state: ValidatorState; reload: () => void }) {
  // The economy being joined, by address: the panel reads its live summary (the wallet's balance moves while it is
  // open, e.g. the devnet's welcome funds landing just after the click).
  const [joiningAddress, setJoiningAddress] = useState<string | null>(null);
  const joining = useEconomyLookup()(joiningAddress ?? '') ?? null;
  const [done, setDone] = useState<string | null>(null);
  return (
    <div className="stack">
      <ValidatorSwitch state={state} onChanged={reload} />
      {done && (
        <div className="notice notice-ok" role="status">
          Bonded as a validator in {done}.{state.on ? '' : ' Switch validation on to start checking results.'}
        </div>
      )}
      {joining && (
        <ValidatorJoinPanel
          key={joining.economy}
          summary={joining}
          onCancel={() => setJoiningAddress(null)}
          onDone={() => {
            setDone(joining.name);
            setJoiningAddress(null);
            reload();
          }}
        />
      )}
      {state.economies.length > 0 && (
        <div className="grid">
          {state.economies.map((e) => (
            <ValidatorEconomyCard key={e.economy} economy={e} onChanged={reload} />
          ))}
        </div>
      )}
      <JoinList
        state={state}
        busy={joining !== null}
        onJoin={(e) => (setDone(null), setJoiningAddress(e.economy))}
      />
      <ChallengesAndVotes checks={state.checks} />
      <Card title="Checks">
        <ChecksTable checks={state.checks} />
      </Card>
      <ValidatorConfigForm config={state.config} onSaved={reload} />
    </div>
  );
}

/** Every economy this wallet is not (or no longer) a validator in, each with its minimum bond and a join button. */
function JoinList({
  state,
  busy,
  onJoin,
}: {
  state: ValidatorState;
  busy: boolean;
  onJoin: (summary: EconomySummary) => void;
}) {
  const economies = useEconomies();
  const bonded = (economy: string) =>
    state.economies.some(
      (e) =>
        e.economy.toLowerCase() === economy.toLowerCase() &&
        (e.standing === 'active' || e.standing === 'exiting'),
    );
  const open = (economies.data ?? []).filter((e) => !bonded(e.economy));
  if (!economies.data) return null;
  return (
    <Card title="Bond as a validator">
      {open.length === 0 ? (
        <Empty>This wallet is a validator in every economy this node follows.</Empty>
      ) : (
        <>
          <p className="muted small">
            A validator re-runs a sample of other providers’ results on this machine, challenges the wrong
            ones and votes in challenges. Its bond is at stake for every vote: the risk is shown before you
            bond.
          </p>
          <ul className="tx-list" data-testid="validator-join-list">
            {open.map((e) => (
              <li key={e.economy}>
                <strong>{e.name}</strong>{' '}
                <span className="muted small">
                  minimum validator bond <Amount value={e.params.validatorMinBond} token={e.token} />
                </span>{' '}
                <button type="button" disabled={busy} onClick={() => onJoin(e)}>
                  Validate in {e.name}…
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}
