import type { JobKind, JobStatus } from '#shared/api/jobs';
import type { MembershipStatus } from '#shared/api/economies';

/** Contract `JobStatus` by its number (EconomyTypes.sol); 0 is "no such job". */
export const jobStatusNames = [
  'None',
  'Posted',
  'Assigned',
  'Submitted',
  'Voting',
  'Finalized',
  'Rejected',
  'Refunded',
] as const satisfies readonly (JobStatus | 'None')[];

export type ChainJobStatus = (typeof jobStatusNames)[number];

/** Contract `ProviderStatus` by its number. */
export const providerStatusNames = ['None', 'Active', 'Paused', 'Exiting', 'Exited', 'Jailed'] as const;

export type ChainProviderStatus = (typeof providerStatusNames)[number];

export function jobStatusName(code: number): ChainJobStatus {
  return jobStatusNames[code] ?? 'None';
}

export function providerStatusName(code: number): ChainProviderStatus {
  return providerStatusNames[code] ?? 'None';
}

/** The app's membership word for a provider status. */
export function membershipStatus(status: ChainProviderStatus): MembershipStatus {
  return status === 'None' ? 'none' : (status.toLowerCase() as MembershipStatus);
}

/** A job kind from the contract's number (0 inference, 1 fine-tune). */
export function jobKindName(code: number): JobKind {
  return code === 1 ? 'fine-tune' : 'inference';
}

/** The kinds bitmask a provider declares: bit `1 << kind`. */
export function kindsMask(kinds: readonly JobKind[]): number {
  return kinds.reduce((m, k) => m | (1 << (k === 'fine-tune' ? 1 : 0)), 0);
}

/** Statuses after which a job needs nothing more from anyone. */
export function isFinalJobStatus(status: ChainJobStatus): boolean {
  return status === 'Finalized' || status === 'Rejected' || status === 'Refunded';
}
