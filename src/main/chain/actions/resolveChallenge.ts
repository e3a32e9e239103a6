import type { Address } from 'viem';
import { jobAction } from './economyAction';
import type { ActionClient, ActionReceipt } from './send';

export interface ResolveChallengeParameters {
  economy: Address;
  jobId: bigint;
}

export type ResolveChallengeReturnType = ActionReceipt;

/**
 * Settles a challenge once its vote has ended (anyone may). Without quorum (counted over the voters, never the
 * challenger's bond) the result stands (Finalized, nobody slashed). With it, Rejected when "invalid" outweighs
 * "valid" (the provider's collateral slashed: a part burned, the winner's share — at most its bond — to the
 * challenger, the rest to the winning voters; the requester refunded), else Finalized and the challenger's bond
 * slashed the same way. Voters then settle with `settleVote`. Already settled → nothing is sent.
 *
 * @example
 * await resolveChallenge(client, { economy, jobId: 7n });
 */
export const resolveChallenge: (
  client: ActionClient,
  params: ResolveChallengeParameters,
) => Promise<ResolveChallengeReturnType> = jobAction({
  name: 'resolveChallenge',
  functionName: 'resolveChallenge',
  label: (jobId) => `Settle the challenge of job ${jobId}`,
  done: (job) => job.status === 'Finalized' || job.status === 'Rejected',
});
