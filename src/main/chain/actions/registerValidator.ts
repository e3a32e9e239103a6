import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface RegisterValidatorParameters {
  economy: Address;
  /** Bond in token base units (at least `validatorMinBond`); the economy must be approved for it. */
  bond: bigint;
}

export type RegisterValidatorReturnType = ActionReceipt;
export type RegisterValidatorErrorType = ActionErrorType;

/**
 * Registers the account as a validator with a bond: it may then commit challenges and vote on them. Already a
 * validator → nothing is sent.
 *
 * @example
 * await approveToken(client, { token, spender: economy, amount: bond });
 * await registerValidator(client, { economy, bond });
 */
export async function registerValidator(
  client: ActionClient,
  params: RegisterValidatorParameters,
): Promise<RegisterValidatorReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'registerValidator',
    args: [params.bond],
    key: `registerValidator:${params.economy}`,
    label: 'Register as a validator',
    alreadyDone: async () => {
      const v = await client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'validatorOf',
        args: [client.tx.address],
      });
      return v.status !== 0;
    },
  });
}
