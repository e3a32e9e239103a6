import { useMemo, useState } from 'react';
import type { JobSummary } from '#shared/api';
import type { Address } from '#shared/api/define';
import { useCall, useEvent, type CallState } from '../lib/api';
import { upsertJob } from '../lib/jobs';

export interface JobFilter {
  economy?: Address;
  mine?: boolean;
  limit?: number;
}

function matches(job: JobSummary, filter: JobFilter): boolean {
  if (filter.mine && !job.mine) return false;
  if (filter.economy && job.economy.toLowerCase() !== filter.economy.toLowerCase()) return false;
  return true;
}

/** The job list, kept live: each `jobs.updated` event replaces or adds its job in place. */
export function useJobs(filter: JobFilter): CallState<JobSummary[]> {
  const limit = filter.limit ?? 100;
  const params = { economy: filter.economy, mine: filter.mine ?? false, limit };
  const state = useCall('jobs.list', params);
  // Updates are kept per loaded list, so a reload starts from the node's answer again.
  const [pushed, setPushed] = useState<{ base: JobSummary[] | undefined; updates: JobSummary[] }>({
    base: undefined,
    updates: [],
  });
  useEvent('jobs.updated', (job) => {
    if (!matches(job, filter)) return;
    setPushed((p) => {
      const fresh = p.base === state.data ? p.updates : [];
      return { base: state.data, updates: [...fresh.filter((j) => j.key !== job.key), job] };
    });
  });
  const data = useMemo(() => {
    if (state.data === undefined) return undefined;
    const updates = pushed.base === state.data ? pushed.updates : [];
    return updates.reduce((list, job) => upsertJob(list, job, limit), state.data);
  }, [state.data, pushed, limit]);
  return { ...state, data };
}
