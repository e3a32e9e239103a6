import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { FlywheelError } from '#shared/errors';
import { removeStaleTemps, writeFileAtomic } from '../fs/atomicWrite';

/** The derivation label of the fleet's token key (Wallet.deriveKey): changing it makes every stored token unreadable. */
export const FLEET_KEY_LABEL = 'fleet api tokens v1';

/** What unlocks the tokens: the wallet's address and the key derived from it, or why there is none. */
export interface TokenKeySource {
  /** The wallet's address, or null without a wallet. */
  address(): string | null;
  /** The 32-byte key; throws while the wallet is locked or absent. */
  key(): Buffer;
}

const sealedSchema = z.object({ iv: z.string(), tag: z.string(), data: z.string() }).strict();

const entrySchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{16}$/),
    label: z.string(),
    origin: z.string(),
    addedAt: z.number(),
    /** The wallet whose derived key sealed the token. */
    wallet: z.string(),
    token: sealedSchema,
  })
  .strict();

const fileSchema = z.object({ version: z.literal(1), nodes: z.array(entrySchema) }).strict();

export type FleetEntry = z.infer<typeof entrySchema>;

/**
 * The fleet file (`<data dir>/fleet.json`, 0600): each node's origin and label in clear, its API token sealed with
 * AES-256-GCM under a key derived from the wallet (HKDF over its private key), the node's id and origin bound in as
 * associated data so a sealed token cannot be moved to another entry. No token is ever written in plain text.
 */
export class FleetStore {
  readonly file: string;
  /** Why the file could not be read (it is kept as it is, and nothing is written over it). */
  readonly problem: FlywheelError | null = null;
  #entries: FleetEntry[] = [];

  constructor(file: string) {
    this.file = file;
    removeStaleTemps(file);
    try {
      this.#entries = readEntries(file);
    } catch (err) {
      if (!(err instanceof FlywheelError)) throw err;
      this.problem = err;
    }
  }

  entries(): readonly FleetEntry[] {
    return this.#entries;
  }

  add(entry: Omit<FleetEntry, 'token' | 'wallet'>, token: string, keys: TokenKeySource): FleetEntry {
    const wallet = keys.address();
    if (!wallet) throw new FlywheelError('There is no wallet yet.', { code: 'NOT_FOUND' });
    const key = keys.key();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(entry.id, entry.origin));
    const data = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    const full: FleetEntry = {
      ...entry,
      wallet,
      token: {
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      },
    };
    this.#write([...this.#entries, full]);
    return full;
  }

  remove(id: string): boolean {
    const next = this.#entries.filter((e) => e.id !== id);
    if (next.length === this.#entries.length) return false;
    this.#write(next);
    return true;
  }

  /** The token of `entry`, or why it cannot be read now (locked wallet, another wallet sealed it). */
  token(entry: FleetEntry, keys: TokenKeySource): { token: string } | { problem: string } {
    const wallet = keys.address();
    if (!wallet || wallet.toLowerCase() !== entry.wallet.toLowerCase()) {
      return {
        problem: `Its token was encrypted with the wallet ${entry.wallet}, which is not this node’s wallet now: remove the node and add it again.`,
      };
    }
    let key: Buffer;
    try {
      key = keys.key();
    } catch {
      return { problem: 'The wallet is locked: fleet tokens are unreadable until it is unlocked.' };
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(entry.token.iv, 'base64'));
      decipher.setAAD(aad(entry.id, entry.origin));
      decipher.setAuthTag(Buffer.from(entry.token.tag, 'base64'));
      const plain = Buffer.concat([
        decipher.update(Buffer.from(entry.token.data, 'base64')),
        decipher.final(),
      ]);
      return { token: plain.toString('utf8') };
    } catch {
      return { problem: 'Its stored token is damaged: remove the node and add it again.' };
    }
  }

  #write(entries: FleetEntry[]): void {
    if (this.problem) throw this.problem;
    writeFileAtomic(this.file, `${JSON.stringify({ version: 1, nodes: entries }, null, 2)}\n`);
    this.#entries = entries;
  }
}

function aad(id: string, origin: string): Buffer {
  return Buffer.from(`flywheel fleet token|${id}|${origin}`, 'utf8');
}

function readEntries(file: string): FleetEntry[] {
  if (!existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FlywheelError('The fleet file is not valid JSON.', {
      code: 'IO_FAILED',
      details: `${file}: ${(err as Error).message}`,
      action: `Move ${file} aside and add the nodes again.`,
    });
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) {
    throw new FlywheelError('The fleet file is damaged.', {
      code: 'IO_FAILED',
      details: `${file}: ${result.error.message}`,
      action: `Move ${file} aside and add the nodes again.`,
    });
  }
  return result.data.nodes;
}
