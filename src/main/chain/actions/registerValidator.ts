import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readValidator } from './readValidator';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface RegisterValidatorParameters {
  economy: Address;
  /** Bond in token base units (at least `validatorMinBond`); the economy must be approved for it. */
  bond: bigint;
}

export type RegisterValidatorReturnType = ActionReceipt;

/**
 * Registers the account as a validator with a bond: it may then commit challenges and vote on them. Already a
 * validator (active or exiting) → nothing is sent; one that withdrew its bond registers again.
 *
 * @example
 * await approveToken(client, { token, spender: economy, amount: bond });
 * await registerValidator(client, { economy, bond });
 */
export async function registerValidator(
  client: ActionClient,
  params: RegisterValidatorParameters,
): Promise<RegisterValidatorReturnType> {
  const me = client.tx.address;
  const before = await readValidator(client, { economy: params.economy, account: me });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'registerValidator',
    args: [params.bond],
    // The standing seen now is in the key: a retry of this registration attaches to it, a registration after a
    // withdrawal is a new one (the exit moved `stakeBlock`).
    key: `registerValidator:${params.economy}:${before.status}:${before.stakeBlock}`,
    label: 'Register as a validator',
    alreadyDone: async () => {
      const v = await readValidator(client, { economy: params.economy, account: me });
      return v.status === 'Active' || v.status === 'Exiting';
    },
  });
}
