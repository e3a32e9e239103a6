import type { Address } from 'viem';
import type { Membership } from '#shared/api/economies';
import type { JobKind } from '#shared/api/jobs';
import type { LifecycleResult, TxRef } from '#shared/api/provider';
import { FlywheelError } from '#shared/errors';
import { addBond as addBondTx } from '../chain/actions/addBond';
import { approveToken } from '../chain/actions/approveToken';
import { claimAllocation } from '../chain/actions/claimAllocation';
import type { ReadEconomyReturnType } from '../chain/actions/readEconomy';
import { readProvider } from '../chain/actions/readProvider';
import { registerProvider } from '../chain/actions/registerProvider';
import { requestExit } from '../chain/actions/requestExit';
import type { ActionClient, ActionReceipt } from '../chain/actions/send';
import { withdrawBond as withdrawBondTx } from '../chain/actions/withdrawBond';
import { allocationProof } from '../chain/forkSnapshot';
import { readMembership } from '../economies/membership';
import type { SnapshotStore } from '../economies/snapshots';
import { declaredCapacity } from './capacity';

/**
 * What the lifecycle steps need: a sending client, the economy's facts, and how this machine presents itself (the
 * job kinds it serves and its capacity; its benchmark stays off-chain: the draw weighs bond alone).
 */
export interface LifecycleDeps {
  client: ActionClient;
  economy: ReadEconomyReturnType;
  snapshots: SnapshotStore;
  kinds: readonly JobKind[];
  maxConcurrentJobs: number;
  /** A typical job's time on this machine as routed, when measured (see declaredCapacity). */
  routedJobS?: number | null;
}

/**
 * Joins an economy with `bond`: approves the economy for the tokens when needed, then registers with the kinds
 * served and the declared capacity — or, already registered, adds `bond` to the bond.
 */
export async function join(deps: LifecycleDeps, bond: bigint): Promise<LifecycleResult> {
  const { client, economy } = deps;
  const me = client.tx.address;
  const before = await readProvider(client, { economy: economy.economy, account: me });
  if (before.status === 'Exiting') {
    throw new FlywheelError(
      'This wallet is leaving that economy; withdraw the bond once it has unbonded, then join again.',
      {
        code: 'CONFLICT',
      },
    );
  }
  const txs: TxRef[] = [];
  const note = (label: string, r: ActionReceipt) =>
    r.hash && txs.push({ label, hash: r.hash, economy: economy.economy });
  note(
    'Approve the economy to take tokens',
    await approveToken(client, { token: economy.token.address, spender: economy.economy }),
  );
  if (before.status === 'None' || before.status === 'Exited') {
    if (bond < economy.params.minBond) {
      throw new FlywheelError(`The bond must be at least the economy's minimum bond.`, {
        code: 'BAD_INPUT',
        details: `${bond} < ${economy.params.minBond}`,
      });
    }
    note(
      'Register as a provider',
      await registerProvider(client, {
        economy: economy.economy,
        bond,
        kinds: deps.kinds,
        capacity: declaredCapacity(deps.maxConcurrentJobs, economy.params, deps.routedJobS),
      }),
    );
  } else {
    note('Add to the bond', await addBondTx(client, { economy: economy.economy, amount: bond }));
  }
  return result(deps, txs);
}

export async function addBond(deps: LifecycleDeps, amount: bigint): Promise<LifecycleResult> {
  const txs: TxRef[] = [];
  const approved = await approveToken(deps.client, {
    token: deps.economy.token.address,
    spender: deps.economy.economy,
  });
  if (approved.hash)
    txs.push({
      label: 'Approve the economy to take tokens',
      hash: approved.hash,
      economy: deps.economy.economy,
    });
  const r = await addBondTx(deps.client, { economy: deps.economy.economy, amount });
  if (r.hash) txs.push({ label: 'Add to the bond', hash: r.hash, economy: deps.economy.economy });
  return result(deps, txs);
}

/** Starts unbonding: the bond can be withdrawn after the unbonding period. */
export async function exit(deps: LifecycleDeps): Promise<LifecycleResult> {
  const r = await requestExit(deps.client, { economy: deps.economy.economy });
  return result(
    deps,
    r.hash
      ? [{ label: 'Leave the economy (start unbonding)', hash: r.hash, economy: deps.economy.economy }]
      : [],
  );
}

/** Pays the unbonded bond to `to` (the payout address or the wallet). */
export async function withdrawBond(deps: LifecycleDeps, to: Address): Promise<LifecycleResult> {
  const r = await withdrawBondTx(deps.client, { economy: deps.economy.economy, to });
  return result(
    deps,
    r.hash ? [{ label: 'Withdraw the bond', hash: r.hash, economy: deps.economy.economy }] : [],
  );
}

/** Claims a fork's genesis allocation with a proof from its (locally rebuilt and checked) stake snapshot. */
export async function claimForkAllocation(deps: LifecycleDeps): Promise<LifecycleResult> {
  const { client, economy } = deps;
  if (!economy.snapshot) {
    throw new FlywheelError('That economy has no genesis allocation to claim.', { code: 'NOT_FOUND' });
  }
  const snapshot = await deps.snapshots.get(client.publicClient, economy.economy, economy.snapshot.root);
  if (!snapshot) {
    throw new FlywheelError(
      'The fork’s allocation list does not match its parent’s bonds, so no claim is offered.',
      {
        code: 'CONFLICT',
        action: 'Ask the fork’s creator; the parent’s bonds at the snapshot block give another root.',
      },
    );
  }
  const claim = allocationProof(snapshot, client.tx.address);
  if (!claim) {
    throw new FlywheelError('This wallet had no bond in the parent economy at the snapshot block.', {
      code: 'NOT_FOUND',
    });
  }
  const r = await claimAllocation(client, { economy: economy.economy, account: client.tx.address, ...claim });
  return result(
    deps,
    r.hash ? [{ label: 'Claim the fork allocation', hash: r.hash, economy: economy.economy }] : [],
  );
}

async function result(deps: LifecycleDeps, txs: TxRef[]): Promise<LifecycleResult> {
  const membership: Membership = await readMembership(
    deps.client.publicClient,
    deps.economy,
    deps.client.tx.address,
    deps.snapshots,
  );
  return { membership, txs };
}
