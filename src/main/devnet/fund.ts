/**
 * The devnet's welcome funds for a wallet: native gas and tokens of every devnet economy, paid once per address
 * (recorded in the book) from the faucet account, which the admin fills from each economy's creator supply.
 */
import { createTestClient, http, parseEther, type Address, type PublicClient } from 'viem';
import { transferToken } from '../chain/actions/transferToken';
import type { ActionClient } from '../chain/actions/send';
import { economyTokenAbi } from '../chain/artifacts';
import type { BookEconomy } from './book';

const TOKEN = 10n ** 18n;

/** Welcome funds per wallet: 1,000 tokens of each economy (ten minimum bonds) and 100 ETH of gas. */
export const WELCOME_TOKENS = 1_000n * TOKEN;
export const WELCOME_NATIVE = parseEther('100');

/** Tops the address's native balance up to `amount` (anvil only: no coin exists to send on a devnet but anvil's). */
export async function topUpNative(
  rpcUrl: string,
  publicClient: PublicClient,
  to: Address,
  amount = WELCOME_NATIVE,
) {
  const balance = await publicClient.getBalance({ address: to });
  if (balance >= amount) return;
  await createTestClient({ mode: 'anvil', transport: http(rpcUrl) }).setBalance({
    address: to,
    value: amount,
  });
}

/** Pays `to` its welcome tokens of each economy from the faucet (idempotent per token and address). */
export async function payWelcomeTokens(
  faucet: ActionClient,
  economies: readonly BookEconomy[],
  to: Address,
  amount = WELCOME_TOKENS,
): Promise<void> {
  for (const economy of economies) {
    await transferToken(faucet, { token: economy.token, to, amount, key: `welcome:${economy.token}:${to}` });
  }
}

/** A token balance, for checks and logs. */
export function tokenBalance(publicClient: PublicClient, token: Address, account: Address): Promise<bigint> {
  return publicClient.readContract({
    address: token,
    abi: economyTokenAbi,
    functionName: 'balanceOf',
    args: [account],
  });
}
