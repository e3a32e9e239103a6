import type { JobSummary } from '#shared/api';
import { Card, Empty, Loaded } from '../../components/feedback';
import { ProgressBar } from '../../components/ProgressBar';
import { StatusBadge } from '../../components/StatusBadge';
import { TextProgress } from '../../components/TextProgress';
import { TokenAmount } from '../../components/TokenAmount';
import { useJobs } from '../../hooks/useJobs';
import { declineText, isWorking, shownProgress, stepLabel } from '../../lib/jobs';
import { href } from '../../lib/routes';

/** The newest jobs assigned to this provider, updated live as they move. */
export function JobFeed() {
  const jobs = useJobs({ mine: true, limit: 8 });
  return (
    <Card title="Live jobs" actions={<a href={href('jobs')}>All jobs</a>}>
      <Loaded state={jobs} loadingLabel="Loading jobs…">
        {(list) =>
          list.length === 0 ? (
            <Empty>
              No jobs yet. Once you provide in an economy, the jobs drawn for your GPU show up here live.
            </Empty>
          ) : (
            <ul className="feed" data-testid="job-feed">
              {list.map((job) => (
                <FeedItem key={job.key} job={job} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </Card>
  );
}

function FeedItem({ job }: { job: JobSummary }) {
  const local = job.local;
  return (
    <li className="feed-item">
      <div className="feed-line">
        <a href={href('jobs', job.key)}>
          {job.modelName ?? job.kind} #{job.jobId}
        </a>
        <span className="muted">{job.economyName}</span>
        <TokenAmount economy={job.economy} value={job.fee} symbol={job.tokenSymbol} />
        <StatusBadge status={job.status} />
      </div>
      {local?.generation && isWorking(local.step) && (
        <TextProgress generation={local.generation} etaS={local.etaS} label={stepLabel[local.step]} />
      )}
      {local && isWorking(local.step) && !local.generation && (
        <ProgressBar value={shownProgress(job, local)} label={stepLabel[local.step]} />
      )}
      {local?.declineReason && (
        <div className="muted">Declined: {declineText(local.declineReason).label}</div>
      )}
    </li>
  );
}
