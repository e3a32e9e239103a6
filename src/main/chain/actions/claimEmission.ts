import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readAccount } from './readAccount';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface ClaimEmissionParameters {
  economy: Address;
}

export type ClaimEmissionReturnType = ActionReceipt;

/**
 * Settles the emission accrued to this account's provider bond into its claimable balance (minted now; also done
 * whenever its stake changes). `withdraw` pays only what is settled, so the app claims first. Nothing accrued →
 * nothing is sent.
 *
 * @example
 * await claimEmission(client, { economy });
 * await withdraw(client, { economy, to: payoutAddress });
 */
export async function claimEmission(
  client: ActionClient,
  params: ClaimEmissionParameters,
): Promise<ClaimEmissionReturnType> {
  const me = client.tx.address;
  const before = await readAccount(client, { economy: params.economy, account: me });
  if (before.pendingEmission === 0n) return { hash: null, receipt: null };
  const head = await client.publicClient.getBlockNumber({ cacheTime: 0 });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'claimEmission',
    args: [],
    // Emission accrues every second: each claim is its own, named by the head it was asked at.
    key: `claimEmission:${params.economy}:${head}`,
    label: 'Claim the emission accrued to the bond',
    alreadyDone: async () =>
      (await readAccount(client, { economy: params.economy, account: me })).pendingEmission === 0n,
  });
}
