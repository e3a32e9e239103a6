import { z } from 'zod';
import { amountSchema, economyCallSchema as economy } from './economies';
import { defineCall, defineEvent, type Address, type Amount, type Hash } from './define';
import type { TxRef } from './provider';
import { addressSchema } from './settings';

/** How much of the network this node checks, and how much of this machine it may spend on it. */
export interface ValidatorConfig {
  /** Share of the results in their challenge window that are re-run, 0…1 (biased toward less-checked providers). */
  sampleRate: number;
  /** Re-runs in any hour, at most. */
  jobsPerHour: number;
  /** Share of the engine's time re-runs may take, percent (a re-run of r ms is followed by a rest). */
  maxEngineSharePct: number;
}

export const defaultValidatorConfig: ValidatorConfig = {
  sampleRate: 0.2,
  jobsPerHour: 60,
  maxEngineSharePct: 10,
};

/** What bonding as a validator in an economy puts at risk and what it earns, from the economy's parameters. */
export interface ValidatorRisk {
  validatorMinBond: Amount;
  /** Locked by each challenge commitment; lost when the vote upholds the challenged result. */
  challengeBond: Amount;
  /** Lost by a commitment never revealed (commitFeeBps of the challenge bond). */
  commitFee: Amount;
  /** Share of a voter's weight lost when its vote goes against the outcome, basis points. */
  voteSlashBps: number;
  /** What one vote against the outcome costs at the bond given (or the minimum bond). */
  wrongVoteCost: Amount;
  quorumBps: number;
  challengeWindowS: number;
  voteWindowS: number;
  unbondingPeriodS: number;
  /** The same in sentences, for the page and the CLI. */
  lines: string[];
}

export type ValidatorStanding = 'none' | 'active' | 'exiting' | 'exited';

export interface ValidatorEconomy {
  economy: Address;
  name: string;
  symbol: string;
  decimals: number;
  standing: ValidatorStanding;
  bond: Amount;
  /** Challenge bonds held by open commitments and challenges. */
  locked: Amount;
  openVotes: number;
  /** Unix seconds; null unless exiting. */
  unbondingEndsAt: number | null;
  risk: ValidatorRisk;
  /** Paid to this wallet for validating here: vote rewards and challenger's shares (base units). */
  earned: Amount;
  /** Taken from its validator bond: votes against the outcome, lost challenges, forfeited commitments. */
  lost: Amount;
}

/** The figures one check compared, and on what. */
export interface CheckEvidence {
  /** The policy in words ("every value within 1e-4 (absolute) or 1e-4 (relative)"). */
  policyText: string;
  /** The figures against the policy in one line ("max |Δ| 2.1e-6 ≤ 1e-4: valid"). */
  summary: string;
  compared: number;
  failed: number;
  maxAbsError: number | null;
  maxRelError: number | null;
  agreement: number | null;
  submittedHash: Hash;
  referenceHash: Hash;
  /** Where the re-run ran: the engine device and its execution provider. */
  device: string;
  executionProvider: string;
  runMs: number;
}

/** What became of a checked result on this node's side. */
export type CheckAction = 'none' | 'committing' | 'challenged' | 'voting' | 'voted' | 'released' | 'missed';

/**
 * A check's steps, as its journal records them: picked → checked → committing (the commitment sent) → challenged
 * (revealed) → resolved → settled, or checked → voting → voted → resolved → settled; it may end passed, skipped,
 * released or missed.
 */
export type CheckStep =
  | 'picked'
  | 'checked'
  | 'passed'
  | 'skipped'
  | 'committing'
  | 'challenged'
  | 'releasing'
  | 'released'
  | 'voting'
  | 'voted'
  | 'resolved'
  | 'settled'
  | 'missed';

export interface ValidatorCheck {
  economy: Address;
  jobId: string;
  provider: Address | null;
  /** Why it was checked: sampled, or to vote on another validator's challenge. */
  purpose: 'sample' | 'vote';
  /** Unix ms of the last step. */
  updatedAt: number;
  /** valid / invalid by the policy; skipped: not judged (and never voted on), with the reason. */
  verdict: 'pending' | 'valid' | 'invalid' | 'skipped';
  reason: string | null;
  evidence: CheckEvidence | null;
  action: CheckAction;
  /** This node's vote (or its challenge's "invalid"). */
  vote: boolean | null;
  /** The challenge's outcome once resolved: the result stood or was rejected; no quorum: it stood, nobody paid. */
  outcome: 'open' | 'upheld' | 'rejected' | 'no quorum' | null;
  reward: Amount | null;
  slashed: Amount | null;
  /** The check's steps so far, oldest first, each when it was taken (unix ms) and its transaction if it sent one. */
  steps: { step: CheckStep; t: number; txHash: Hash | null }[];
  /** Once settled: every vote cast in the challenge (the challenger's included), by what it said. */
  votes: { valid: number; invalid: number } | null;
  /** Once settled: the collateral the provider lost to the challenge (0 when the result stood). */
  providerSlashed: Amount | null;
}

export interface ValidatorState {
  /** Whether the node checks results (kept across restarts). */
  on: boolean;
  /** off, validating, or waiting (no wallet, no chain, no economy bonded in), with why in words. */
  status: 'off' | 'validating' | 'waiting';
  reason: string | null;
  config: ValidatorConfig;
  economies: ValidatorEconomy[];
  stats: {
    checkedLastHour: number;
    checked: number;
    valid: number;
    invalid: number;
    skipped: number;
    challenges: number;
    votes: number;
    /** Share of the engine's time re-runs took in the last hour, percent. */
    engineSharePct: number;
  };
  /** The latest checks, newest first. */
  checks: ValidatorCheck[];
}

export interface ValidatorLifecycleResult {
  economy: ValidatorEconomy;
  txs: TxRef[];
}

export const validatorCalls = {
  'validator.get': defineCall<ValidatorState>()(
    'What this node validates, what it checked and why, its challenges and votes, and what it earned.',
    z.object({}).strict(),
  ),
  'validator.start': defineCall<ValidatorState>()(
    'Start checking results in the economies bonded in as a validator.',
    z.object({}).strict(),
  ),
  'validator.stop': defineCall<ValidatorState>()(
    'Stop checking new results; challenges and votes already begun are finished (revealed, settled).',
    z.object({}).strict(),
  ),
  'validator.configure': defineCall<ValidatorState>()(
    'Set the sampling rate and the budget (re-runs per hour, share of the engine).',
    z
      .object({
        sampleRate: z.number().min(0).max(1).optional(),
        jobsPerHour: z.number().int().min(0).max(100_000).optional(),
        maxEngineSharePct: z.number().min(1).max(100).optional(),
      })
      .strict(),
  ),
  'validator.join': defineCall<ValidatorLifecycleResult>()(
    'Bond in an economy as a validator (or add to the bond when already one).',
    z.object({ economy: addressSchema, bond: amountSchema }).strict(),
  ),
  'validator.addBond': defineCall<ValidatorLifecycleResult>()(
    'Add to the validator bond in an economy.',
    z.object({ economy: addressSchema, amount: amountSchema }).strict(),
  ),
  'validator.exit': defineCall<ValidatorLifecycleResult>()(
    'Stop validating in an economy and start unbonding.',
    economy,
  ),
  'validator.withdrawBond': defineCall<ValidatorLifecycleResult>()(
    'Withdraw the validator bond after unbonding, once nothing is locked.',
    economy,
  ),
  'validator.risk': defineCall<ValidatorRisk>()(
    'What bonding as a validator in an economy risks and earns, for a bond (default: the minimum).',
    z.object({ economy: addressSchema, bond: amountSchema.optional() }).strict(),
  ),
};

export const validatorEvents = {
  'validator.changed': defineEvent<ValidatorState>(
    'A check, a challenge, a vote or the validator switch moved on.',
  ),
};
