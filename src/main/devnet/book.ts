/**
 * The devnet's bookkeeping (`devnet/devnet.json`): what was deployed where, so a restart reconnects to the same
 * factory and economies instead of deploying again, and the CLI finds them by name. Written atomically after each
 * step of the first start; a damaged file is reported with what to do, never overwritten.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { FlywheelError } from '#shared/errors';
import { writeFileAtomic } from '../fs/atomicWrite';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/) as unknown as z.ZodType<`0x${string}`>;
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/) as unknown as z.ZodType<`0x${string}`>;

/** What part an economy plays in the demo (`other`: made later, e.g. by `flywheel fork create`). */
export const economyRoles = ['genesis', 'low-fee', 'high-emission', 'other'] as const;
export type EconomyRole = (typeof economyRoles)[number];

const economySchema = z
  .object({
    role: z.enum(economyRoles),
    /** The economy's address. */
    economy: address,
    token: address,
    name: z.string(),
    symbol: z.string(),
    parent: address.nullable(),
    /** Creation (fork) block, as a decimal string. */
    block: z.string().regex(/^\d+$/),
    /** The stake snapshot file in `snapshots/` when the fork carries an allocation claim. */
    snapshotFile: z.string().nullable(),
  })
  .strict();

const modelSchema = z
  .object({
    /** `ocr-rec`, `ocr-det`, `vad` (resources/models.json) or `finetune`. */
    id: z.string(),
    name: z.string(),
    kind: z.enum(['inference', 'fine-tune']),
    hash,
    uri: z.string(),
  })
  .strict();

export const devnetBookSchema = z
  .object({
    version: z.literal(2),
    /** `deploying` until the first start finished every step. */
    status: z.enum(['deploying', 'ready']),
    chainId: z.number().int().positive(),
    createdAt: z.number().int(),
    factory: address.nullable(),
    /** The factory's deployment block: scans for events start here. */
    factoryBlock: z.string().regex(/^\d+$/).nullable(),
    economies: z.array(economySchema),
    models: z.array(modelSchema),
    /** Simulated providers and the economies each serves. */
    providers: z.array(z.object({ name: z.string(), address, economies: z.array(address) }).strict()),
    /** Wallets the devnet has paid its welcome funds to (address → unix ms), so a restart does not pay again. */
    funded: z.record(z.string(), z.number().int()),
  })
  .strict();

export type DevnetBook = z.infer<typeof devnetBookSchema>;
export type BookEconomy = DevnetBook['economies'][number];
export type BookModel = DevnetBook['models'][number];

/** A fresh book for a new devnet with its own chain id. */
export function newBook(chainId: number): DevnetBook {
  return {
    version: 2,
    status: 'deploying',
    chainId,
    createdAt: Date.now(),
    factory: null,
    factoryBlock: null,
    economies: [],
    models: [],
    providers: [],
    funded: {},
  };
}

/** The book, or null when there is none yet; DEVNET_DAMAGED-style BAD_INPUT when it cannot be read. */
export function readBook(file: string): DevnetBook | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw damaged(file, err);
  }
  const result = devnetBookSchema.safeParse(upgraded(parsed));
  if (!result.success) throw damaged(file, result.error);
  return result.data;
}

/**
 * A book written by an older version, in today's form: version 1 named an economy's address `id` (now `economy`,
 * the word the API and the UI use). Anything else is left for the schema to judge.
 */
function upgraded(parsed: unknown): unknown {
  const book = parsed as { version?: unknown; economies?: unknown };
  if (book?.version !== 1 || !Array.isArray(book.economies)) return parsed;
  return {
    ...book,
    version: 2,
    economies: book.economies.map((e: unknown) => {
      if (typeof e !== 'object' || e === null || !('id' in e)) return e;
      const { id, ...rest } = e as { id: unknown };
      return { ...rest, economy: id };
    }),
  };
}

export function writeBook(file: string, book: DevnetBook): void {
  writeFileAtomic(file, JSON.stringify(book, null, 2) + '\n');
}

function damaged(file: string, cause: unknown): FlywheelError {
  return new FlywheelError('The devnet’s bookkeeping file is damaged.', {
    code: 'IO_FAILED',
    details: file,
    action: 'Run `flywheel devnet reset` to start a new devnet (the old one is kept as a copy).',
    cause,
  });
}

/** An economy of the book by address, name (case-insensitive) or `genesis`; null when none matches. */
export function findEconomy(book: DevnetBook, ref: string): BookEconomy | null {
  const r = ref.trim().toLowerCase();
  if (r === 'genesis') return book.economies.find((e) => e.role === 'genesis') ?? null;
  return book.economies.find((e) => e.economy.toLowerCase() === r || e.name.toLowerCase() === r) ?? null;
}
