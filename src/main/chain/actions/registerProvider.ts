import type { Address } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import { kindsMask } from '../enums';
import { standingAction } from './economyAction';
import { readProvider } from './readProvider';
import type { ActionClient, ActionReceipt } from './send';

export interface RegisterProviderParameters {
  economy: Address;
  /** Tokens to bond (base units), at least the economy's `minBond`; the economy must be approved for them. */
  bond: bigint;
  kinds: readonly JobKind[];
  /** Jobs this provider holds at once, from assignment until final (1 … 64); a full provider is not drawn. */
  capacity: number;
}

export type RegisterProviderReturnType = ActionReceipt;

/**
 * Registers the account as a provider with a bond, the job kinds it serves and its capacity. Nothing it declares
 * raises its chance of being drawn: that is its free bond.
 * An account already registered (active, paused, jailed or exiting) is recognised and nothing is sent; one that
 * exited registers again.
 *
 * @example
 * await approveToken(client, { token, spender: economy });
 * await registerProvider(client, { economy, bond: 100n * 10n ** 18n, kinds: ['inference'], capacity: 2 });
 */
export const registerProvider: (
  client: ActionClient,
  params: RegisterProviderParameters,
) => Promise<RegisterProviderReturnType> = standingAction({
  name: 'registerProvider',
  functionName: 'register',
  args: (params: RegisterProviderParameters) =>
    [params.bond, kindsMask(params.kinds), params.capacity] as const,
  read: readProvider,
  // The standing seen now is in the key: a retry of this registration attaches to it, a re-registration after an
  // exit is a new one.
  key: (p) => [p.status, p.lastIncreaseBlock],
  label: 'Register as a provider',
  done: (p) => p.status !== 'None' && p.status !== 'Exited',
});
