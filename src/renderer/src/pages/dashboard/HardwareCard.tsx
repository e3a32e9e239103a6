import type { ComputeDevice, DeviceRouting, GpuInfo, HardwareReport, RoutingReport } from '#shared/api';
import { Card, ErrorNotice, Loaded } from '../../components/feedback';
import { useAction, useCall, useEvent, useLive } from '../../lib/api';

/**
 * Each GPU, the CPU, and for each compute device which execution provider runs its jobs and why the others don't,
 * its measured rate per reference model and which jobs go to it (the router's choice, by measurement).
 */
export function HardwareCard() {
  const hw = useLive('hardware.get', {}, 'hardware.changed');
  const detect = useAction('hardware.get');
  const bench = useCall('benchmark.get', {});
  useEvent('benchmark.finished', () => bench.reload());
  const routing = bench.data?.routing ?? null;
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
      <Loaded state={hw} loadingLabel="Detecting hardware…">
        {(report) => <HardwareDetails report={report} routing={routing} />}
      </Loaded>
    </Card>
  );
}

function HardwareDetails({ report, routing }: { report: HardwareReport; routing: RoutingReport | null }) {
  return (
    <div className="hardware" data-testid="hardware">
      {report.gpus.length === 0 ? (
        <p className="muted">No GPU detected — jobs run on the CPU.</p>
      ) : (
        <ul className="device-list">
          {report.gpus.map((g) => (
            <GpuLine key={g.id} gpu={g} />
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
      {report.devices.length > 0 && (
        <div className="ep-list">
          <h3>Where jobs run</h3>
          {report.devices.map((d) => (
            <DeviceProviders key={d.id} device={d} routing={routing} />
          ))}
        </div>
      )}
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

function GpuLine({ gpu }: { gpu: GpuInfo }) {
  return (
    <li>
      <strong>{gpu.model}</strong> <span className="muted">{gpu.vendor}</span>
      {gpu.vramMiB !== null && (
        <>
          {' · '}
          {gpu.vramUsedMiB !== null && <>{(gpu.vramUsedMiB / 1024).toFixed(1)} of </>}
          {(gpu.vramMiB / 1024).toFixed(1)} GiB{gpu.vramUsedMiB !== null && ' in use'}
        </>
      )}
      {gpu.driver && <> · driver {gpu.driver}</>}
      {gpu.temperatureC !== null && <> · {gpu.temperatureC} °C</>}
      {gpu.utilizationPct !== null && <> · {gpu.utilizationPct} % busy</>}
      {gpu.powerW !== null && <> · {Math.round(gpu.powerW)} W</>}
    </li>
  );
}

const providerName: Record<string, string> = {
  cuda: 'CUDA',
  dml: 'DirectML',
  coreml: 'Core ML',
  webgpu: 'WebGPU',
  cpu: 'CPU',
};

/**
 * The execution provider chosen for one device, every candidate with the reason it was or was not taken, and what
 * the router does with it.
 */
function DeviceProviders({ device, routing }: { device: ComputeDevice; routing: RoutingReport | null }) {
  const ep = device.executionProvider;
  const routed = routing?.devices.find((r) => r.device === device.id) ?? null;
  return (
    <div className="ep-device" data-testid={`ep-${device.id}`}>
      <div>
        <strong>{device.label}</strong>{' '}
        {ep ? (
          <span className="badge badge-ok">runs on {providerName[ep.chosen] ?? ep.chosen}</span>
        ) : (
          <span className="badge badge-neutral">not probed yet</span>
        )}
      </div>
      {ep && (
        <ul className="ep-candidates">
          {ep.candidates
            .filter((c) => c.status !== 'not-applicable')
            .map((c) => (
              <li key={c.name} className={`ep-${c.status}`}>
                <span className="ep-name">{providerName[c.name] ?? c.name}</span>{' '}
                <span className="muted">
                  {c.status === 'chosen' ? 'chosen' : c.status === 'available' ? 'available' : 'not used'}
                </span>
                : {c.reason}
                {c.action && <div className="ep-action">{c.action}</div>}
              </li>
            ))}
        </ul>
      )}
      {routed && routing && <DeviceRoute device={routed} routing={routing} />}
    </div>
  );
}

const statusText: Record<DeviceRouting['status'], string> = {
  measured: 'measured',
  stale: 'to measure again',
  unmeasured: 'not measured yet',
};

const rateText = (n: number) => n.toLocaleString('en-US', { maximumSignificantDigits: 4 });

/** A device's measured rate per reference model (and its jobs' live rate where that corrects it), its jobs, and why. */
function DeviceRoute({ device, routing }: { device: DeviceRouting; routing: RoutingReport }) {
  const rates = routing.workloads
    .filter((w) => w.workload !== 'general')
    .map((w) => ({ w, rate: w.rates.find((r) => r.device === device.device) }))
    .filter((x) => x.rate !== undefined);
  const serves = routing.workloads.filter((w) => device.serves.includes(w.workload)).map((w) => w.label);
  return (
    <div className="ep-routing" data-testid={`route-${device.device}`}>
      <div>
        <span className={`badge ${device.status === 'measured' ? 'badge-ok' : 'badge-neutral'}`}>
          {statusText[device.status]}
        </span>{' '}
        {serves.length ? <>Runs: {serves.join(', ')}</> : <>Runs no jobs now</>}
      </div>
      {rates.length > 0 && (
        <div className="muted">
          {rates
            .map(
              ({ w, rate }) =>
                `${w.label} ${rateText(rate!.value)} ${w.unit}` +
                (rate!.live === undefined ? '' : ` (its jobs lately ${rateText(rate!.live)})`),
            )
            .join(' · ')}
        </div>
      )}
      <p className="ep-why">{device.note}</p>
      {device.action && <div className="ep-action">{device.action}</div>}
    </div>
  );
}
