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

export const penaltiesCalls = {
  'penalties.list': defineCall<Penalty[]>()(
    'Slashes, strikes, jails and timeouts against this provider, newest first.',
    z.object({ economyId: addressSchema.optional() }).strict(),
  ),
};

export const penaltiesEvents = {
  'penalties.added': defineEvent<Penalty>('A new penalty was seen on-chain.'),
};
