import type { JobStatus } from '#shared/api';
import { statusMeaning, statusTone } from '../lib/jobs';

/** A job's on-chain state, named exactly as in the design, with its meaning on hover. */
export function StatusBadge({ status }: { status: JobStatus }) {
  return (
    <span className={`badge badge-${statusTone[status]}`} title={statusMeaning[status]}>
      {status}
    </span>
  );
}
