import { useState } from 'react';
import type { JobSummary } from '#shared/api';
import type { Address } from '#shared/api/define';
import { Card, Empty, Loaded } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { TextProgress } from '../../components/TextProgress';
import { StatusBadge } from '../../components/StatusBadge';
import { TokenAmount } from '../../components/TokenAmount';
import { useJobs } from '../../hooks/useJobs';
import { useNow } from '../../hooks/useNow';
import { useEconomies } from '../../lib/economies';
import {
  canMissDeadline,
  deadlineText,
  declineText,
  isWorking,
  shownProgress,
  stepLabel,
} from '../../lib/jobs';
import { href } from '../../lib/routes';

/** Jobs, newest first and live: this provider's by default, or every job the economies carry. */
export function JobList() {
  const [mine, setMine] = useState(true);
  const [economy, setEconomy] = useState<Address | ''>('');
  const economies = useEconomies();
  const jobs = useJobs({ mine, economy: economy || undefined });
  return (
    <Card
      title={mine ? 'Jobs assigned to you' : 'All jobs'}
      actions={
        <div className="filters">
          <label className="check">
            <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} />
            Only mine
          </label>
          <label>
            Economy{' '}
            <select value={economy} onChange={(e) => setEconomy(e.target.value as Address | '')}>
              <option value="">all</option>
              {economies.data?.map((e) => (
                <option key={e.economy} value={e.economy}>
                  {e.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      }
    >
      <Loaded state={jobs} loadingLabel="Loading jobs…">
        {(list) =>
          list.length === 0 ? (
            <Empty>
              {mine
                ? 'No job has been assigned to you yet. Switch on Provide GPU on the dashboard once you have joined an economy.'
                : 'No jobs posted in these economies yet.'}
            </Empty>
          ) : (
            <JobTable jobs={list} />
          )
        }
      </Loaded>
    </Card>
  );
}

function JobTable({ jobs }: { jobs: JobSummary[] }) {
  const now = useNow(1000);
  return (
    <div className="table-scroll">
      <table className="table" data-testid="job-table">
        <caption className="sr-only">Jobs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Economy</th>
            <th scope="col">State</th>
            <th scope="col">This node</th>
            <th scope="col" className="num">
              Fee
            </th>
            <th scope="col">Deadline</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.key}>
              <td>
                <a href={href('jobs', job.key)}>
                  {job.modelName ?? job.kind} #{job.jobId}
                </a>
                <div className="muted small">{job.kind}</div>
              </td>
              <td>{job.economyName}</td>
              <td>
                <StatusBadge status={job.status} />
              </td>
              <td className="local-cell">
                <LocalStep job={job} />
              </td>
              <td className="num">
                <TokenAmount economy={job.economy} value={job.fee} symbol={job.tokenSymbol} />
              </td>
              <td className={canMissDeadline(job.status) ? undefined : 'muted'}>{deadlineText(job, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What this node is doing with the job: a progress bar while it works, the decline reason when it declined. */
export function LocalStep({ job }: { job: JobSummary }) {
  const local = job.local;
  if (!local) return <span className="muted">—</span>;
  if (isWorking(local.step) && local.generation)
    return <TextProgress generation={local.generation} etaS={local.etaS} label={stepLabel[local.step]} />;
  if (isWorking(local.step))
    return <ProgressBar value={shownProgress(job, local)} label={stepLabel[local.step]} />;
  if (local.declineReason) {
    const reason = declineText(local.declineReason);
    return <span title={reason.meaning}>Declined: {reason.label}</span>;
  }
  if (local.error) return <span className="text-error">{local.error}</span>;
  return <span>{stepLabel[local.step]}</span>;
}
