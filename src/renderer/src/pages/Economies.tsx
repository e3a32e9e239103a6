import { useEffect, useRef, useState } from 'react';
import type { EconomySummary, LifecycleResult } from '#shared/api';
import { notDrawable } from '#shared/standing';
import { Card, Empty, Loaded } from '../components/feedback';
import { TxHash } from '../components/TxHash';
import { useEstimates } from '../hooks/useEstimates';
import { useEconomies } from '../lib/economies';
import { href } from '../lib/routes';
import { Comparison } from './economies/Comparison';
import { JoinPanel } from './economies/JoinPanel';
import { LineageTree } from './economies/LineageTree';
import { hasStanding, MembershipCard } from './economies/MembershipCard';
import './Economies.css';

/** Every economy the factory knows: the lineage, a side-by-side comparison, and joining, moving and exiting. */
export function Economies() {
  const economies = useEconomies();
  return (
    <Loaded state={economies} loadingLabel="Finding economies on the chain…">
      {(list) =>
        list.length === 0 ? (
          <Empty>
            The factory on this network lists no economy yet. On the devnet the genesis economy and its forks
            appear once they are deployed.
          </Empty>
        ) : (
          <EconomiesView economies={list} />
        )
      }
    </Loaded>
  );
}

const isServing = (e: EconomySummary) => e.membership.status === 'active' || e.membership.status === 'paused';

function EconomiesView({ economies }: { economies: EconomySummary[] }) {
  // Remember what the user took out of the comparison, so economies discovered later show up by default.
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [joining, setJoining] = useState<{ to: string; from: string | null } | null>(null);
  const [done, setDone] = useState<{ text: string; result: LifecycleResult } | null>(null);
  // The join panel sat far down the page: bring its result into view (and focus, for screen readers).
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!done) return;
    doneRef.current?.scrollIntoView?.({ block: 'nearest' });
    doneRef.current?.focus({ preventScroll: true });
  }, [done]);
  const estimates = useEstimates(economies.map((e) => e.economy));
  const byAddress = (economy: string | null) => economies.find((e) => e.economy === economy) ?? null;
  const serving = economies.filter(isServing);
  const compared = economies.filter((e) => !hidden.has(e.economy));
  const selected = new Set(compared.map((e) => e.economy));
  const toggle = (economy: string) =>
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(economy)) next.delete(economy);
      else next.add(economy);
      return next;
    });
  const target = byAddress(joining?.to ?? null);

  const actions = (e: EconomySummary) => {
    if (isServing(e))
      return notDrawable(e.membership, e.params, e.token) ? (
        <span className="badge badge-bad">not drawable</span>
      ) : (
        <span className="badge badge-ok">serving</span>
      );
    if (e.membership.status === 'exiting')
      return <span className="badge badge-member-exiting">unbonding</span>;
    if (e.membership.status === 'jailed') return <span className="badge badge-bad">jailed</span>;
    return (
      <div className="button-col">
        <button type="button" className="primary" onClick={() => setJoining({ to: e.economy, from: null })}>
          Join {e.name}…
        </button>
        {serving.map((s) => (
          <button
            key={s.economy}
            type="button"
            data-move-from={s.economy}
            onClick={() => setJoining({ to: e.economy, from: s.economy })}
          >
            Move from {s.name}…
          </button>
        ))}
      </div>
    );
  };

  return (
    <div className="stack">
      {done && (
        <div className="notice notice-ok" role="status" ref={doneRef} tabIndex={-1} data-testid="join-done">
          <strong>{done.text}</strong>
          <ul className="tx-list">
            {done.result.txs.map((tx) => (
              <li key={tx.hash}>
                {tx.label}: <TxHash hash={tx.hash} />
              </li>
            ))}
          </ul>
          <p>
            Next: switch on <a href={href('dashboard')}>Provide GPU</a> on the Dashboard to take jobs.
          </p>
        </div>
      )}
      <Card title="Lineage">
        <p className="muted small">
          Each fork copies its parent’s economy — token, bonds, rewards — at a block. Select economies to
          compare.
        </p>
        <LineageTree economies={economies} selected={selected} onToggle={toggle} />
      </Card>
      {target && (
        <JoinPanel
          key={`${target.economy}-${joining?.from ?? ''}`}
          summary={target}
          from={byAddress(joining?.from ?? null)}
          onCancel={() => setJoining(null)}
          onDone={(result) => {
            setDone({ text: `${joining?.from ? 'Moved to' : 'Joined'} ${target.name}.`, result });
            setJoining(null);
          }}
        />
      )}
      <Card title="Side by side">
        {compared.length === 0 ? (
          <Empty>Select economies in the lineage to compare them.</Empty>
        ) : (
          <>
            <Comparison economies={compared} estimates={estimates} actions={actions} />
            <p className="muted small">
              Each economy pays in its own token, so amounts are not ranked against each other: compare them
              at the price you could sell each token for.
            </p>
          </>
        )}
      </Card>
      {economies.filter(hasStanding).map((e) => (
        <MembershipCard
          key={e.economy}
          summary={e}
          onMove={
            economies.some((x) => x.economy !== e.economy && !isServing(x))
              ? () =>
                  // The move buttons live in the comparison, next to what each target offers.
                  document.querySelector<HTMLButtonElement>(`[data-move-from="${e.economy}"]`)?.focus()
              : undefined
          }
        />
      ))}
    </div>
  );
}
