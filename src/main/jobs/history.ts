import type { Address, Hash } from 'viem';
import type { JobKind, JobStatus } from '#shared/api/jobs';
import { jobKindName } from '../chain/enums';
import { addr, big, sameAddress, type StoredLog } from '../chain/sync/storedLog';

/** A job as its events tell it. */
export interface JobRecord {
  economy: Address;
  jobId: bigint;
  status: JobStatus;
  kind: JobKind;
  requester: Address;
  modelHash: Hash;
  inputHash: Hash;
  inputUri: string;
  fee: bigint;
  deadlineS: number;
  /** Unix seconds: the current assignment's deadline, or post time + deadlineS before any. */
  deadline: number;
  postedAt: number;
  updatedAt: number;
  provider: Address | null;
  /** Every provider ever assigned (a decline, a no-show or a timeout re-draws). */
  assigned: Address[];
  outputHash: Hash | null;
  outputUri: string | null;
  events: StoredLog[];
}

/** Events that belong to a job (they carry its id). */
const JOB_EVENTS = new Set([
  'JobPosted',
  'JobAssigned',
  'JobAccepted',
  'JobDeclined',
  'JobNoShow',
  'DrawMissed',
  'ResultSubmitted',
  'JobTimedOut',
  'ChallengeOpened',
  'VoteCast',
  'VoteExtended',
  'ChallengeResolved',
  'JobFinalized',
  'JobRejected',
  'JobRefunded',
  'ProviderSlashed',
  'Strike',
]);

export function isJobEvent(log: StoredLog): boolean {
  return JOB_EVENTS.has(log.name) && log.args.jobId !== undefined;
}

/** Folds a job's events (chain order) into its record; null when its JobPosted is not among them. */
export function foldJob(events: readonly StoredLog[]): JobRecord | null {
  const posted = events.find((l) => l.name === 'JobPosted');
  if (!posted) return null;
  const r: JobRecord = {
    economy: posted.address,
    jobId: big(posted, 'jobId'),
    status: 'Posted',
    kind: jobKindName(Number(posted.args.kind ?? 0)),
    requester: addr(posted, 'requester')!,
    modelHash: posted.args.modelHash as Hash,
    inputHash: posted.args.inputHash as Hash,
    inputUri: String(posted.args.inputURI ?? ''),
    fee: big(posted, 'fee'),
    deadlineS: Number(posted.args.deadlineS ?? 0),
    deadline: posted.t + Number(posted.args.deadlineS ?? 0),
    postedAt: posted.t,
    updatedAt: posted.t,
    provider: null,
    assigned: [],
    outputHash: null,
    outputUri: null,
    events: [...events],
  };
  for (const l of events) {
    r.updatedAt = Math.max(r.updatedAt, l.t);
    switch (l.name) {
      case 'JobAssigned':
        r.status = 'Assigned';
        r.provider = addr(l, 'provider');
        if (r.provider && !r.assigned.some((a) => sameAddress(a, r.provider))) r.assigned.push(r.provider);
        r.deadline = Number(l.args.deadline ?? r.deadline);
        break;
      case 'JobDeclined':
      case 'JobNoShow':
      case 'JobTimedOut':
        r.status = 'Posted';
        r.provider = null;
        break;
      case 'ResultSubmitted':
        r.status = 'Submitted';
        r.outputHash = l.args.outputHash as Hash;
        r.outputUri = String(l.args.outputURI ?? '');
        break;
      case 'ChallengeOpened':
        r.status = 'Voting';
        break;
      case 'JobFinalized':
        r.status = 'Finalized';
        r.provider = addr(l, 'provider') ?? r.provider;
        break;
      case 'JobRejected':
        r.status = 'Rejected';
        break;
      case 'JobRefunded':
        // A rejected result refunds the requester too, and the job stays Rejected on-chain.
        if (r.status === 'Rejected') break;
        r.status = 'Refunded';
        r.provider = null;
        break;
    }
  }
  return r;
}

/** Groups job events by job (`<economy>:<jobId>`), in chain order. */
export function groupJobs(logs: readonly StoredLog[]): Map<string, StoredLog[]> {
  const out = new Map<string, StoredLog[]>();
  for (const l of logs) {
    if (!isJobEvent(l)) continue;
    const key = `${l.address}:${String(l.args.jobId)}`;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(l);
  }
  return out;
}
