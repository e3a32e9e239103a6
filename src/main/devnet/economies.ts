/**
 * The devnet's three economies: the genesis economy and two forks of it with other parameters, so the comparison
 * table has something to compare. Every one uses `quickDevnetParams` (short windows, see chain/presets.ts).
 */
import type { ChainParams } from '../chain/deploy';
import { quickDevnetParams } from '../chain/presets';
import type { EconomyRole } from './book';

const TOKEN = 10n ** 18n;

export interface DevnetEconomySpec {
  role: Exclude<EconomyRole, 'other'>;
  name: string;
  symbol: string;
  /** Genesis: its parameters; a fork: what it changes from its parent. */
  params: Partial<ChainParams>;
  /** A fork whose parent's providers may claim its genesis tokens (a stake snapshot taken at the fork). */
  stakeSnapshot: boolean;
  /**
   * What the demo requester pays per job (inference, fine-tune), in token base units; a text generation pays the
   * inference fee as its base plus `perToken` for each token generated.
   */
  fees: { inference: bigint; fineTune: bigint; perToken: bigint };
  /** Seconds between the demo requester's posts here. */
  postEveryS: number;
}

export const devnetEconomies: readonly DevnetEconomySpec[] = [
  {
    role: 'genesis',
    name: 'Flywheel',
    symbol: 'FLY',
    params: quickDevnetParams,
    stakeSnapshot: false,
    fees: { inference: 2n * TOKEN, fineTune: 5n * TOKEN, perToken: TOKEN / 20n },
    postEveryS: 3,
  },
  {
    // Cheaper to serve in: a 1 % protocol fee and half the minimum bond.
    role: 'low-fee',
    name: 'Flywheel Lite',
    symbol: 'LITE',
    params: { protocolFeeBps: 100, minBond: 50n * TOKEN },
    stakeSnapshot: false,
    fees: { inference: (3n * TOKEN) / 2n, fineTune: 4n * TOKEN, perToken: TOKEN / 25n },
    postEveryS: 8,
  },
  {
    // Pays its providers more emission while young; genesis providers may claim its tokens by stake snapshot.
    role: 'high-emission',
    name: 'Flywheel Boost',
    symbol: 'BOOST',
    params: { emissionPerEpoch: 5_000n * TOKEN, bootstrapBonusBps: 20_000 },
    stakeSnapshot: true,
    fees: { inference: 2n * TOKEN, fineTune: 5n * TOKEN, perToken: TOKEN / 20n },
    postEveryS: 8,
  },
];

export const CREATOR_SUPPLY = 10_000_000n * TOKEN;
