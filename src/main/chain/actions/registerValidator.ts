import type { Address } from 'viem';
import { standingAction } from './economyAction';
import { readValidator } from './readValidator';
import type { ActionClient, ActionReceipt } from './send';

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
export const registerValidator: (
  client: ActionClient,
  params: RegisterValidatorParameters,
) => Promise<RegisterValidatorReturnType> = standingAction({
  name: 'registerValidator',
  functionName: 'registerValidator',
  args: (params: RegisterValidatorParameters) => [params.bond] as const,
  read: readValidator,
  // The standing seen now is in the key: a retry of this registration attaches to it, a registration after a
  // withdrawal is a new one (the exit moved `stakeBlock`).
  key: (v) => [v.status, v.stakeBlock],
  label: 'Register as a validator',
  done: (v) => v.status === 'Active' || v.status === 'Exiting',
});
