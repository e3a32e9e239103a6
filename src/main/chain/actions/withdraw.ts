import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { claimEmission } from './claimEmission';
import { readAccount } from './readAccount';
import { sendCall, type ActionClient } from './send';

export interface WithdrawParameters {
  economy: Address;
  /** The payout address, or the wallet itself. */
  to: Address;
}

export interface WithdrawReturnType {
  hash: `0x${string}` | null;
  /** Tokens paid out (base units); 0 when there was nothing to withdraw. */
  amount: bigint;
}

/**
 * Pays the account's whole claimable balance in one economy (fees, emissions, refunds) to `to`, settling the
 * emission accrued to its bond into it first (`claimEmission`: the contract's `withdraw` pays only what is settled).
 * The balance seen before is part of the key, so a retry never pays twice; nothing claimable → nothing is sent.
 *
 * @example
 * const { amount } = await withdraw(client, { economy, to: payoutAddress });
 */
export async function withdraw(
  client: ActionClient,
  params: WithdrawParameters,
): Promise<WithdrawReturnType> {
  const me = client.tx.address;
  await claimEmission(client, { economy: params.economy });
  const before = await readAccount(client, { economy: params.economy, account: me });
  if (before.claimable === 0n) return { hash: null, amount: 0n };
  const head = await client.publicClient.getBlockNumber({ cacheTime: 0 });
  const { hash, receipt } = await sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'withdraw',
    args: [params.to],
    key: `withdraw:${params.economy}:${before.claimable}:${head}`,
    label: 'Withdraw earnings',
    alreadyDone: async () =>
      (await readAccount(client, { economy: params.economy, account: me })).claimable === 0n,
  });
  if (!receipt) return { hash: null, amount: 0n };
  let amount = 0n;
  for (const log of receipt.logs) {
    // Withdrawn(address indexed account, address to, uint256 amount): amount is the last word of its data.
    if (
      log.address.toLowerCase() === params.economy.toLowerCase() &&
      log.topics.length === 2 &&
      log.data.length === 130
    ) {
      amount = BigInt(`0x${log.data.slice(66)}`);
    }
  }
  return { hash, amount };
}
