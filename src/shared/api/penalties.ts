import { z } from 'zod';
import { defineCall, defineEvent, type Address, type Amount, type Hash } from './define';
import { addressSchema } from './settings';

/**
 * What happened: a missed deadline (`timeout`, with its `slash`), a challenge the provider lost (`challenge-lost`:
 * validators voted its result wrong by its model's policy), a `strike`, `jail` and release from it (`unjail`), or a
 * job it let pass without accepting (`no-show`: re-drawn, no slash; three in a row pause the provider).
 */
export type PenaltyKind = 'timeout' | 'slash' | 'strike' | 'jail' | 'unjail' | 'challenge-lost' | 'no-show';

/** Which rule took a slash: the deadline of an accepted job passed, or a challenge of its result was lost. */
export type SlashRule = 'missed-deadline' | 'lost-challenge';

/** Where a slashed collateral went (ProviderSlashed); the parts add up to the slash. */
export interface SlashSplit {
  toRequester: Amount;
  toTreasury: Amount;
  /** The winning party: the challenger of a wrong result. */
  toWinner: Amount;
  /** The validators that voted with the outcome, pro rata to their weight. */
  toVoters: Amount;
  burned: Amount;
}

/** How the validators voted on a challenged result (ChallengeResolved), in vote weight (validator stake). */
export interface ChallengeVote {
  /** Weight that voted the result right. */
  validWeight: Amount;
  /** Weight that voted it wrong, the challenger's bond included. */
  invalidWeight: Amount;
  /** Voters' weight (both sides, not the challenger's bond) the vote needed; without it the result stood. */
  quorum: Amount;
  quorumMet: boolean;
  /** The outcome: true when the result stood. */
  resultValid: boolean;
}

/**
 * A challenge's evidence as the challenger published it (the URI in ChallengeOpened / ChallengerReplaced), put in
 * words: the model's policy and the figures the challenger compared.
 */
export interface ChallengeEvidence {
  challenger: Address;
  evidenceUri: string | null;
  /** The model's policy in words ("argmax agreement ≥ 99 %"): the economy's record, else the evidence's. */
  policy: string | null;
  /** The figures against the policy ("agreement 41.2 % < 99 % (23 of 40 rows differ)"). */
  figures: string | null;
  /** Where the output first broke the policy, with both values. */
  detail: string | null;
  /** The output this node submitted, and the challenger's re-run. */
  submittedHash: Hash | null;
  referenceHash: Hash | null;
  /** Why the evidence could not be fetched or read; null when it was. */
  unavailable: string | null;
  /** Set when the evidence applied another policy than the model's on-chain one: it is then only a claim. */
  policyMismatch: string | null;
  /** null while the vote is not resolved (or its events are not in this node's copy). */
  vote: ChallengeVote | null;
}

/** A penalty against this provider, with the evidence and what to do about it. */
export interface Penalty {
  id: string;
  t: number;
  block: number;
  txHash: Hash;
  economy: Address;
  kind: PenaltyKind;
  jobId: string | null;
  amount: Amount | null;
  evidence: {
    deadline?: number;
    /** When this node submitted, if it did. */
    submittedAt?: number | null;
    reason?: string;
    /** A slash's rule (slash and challenge-lost). */
    rule?: SlashRule;
    /** Where a slash went. */
    split?: SlashSplit;
    /** A lost challenge's evidence and vote. */
    challenge?: ChallengeEvidence;
  };
  /** What to do about it, in one or two sentences. */
  advice: string;
}

/** A slash or jail of another provider: what missing a deadline or a wrong result costs, seen in the network. */
export interface NetworkPenalty {
  id: string;
  t: number;
  txHash: Hash;
  economy: Address;
  provider: Address;
  kind: 'slash' | 'challenge-lost' | 'jail';
  jobId: string | null;
  amount: Amount | null;
  /**
   * In words: "it missed the deadline", "validators voted its result invalid (policy: argmax agreement ≥ 99 %):
   * agreement 41.2 % < 99 % (23 of 40 rows differ)", "repeated missed deadlines or wrong results".
   */
  reason: string;
  /** A slash's rule. */
  rule?: SlashRule;
  /** A lost challenge's evidence and vote. */
  challenge?: ChallengeEvidence;
  /** A jail's end, Unix seconds. */
  jailedUntil?: number;
}

export const penaltiesCalls = {
  'penalties.list': defineCall<Penalty[]>()(
    'Slashes, strikes, jails, timeouts and no-shows against this provider, newest first, each with its evidence.',
    z.object({ economy: addressSchema.optional() }).strict(),
  ),
  'penalties.network': defineCall<NetworkPenalty[]>()(
    'Slashes and jails of other providers in the last day, newest first: the risk, seen in the network.',
    z.object({ limit: z.number().int().min(1).max(100).optional() }).strict(),
  ),
};

export const penaltiesEvents = {
  'penalties.added': defineEvent<Penalty>('A new penalty was seen on-chain.'),
};
