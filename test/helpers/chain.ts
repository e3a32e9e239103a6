import { createPublicClient, createTestClient, http, type PublicClient, type TestClient } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';

/** anvil's default mnemonic: account i of it is funded with 10,000 ETH on every fresh anvil. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

/** Dev account `i` (0–9 are funded by default), as a signing account with its key. */
export function devAccount(i: number) {
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i });
}

/** A public client with the short polling interval the devnet wants (the 4 s default makes each wait seconds). */
export function devClient(rpcUrl: string): PublicClient {
  return createPublicClient({ transport: http(rpcUrl), pollingInterval: 20 });
}

/** anvil's own methods: mine, drop a transaction, set balances. */
export function anvilControl(rpcUrl: string): TestClient<'anvil'> {
  return createTestClient({ mode: 'anvil', transport: http(rpcUrl) });
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
