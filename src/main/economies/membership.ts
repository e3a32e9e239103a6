import type { Address, PublicClient } from 'viem';
import type { Membership } from '#shared/api/economies';
import { economyAbi, economyTokenAbi } from '../chain/artifacts';
import { allocationProof } from '../chain/forkSnapshot';
import { readProvider, type ReadProviderReturnType } from '../chain/actions/readProvider';
import { membershipStatus } from '../chain/enums';
import type { ReadEconomyReturnType } from '../chain/actions/readEconomy';
import type { SnapshotStore } from './snapshots';

/** A membership for an address that has none (no wallet yet, or never registered). */
export function noMembership(): Membership {
  return {
    status: 'none',
    bond: '0',
    locked: '0',
    free: '0',
    stake: '0',
    strikes: 0,
    unbondingEndsAt: null,
    jailedUntil: null,
    forkAllocation: null,
  };
}

export function membershipOf(p: ReadProviderReturnType): Omit<Membership, 'forkAllocation'> {
  return {
    status: membershipStatus(p.status),
    bond: p.bond.toString(),
    locked: p.locked.toString(),
    free: p.free.toString(),
    stake: p.stake.toString(),
    strikes: p.strikes,
    unbondingEndsAt: p.status === 'Exiting' ? p.unbondingEndsAt : null,
    jailedUntil: p.status === 'Jailed' ? p.jailedUntil : null,
    noShows: p.noShows,
  };
}

/**
 * This wallet's standing in one economy, straight from the chain: its provider record, its balance of the token,
 * and for a fork with a stake snapshot the allocation it may claim (from the snapshot rebuilt and checked locally).
 */
export async function readMembership(
  client: PublicClient,
  economy: ReadEconomyReturnType,
  account: Address | null,
  snapshots: SnapshotStore,
): Promise<Membership> {
  if (!account) return noMembership();
  const [provider, balance] = await Promise.all([
    readProvider({ publicClient: client }, { economy: economy.economy, account }),
    client.readContract({
      address: economy.token.address,
      abi: economyTokenAbi,
      functionName: 'balanceOf',
      args: [account],
    }),
  ]);
  const m: Membership = {
    ...membershipOf(provider),
    walletBalance: balance.toString(),
    forkAllocation: null,
  };
  if (economy.snapshot) {
    const snapshot = await snapshots.get(client, economy.economy, economy.snapshot.root).catch(() => null);
    const claim = snapshot && allocationProof(snapshot, account);
    if (claim) {
      const claimed = await client.readContract({
        address: economy.economy,
        abi: economyAbi,
        functionName: 'allocationClaimed',
        args: [account],
      });
      m.forkAllocation = { amount: claim.amount.toString(), claimed };
    }
  }
  return m;
}
