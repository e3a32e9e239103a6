import { JobDetailView } from './jobs/JobDetailView';
import { JobList } from './jobs/JobList';
import './Jobs.css';

/** The job list, or one job when the route names it (`#/jobs/<economy>:<jobId>`). */
export function Jobs({ jobKey }: { jobKey: string | null }) {
  return jobKey ? <JobDetailView jobKey={jobKey} /> : <JobList />;
}
