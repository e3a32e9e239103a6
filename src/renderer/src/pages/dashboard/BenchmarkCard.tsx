import { useState } from 'react';
import type {
  BenchmarkMode,
  BenchmarkProgress,
  BenchmarkResult,
  BenchmarkState,
  RoutingReport,
} from '#shared/api';
import { Card, Empty, ErrorNotice, Loaded } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { Sparkline } from '../../components/Sparkline';
import { useAction, useCall, useEvent } from '../../lib/api';
import { formatDateTime, formatDuration } from '../../lib/time';

/**
 * The benchmark: run a quick or full suite with live progress, the score it gives (this machine's speed, kept
 * off-chain: it predicts run times for the deadlines the node accepts and for the estimates) with its spread, the
 * history of scores and a warning when live jobs drift from the prediction.
 */
export function BenchmarkCard() {
  const state = useCall('benchmark.get', {});
  const run = useAction('benchmark.run');
  const [progress, setProgress] = useState<BenchmarkProgress | null>(null);
  useEvent('benchmark.progress', setProgress);
  useEvent('benchmark.finished', () => {
    setProgress(null);
    state.reload();
  });
  const running = progress ?? state.data?.running ?? null;
  const busy = run.pending || running !== null;
  const start = async (mode: BenchmarkMode) => {
    setProgress(null);
    await run.run({ mode });
    setProgress(null);
    state.reload();
  };
  return (
    <Card
      title="Benchmark"
      actions={
        <>
          <button type="button" disabled={busy || !state.data} onClick={() => void start('quick')}>
            Run quick
          </button>
          <button type="button" disabled={busy || !state.data} onClick={() => void start('full')}>
            Run full
          </button>
        </>
      }
    >
      {run.error && <ErrorNotice error={run.error} />}
      {busy && <RunProgress progress={running} />}
      <Loaded state={state} loadingLabel="Loading the benchmark…">
        {(s) => <BenchmarkDetails state={s} />}
      </Loaded>
    </Card>
  );
}

function RunProgress({ progress }: { progress: BenchmarkProgress | null }) {
  if (!progress) return <ProgressBar value={null} label="Starting the benchmark…" />;
  const eta = progress.etaS !== null ? ` · about ${formatDuration(progress.etaS)} left` : '';
  return (
    <ProgressBar
      value={progress.fraction}
      label={`${progress.mode === 'full' ? 'Full' : 'Quick'} benchmark: ${progress.label}`}
      detail={`step ${progress.stepIndex + 1} of ${progress.steps}${eta}`}
    />
  );
}

function BenchmarkDetails({ state }: { state: BenchmarkState }) {
  if (!state.latest) {
    return (
      <Empty>
        No benchmark yet. Run one: it predicts how long jobs take on this machine, which decides the deadlines
        it accepts and the earnings and risk shown before you join.
      </Empty>
    );
  }
  return (
    <div className="benchmark" data-testid="benchmark">
      <Score result={state.latest} />
      <FigureTable result={state.latest} />
      {state.routing.devices.length > 1 && <DeviceScores routing={state.routing} />}
      {state.history.length > 1 && <ScoreHistory history={state.history} />}
      {state.drift && <Drift drift={state.drift} />}
    </div>
  );
}

function Score({ result }: { result: BenchmarkResult }) {
  return (
    <div className="score">
      <span className="score-value" data-testid="score">
        {Math.round(result.score).toLocaleString('en-US')}
      </span>
      <span className="score-spread" title="Coefficient of variation over the kept repeats">
        ± {result.spreadPct.toFixed(1)} %
      </span>
      <div className="muted">
        {result.mode} run on {result.device} ({result.executionProvider}) ·{' '}
        {formatDateTime(result.finishedAt)}
      </div>
    </div>
  );
}

function FigureTable({ result }: { result: BenchmarkResult }) {
  return (
    <table className="table compact">
      <caption className="sr-only">Benchmark figures</caption>
      <thead>
        <tr>
          <th scope="col">Test</th>
          <th scope="col" className="num">
            Result
          </th>
          <th scope="col" className="num">
            Spread
          </th>
        </tr>
      </thead>
      <tbody>
        {result.figures.map((f) => (
          <tr key={f.id}>
            <td>{f.label}</td>
            <td className="num">
              {f.value.toLocaleString('en-US', { maximumSignificantDigits: 4 })} {f.unit}
            </td>
            <td className="num">± {f.spreadPct.toFixed(1)} %</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Each device's score and the jobs that go to it, and the machine's score as routed: each kind of job on the device
 * measured fastest for it (what the estimates use).
 */
function DeviceScores({ routing }: { routing: RoutingReport }) {
  const label = (id: string) => routing.workloads.find((w) => w.workload === id)?.label ?? id;
  return (
    <div className="device-scores" data-testid="device-scores">
      <table className="table compact">
        <caption className="sr-only">Score per device</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col" className="num">
              Score
            </th>
            <th scope="col">Runs</th>
          </tr>
        </thead>
        <tbody>
          {routing.devices.map((d) => (
            <tr key={d.device}>
              <td>
                {d.label} <span className="muted">({d.executionProvider})</span>
              </td>
              <td className="num">{d.result ? Math.round(d.result.score).toLocaleString('en-US') : '—'}</td>
              <td>
                {d.status !== 'measured'
                  ? 'not measured yet'
                  : d.serves.length
                    ? d.serves.map(label).join(', ')
                    : 'nothing: slower than the others'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {routing.score !== null && (
        <p className="muted" data-testid="routed-score">
          As routed (each kind of job on its fastest device):{' '}
          {Math.round(routing.score).toLocaleString('en-US')} ± {routing.spreadPct?.toFixed(1)} %
        </p>
      )}
    </div>
  );
}

function ScoreHistory({ history }: { history: BenchmarkResult[] }) {
  const scores = history.map((r) => r.score);
  const first = Math.round(scores[0]!);
  const last = Math.round(scores[scores.length - 1]!);
  return (
    <div className="history">
      <span className="muted">Last {scores.length} runs</span>
      <Sparkline
        values={scores}
        label={`Score over the last ${scores.length} runs, from ${first} to ${last}`}
      />
    </div>
  );
}

function Drift({ drift }: { drift: NonNullable<BenchmarkState['drift']> }) {
  if (!drift.flagged) {
    return (
      <p className="muted" data-testid="drift">
        Live jobs run at {drift.ratio.toFixed(2)}× the predicted time ({drift.jobs} jobs): the score holds.
      </p>
    );
  }
  return (
    <div className="notice notice-warn" role="status" data-testid="drift">
      <strong>
        Live jobs run {Math.round((drift.ratio - 1) * 100)} % slower than the benchmark predicts.
      </strong>
      <p>
        {drift.message} Run a full benchmark so the predictions match this machine; predicting too fast takes
        jobs whose deadlines you may miss.
      </p>
    </div>
  );
}
