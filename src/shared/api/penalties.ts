import { z } from 'zod';
import { defineCall, defineEvent, type Address, type Amount, type Hash } from './define';
import { addressSchema } from './settings';

export type PenaltyKind = 'timeout' | 'slash' | 'strike' | 'jail' | 'unjail' | 'challenge-lost';

/** A penalty against this provider, with the evidence and what to do about it. */
export interface Penalty {
  id: string;
  t: number;
  block: number;
  txHash: Hash;
  economyId: Address;
  kind: PenaltyKind;
  jobId: string | null;
  amount: Amount | null;
  evidence: {
    deadline?: number;
    /** When this node submitted, if it did. */
    submittedAt?: number | null;
    reason?: string;
  };
  /** What to do about it, in one or two sentences. */
  advice: string;
}

/** A slash or jail of another provider: what missing a deadline or a wrong result costs, seen in the network. */
export interface NetworkPenalty {
  id: string;
  t: number;
  txHash: Hash;
  economyId: Address;
  provider: Address;
  kind: 'slash' | 'challenge-lost' | 'jail';
  jobId: string | null;
  amount: Amount | null;
  /** In words: "it missed the deadline", "validators voted its result invalid", "repeated missed deadlines". */
  reason: string;
  /** A jail's end, Unix seconds. */
  jailedUntil?: number;
}

export const penaltiesCalls = {
  'penalties.list': defineCall<Penalty[]>()(
    'Slashes, strikes, jails and timeouts against this provider, newest first.',
    z.object({ economyId: addressSchema.optional() }).strict(),
  ),
  'penalties.network': defineCall<NetworkPenalty[]>()(
    'Slashes and jails of other providers in the last day, newest first: the risk, seen in the network.',
    z.object({ limit: z.number().int().min(1).max(100).optional() }).strict(),
  ),
};

export const penaltiesEvents = {
  'penalties.added': defineEvent<Penalty>('A new penalty was seen on-chain.'),
};
