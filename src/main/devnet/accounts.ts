/**
 * The devnet's own accounts: anvil's well-known development mnemonic, funded with 10,000 ETH each by every fresh
 * anvil. Their keys are public on purpose — they hold devnet tokens only, on a chain that listens on loopback —
 * so nothing secret is stored for them. The user's wallet is never one of these.
 */
import { mnemonicToAccount, type HDAccount } from 'viem/accounts';

export const DEVNET_MNEMONIC = 'test test test test test test test test test test test junk';

/** Which anvil account plays which part. */
export const devnetRoles = {
  /** Deploys the contracts; admin of every devnet economy (registers models); holds the creator supplies. */
  admin: 0,
  /** The demo market's requester: posts jobs and calls `assign` for them. */
  requester: 1,
  /**
   * The demo market's validators (market/cast.ts's validatorCast): they check results by their model's policy,
   * challenge wrong ones and vote. Three, so that honest votes reach the quorum.
   */
  validator: 2,
  /** Anyone: finalizes results after their window, reports missed deadlines, settles challenges. */
  keeper: 3,
  /** Simulated providers (see market/simulatedProviders.ts for how each behaves). */
  providerAda: 4,
  providerBabbage: 5,
  providerCurie: 6,
  /** Pays devnet tokens to the user's wallet. */
  faucet: 7,
  /** Posts the jobs of `flywheel job post` on the devnet. */
  cliRequester: 8,
  validatorTuring: 9,
  /** The devnet's anvil funds 11 accounts (devnet/chain.ts) for this one. */
  validatorHopper: 10,
} as const;

export type DevnetRole = keyof typeof devnetRoles;

export function devnetAccount(role: DevnetRole): HDAccount {
  return mnemonicToAccount(DEVNET_MNEMONIC, { addressIndex: devnetRoles[role] });
}
