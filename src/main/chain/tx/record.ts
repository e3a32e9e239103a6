import type { Address, Hash, Hex } from 'viem';
import { z } from 'zod';

/**
 * A transaction's life in the manager:
 * - `pending`: signed and written down (write-ahead), maybe broadcast; tracked until mined;
 * - `confirmed` / `reverted`: mined with the configured confirmations (status success / reverted);
 * - `failed`: never mined — refused by the node before it took the nonce, or its nonce went to another
 *   transaction (a cancel filler, or another wallet using the same key);
 * - `done`: never sent, because the pre-send check found the action already done on-chain.
 */
export type TxState = 'pending' | 'confirmed' | 'reverted' | 'failed' | 'done';

/** One signed version of a transaction; fee bumps and cancels add attempts with the same nonce. */
export interface TxAttempt {
  hash: Hash;
  /** The signed transaction (public data: it is what the chain sees). */
  raw: Hex;
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
  /** Unix ms when it was signed. */
  at: number;
  /** A 0-value transfer to self that takes the nonce of a transaction that can no longer be sent. */
  cancel?: true;
}

/** What the manager keeps per idempotency key, one JSON line per change (the last line of a key wins). */
export interface TxRecord {
  v: 1;
  key: string;
  label?: string;
  state: TxState;
  from: Address;
  chainId: number;
  request: { to: Address; data?: Hex; value: string; gas: string };
  nonce: number | null;
  attempts: TxAttempt[];
  /** The attempt that was mined, and where. */
  hash?: Hash;
  blockNumber?: string;
  error?: string;
  createdAt: number;
  updatedAt: number;
}

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/);
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const uint = z.string().regex(/^\d{1,78}$/);

export const txRecordSchema = z
  .object({
    v: z.literal(1),
    key: z.string().min(1).max(200),
    label: z.string().max(200).optional(),
    state: z.enum(['pending', 'confirmed', 'reverted', 'failed', 'done']),
    from: address,
    chainId: z.number().int().positive(),
    request: z.object({ to: address, data: hex.optional(), value: uint, gas: uint }).strict(),
    nonce: z.number().int().nonnegative().nullable(),
    attempts: z.array(
      z
        .object({
          hash,
          raw: hex,
          maxFeePerGas: uint,
          maxPriorityFeePerGas: uint,
          at: z.number().int().nonnegative(),
          cancel: z.literal(true).optional(),
        })
        .strict(),
    ),
    hash: hash.optional(),
    blockNumber: uint.optional(),
    error: z.string().max(2000).optional(),
    createdAt: z.number().int().nonnegative(),
    updatedAt: z.number().int().nonnegative(),
  })
  .strict() as unknown as z.ZodType<TxRecord>;

export function isFinal(state: TxState): boolean {
  return state !== 'pending';
}
