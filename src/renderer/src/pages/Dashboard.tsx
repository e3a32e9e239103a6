import type { HardwareReport, NodeStatus } from '../../../shared/api';
import { Card, ErrorNotice, Loading } from '../components/feedback';
import { useAction, useLive } from '../lib/api';

function formatUptime(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

function HardwareCard() {
  const hw = useLive('hardware.get', {}, 'hardware.changed');
  const detect = useAction('hardware.get');
  return (
    <Card
      title="Hardware"
      actions={
        <button type="button" disabled={detect.pending} onClick={() => void detect.run({ refresh: true })}>
          {detect.pending ? 'Detecting…' : 'Detect again'}
        </button>
      }
    >
      {detect.error && <ErrorNotice error={detect.error} />}
      {hw.error && <ErrorNotice error={hw.error} onRetry={hw.reload} />}
      {hw.loading && !hw.data && <Loading label="Detecting hardware…" />}
      {hw.data && <HardwareDetails report={hw.data} />}
    </Card>
  );
}

function HardwareDetails({ report }: { report: HardwareReport }) {
  return (
    <div className="hardware" data-testid="hardware">
      {report.gpus.length === 0 ? (
        <p className="muted">No GPU detected — jobs run on the CPU.</p>
      ) : (
        <ul className="device-list">
          {report.gpus.map((g) => (
            <li key={g.id}>
              <strong>{g.model}</strong> <span className="muted">{g.vendor}</span>
              {g.vramMiB !== null && <> · {(g.vramMiB / 1024).toFixed(1)} GiB</>}
              {g.driver && <> · driver {g.driver}</>}
            </li>
          ))}
        </ul>
      )}
      <dl className="facts">
        <dt>CPU</dt>
        <dd data-testid="cpu-brand">
          {report.cpu.brand} · {report.cpu.physicalCores} cores / {report.cpu.threads} threads
          {report.cpu.speedGHz !== null && <> · {report.cpu.speedGHz.toFixed(2)} GHz</>}
        </dd>
        <dt>Memory</dt>
        <dd>
          {(report.memory.availableMiB / 1024).toFixed(1)} of {(report.memory.totalMiB / 1024).toFixed(1)} GiB
          free
        </dd>
        <dt>System</dt>
        <dd>
          {report.os.distro || report.os.platform} {report.os.release} ({report.os.arch})
        </dd>
      </dl>
      {report.notes.length > 0 && (
        <ul className="notes">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function StatusCard() {
  const status = useLive('node.status', {}, 'node.status');
  return (
    <Card title="Node">
      {status.error && <ErrorNotice error={status.error} onRetry={status.reload} />}
      {status.loading && !status.data && <Loading />}
      {status.data && <StatusDetails status={status.data} />}
    </Card>
  );
}

function StatusDetails({ status }: { status: NodeStatus }) {
  return (
    <dl className="facts" data-testid="node-status">
      <dt>Network</dt>
      <dd>
        {status.network.label}
        {status.network.blockNumber !== null && <> · block {status.network.blockNumber}</>}
        {!status.network.connected && <span className="muted"> · not connected</span>}
      </dd>
      <dt>State</dt>
      <dd>
        {status.phase.label}
        {status.phase.error && <span className="text-error"> — {status.phase.error}</span>}
      </dd>
      <dt>Uptime</dt>
      <dd data-testid="uptime">{formatUptime(status.uptimeS)}</dd>
      <dt>Shell</dt>
      <dd>
        {status.shell} · v{status.version} · {status.platform}/{status.arch}
      </dd>
    </dl>
  );
}

export function Dashboard() {
  return (
    <div className="grid">
      <StatusCard />
      <HardwareCard />
    </div>
  );
}
