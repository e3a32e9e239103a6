import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import type { ActionClient } from './send';

export interface ReadValidatorParameters {
  economy: Address;
  account: Address;
}

/** A validator's standing, by the contract's ValidatorStatus. */
export type ChainValidatorStatus = 'None' | 'Active' | 'Exiting' | 'Exited';

const statuses: readonly ChainValidatorStatus[] = ['None', 'Active', 'Exiting', 'Exited'];

/** A validator's standing in one economy (`validatorOf`). */
export interface ReadValidatorReturnType {
  status: ChainValidatorStatus;
  bond: bigint;
  /** Challenge bonds held by open commitments and challenges. */
  locked: bigint;
  /** Votes cast and not yet settled. */
  openVotes: number;
  /** Unix seconds; 0 unless Exiting. */
  unbondingEndsAt: number;
  /** Vote weight it would bring to a challenge opened in the next block. */
  stake: bigint;
  /**
   * Block of the latest change to its vote weight (bonding, a top-up, a slash, the exit); 0 if it never bonded.
   * Every registration and every exit moves it: it tells one bonding from the next.
   */
  stakeBlock: bigint;
}

/**
 * Reads an account's validator standing in an economy; an account that never bonded reads as `None`.
 *
 * @example
 * const v = await readValidator(client, { economy, account: me });
 * if (v.status === 'Active' && v.bond - v.locked >= params.challengeBond) …
 */
export async function readValidator(
  client: Pick<ActionClient, 'publicClient'>,
  params: ReadValidatorParameters,
): Promise<ReadValidatorReturnType> {
  const v = await client.publicClient.readContract({
    address: params.economy,
    abi: economyAbi,
    functionName: 'validatorOf',
    args: [params.account],
  });
  return {
    status: statuses[v.status] ?? 'None',
    bond: v.bond,
    locked: v.locked,
    openVotes: Number(v.openVotes),
    unbondingEndsAt: Number(v.unbondingEndsAt),
    stake: v.stake,
    stakeBlock: v.stakeBlock,
  };
}
