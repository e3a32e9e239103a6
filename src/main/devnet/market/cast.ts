/**
 * Who the demo market is: three simulated providers with their own anvil accounts and bonds, and how each behaves. They are real on-chain participants (registered, bonded, drawn, slashed); only their compute is
 * simulated — see simulatedProviders.ts.
 */
import type { DevnetRole } from '../accounts';
import type { EconomyRole } from '../book';

export type Behaviour =
  /** Always submits the right output in time. */
  | 'honest'
  /** Now and then submits a wrong output: the validator challenges it and it is Rejected. */
  | 'sloppy'
  /** Now and then misses a deadline: someone reports the timeout and its collateral is slashed. */
  | 'late';

export interface SimulatedProvider {
  name: string;
  role: DevnetRole;
  behaviour: Behaviour;
  /** Economies it serves; in a fork with a stake snapshot it bonds the allocation it claims there. */
  economies: EconomyRole[];
}

export const cast: readonly SimulatedProvider[] = [
  {
    name: 'Ada',
    role: 'providerAda',
    behaviour: 'honest',
    economies: ['genesis', 'low-fee', 'high-emission'],
  },
  {
    name: 'Babbage',
    role: 'providerBabbage',
    behaviour: 'sloppy',
    economies: ['genesis', 'high-emission'],
  },
  { name: 'Curie', role: 'providerCurie', behaviour: 'late', economies: ['genesis', 'low-fee'] },
];

/** How often a sloppy provider submits a wrong output, and a late one lets a deadline pass. */
export const MISBEHAVIOUR_RATE: { sloppy: number; late: number } = { sloppy: 0.2, late: 0.15 };

const TOKEN = 10n ** 18n;

/**
 * What each simulated provider bonds (in a snapshot fork: its claimed allocation, topped up to this). The draw and
 * the emission weigh bond alone, so this sets the user's share: a node that joins with the genesis minimum of 100
 * has 100 of 460 tokens of bond there (about a fifth of the draws and of the emission; more in the forks, which two
 * of the three serve). 20 over the minimum keeps one slash (5 to 10 tokens of collateral) from taking a provider out
 * of the draw before it tops its bond up again.
 */
export const PROVIDER_BOND = 120n * TOKEN;

/** Jobs a simulated provider takes at once: a slot stays taken until the job is final (challenge window). */
export const PROVIDER_CAPACITY = 4;

/** A validator of the demo market: its own account, bonded in every devnet economy (validator.ts). */
export interface DemoValidatorIdentity {
  name: string;
  role: DevnetRole;
}

/**
 * Three validators: with the devnet's quorum (30 % of the validator stake) a challenger and one honest voter decide
 * a vote; no lone validator can.
 */
export const validatorCast: readonly DemoValidatorIdentity[] = [
  { name: 'Noether', role: 'validator' },
  { name: 'Turing', role: 'validatorTuring' },
  { name: 'Hopper', role: 'validatorHopper' },
];

/** Each validator's bond in every devnet economy: the validator minimum. */
export const VALIDATOR_BOND = 100n * TOKEN;
