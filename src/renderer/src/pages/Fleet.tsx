import { useEffect } from 'react';
import type { FleetReport } from '#shared/api';
import { Empty, ErrorNotice, Loaded } from '../components/feedback';
import { useAction, useLive } from '../lib/api';
import { AddNodeForm } from './fleet/AddNodeForm';
import { FleetNodeCard } from './fleet/FleetNodeCard';

/**
 * Other Flywheel nodes side by side, as this node checks them through their own APIs: providing or not and why,
 * jobs in the last hour, earnings per token, GPU temperatures, alerts; start and stop providing on each. A node that
 * does not answer is shown as such after a few seconds and never holds up the others.
 */
export function Fleet() {
  const state = useLive('fleet.list', {}, 'fleet.changed');
  const refresh = useAction('fleet.refresh');
  const { run } = refresh;
  // Opening the page checks every node now (the node also checks them in the background).
  useEffect(() => {
    void run({});
  }, [run]);
  return (
    <Loaded state={state} loadingLabel="Loading the fleet…">
      {(report) => (
        <FleetView
          report={report}
          refreshing={refresh.pending}
          onRefresh={() => void run({})}
          onChanged={state.reload}
          refreshError={refresh.error}
        />
      )}
    </Loaded>
  );
}

function FleetView({
  report,
  refreshing,
  onRefresh,
  onChanged,
  refreshError,
}: {
  report: FleetReport;
  refreshing: boolean;
  onRefresh: () => void;
  onChanged: () => void;
  refreshError: ReturnType<typeof useAction>['error'];
}) {
  const down = report.nodes.filter((n) => n.state === 'not-answering' || n.state === 'refused').length;
  return (
    <div className="stack">
      {!report.tokensReadable && (
        <div className="notice notice-warn" role="status" data-testid="fleet-locked">
          <strong>{report.tokensNote}</strong>
          <p>
            The other nodes’ tokens are encrypted with a key derived from this node’s wallet: they are as safe
            as the wallet, and readable only while it is unlocked (Settings).
          </p>
        </div>
      )}
      {report.nodes.length > 0 && (
        <div className="card-actions" data-testid="fleet-summary">
          <span>
            {report.nodes.length} node{report.nodes.length === 1 ? '' : 's'}
            {down > 0 ? `, ${down} not answering` : ''}.
          </span>{' '}
          <button type="button" onClick={onRefresh} disabled={refreshing || !report.tokensReadable}>
            {refreshing ? 'Checking…' : 'Check now'}
          </button>
        </div>
      )}
      {refreshError && <ErrorNotice error={refreshError} />}
      {report.nodes.length === 0 ? (
        <Empty>
          No other nodes yet. Add one below to watch it here and start or stop it; for alerts and history
          across many rigs, use Prometheus and Grafana (README, “Metrics and fleets”).
        </Empty>
      ) : (
        <div className="grid" data-testid="fleet-nodes">
          {report.nodes.map((n) => (
            <FleetNodeCard key={n.id} node={n} onChanged={onChanged} />
          ))}
        </div>
      )}
      <AddNodeForm disabled={!report.tokensReadable} onAdded={onChanged} />
    </div>
  );
}
