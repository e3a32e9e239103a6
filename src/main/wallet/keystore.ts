import {
  createCipheriv,
  createDecipheriv,
  pbkdf2,
  randomBytes,
  randomUUID,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { promisify } from 'node:util';
import { bytesToHex, hexToBytes, keccak256, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { z } from 'zod';
import { FlywheelError } from '#shared/errors';

/**
 * Web3 Secret Storage v3 (the keystore JSON geth, ethers and MetaMask read): scrypt (or PBKDF2 when decrypting
 * others' files) derives 32 bytes from the passphrase; the first 16 are the AES-128-CTR key; the MAC is
 * keccak-256(derived[16..32] ‖ ciphertext), which tells a wrong passphrase from a right one.
 */
export interface KeystoreV3 {
  version: 3;
  id: string;
  /** Lowercase hex, no 0x (as geth writes it). */
  address: string;
  crypto: {
    cipher: 'aes-128-ctr';
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: 'scrypt' | 'pbkdf2';
    kdfparams: ScryptParams | Pbkdf2Params;
    mac: string;
  };
}

export interface ScryptParams {
  dklen: 32;
  n: number;
  r: number;
  p: number;
  salt: string;
}

export interface Pbkdf2Params {
  dklen: 32;
  c: number;
  prf: 'hmac-sha256';
  salt: string;
}

export interface ScryptCost {
  n: number;
  r: number;
  p: number;
}

/** 2^17 with r = 8: 128 MiB and about half a second here — ethers' default, a little under geth's "standard". */
export const defaultScryptCost: ScryptCost = { n: 2 ** 17, r: 8, p: 1 };

export type KeystoreFailure = 'wrong-passphrase' | 'damaged' | 'unsupported';

/** Why a keystore could not be opened; `failure` lets callers branch without reading messages. */
export class KeystoreError extends FlywheelError {
  override name = 'KeystoreError';
  readonly failure: KeystoreFailure;
  constructor(
    failure: KeystoreFailure,
    shortMessage: string,
    options: { details?: string; cause?: unknown } = {},
  ) {
    super(shortMessage, {
      code: failure === 'wrong-passphrase' ? 'BAD_INPUT' : 'IO_FAILED',
      action:
        failure === 'wrong-passphrase'
          ? 'Check the passphrase and try again.'
          : 'Restore the keystore from a backup, or import the key again.',
      ...options,
    });
    this.failure = failure;
  }
}

const hexString = (bytes: number) => z.string().regex(new RegExp(`^(0x)?[0-9a-fA-F]{${bytes * 2}}$`));
// Bounds keep a crafted file from asking for gigabytes of memory or minutes of CPU.
const scryptParamsSchema = z.object({
  dklen: z.literal(32),
  n: z
    .number()
    .int()
    .min(2)
    .max(2 ** 20)
    .refine((n) => (n & (n - 1)) === 0, 'n must be a power of two'),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(32),
  salt: z.string().regex(/^(0x)?([0-9a-fA-F]{2}){1,64}$/),
});
const pbkdf2ParamsSchema = z.object({
  dklen: z.literal(32),
  c: z.number().int().min(1).max(10_000_000),
  prf: z.literal('hmac-sha256'),
  salt: z.string().regex(/^(0x)?([0-9a-fA-F]{2}){1,64}$/),
});

/** A keystore's `crypto` section: AES-128-CTR under a key from this key derivation function. */
function cryptoSchema<K extends string, P extends z.ZodType>(kdf: K, kdfparams: P) {
  return z.object({
    cipher: z.literal('aes-128-ctr'),
    cipherparams: z.object({ iv: hexString(16) }),
    ciphertext: z.string().regex(/^(0x)?([0-9a-fA-F]{2}){1,32}$/),
    kdf: z.literal(kdf),
    kdfparams,
    mac: hexString(32),
  });
}

export const keystoreV3Schema = z.object({
  version: z.literal(3),
  id: z.string().optional(),
  address: z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{40}$/)
    .optional(),
  crypto: z.union([cryptoSchema('scrypt', scryptParamsSchema), cryptoSchema('pbkdf2', pbkdf2ParamsSchema)]),
});

const scryptAsync = promisify(scrypt) as (
  password: Buffer,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

/** Encrypts a private key under a passphrase as a v3 keystore. */
export async function encryptKeystore(
  privateKey: Hex,
  passphrase: string,
  cost: ScryptCost = defaultScryptCost,
): Promise<KeystoreV3> {
  const key = Buffer.from(hexToBytes(privateKey));
  if (key.length !== 32) throw new KeystoreError('unsupported', 'A private key is 32 bytes.');
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const derived = await deriveScrypt(passphrase, salt, cost);
  const cipher = createCipheriv('aes-128-ctr', derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(key), cipher.final()]);
  const mac = macOf(derived, ciphertext);
  derived.fill(0);
  key.fill(0);
  return {
    version: 3,
    id: randomUUID(),
    address: privateKeyToAddress(privateKey).slice(2).toLowerCase(),
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: iv.toString('hex') },
      ciphertext: ciphertext.toString('hex'),
      kdf: 'scrypt',
      kdfparams: { dklen: 32, n: cost.n, r: cost.r, p: cost.p, salt: salt.toString('hex') },
      mac: mac.toString('hex'),
    },
  };
}

/**
 * Opens a v3 keystore: the 32-byte private key, or a KeystoreError saying whether the passphrase is wrong or the
 * file is damaged. Keys stored shorter than 32 bytes (old tools dropped leading zeros) are left-padded.
 */
export async function decryptKeystore(keystore: unknown, passphrase: string): Promise<Hex> {
  const parsed = keystoreV3Schema.safeParse(keystore);
  if (!parsed.success) {
    const kdf = (keystore as { crypto?: { kdf?: unknown } } | null)?.crypto?.kdf;
    const unsupported = typeof kdf === 'string' && kdf !== 'scrypt' && kdf !== 'pbkdf2';
    throw new KeystoreError(
      unsupported ? 'unsupported' : 'damaged',
      unsupported ? `This keystore uses ${kdf}, which Flywheel cannot open.` : 'The keystore is damaged.',
      { details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') },
    );
  }
  const { crypto, address } = parsed.data;
  const salt = unhex(crypto.kdfparams.salt);
  const derived =
    crypto.kdf === 'scrypt'
      ? await deriveScrypt(passphrase, salt, crypto.kdfparams)
      : await pbkdf2Async(normalise(passphrase), salt, crypto.kdfparams.c, 32, 'sha256');
  const ciphertext = unhex(crypto.ciphertext);
  const mac = macOf(derived, ciphertext);
  if (!timingSafeEqual(mac, unhex(crypto.mac))) {
    derived.fill(0);
    throw new KeystoreError('wrong-passphrase', 'Wrong passphrase.');
  }
  const decipher = createDecipheriv('aes-128-ctr', derived.subarray(0, 16), unhex(crypto.cipherparams.iv));
  const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  derived.fill(0);
  const key = Buffer.alloc(32);
  plain.copy(key, 32 - plain.length);
  plain.fill(0);
  const privateKey = bytesToHex(key);
  key.fill(0);
  if (
    address &&
    privateKeyToAddress(privateKey).slice(2).toLowerCase() !== address.replace(/^0x/, '').toLowerCase()
  ) {
    throw new KeystoreError('damaged', 'The keystore is damaged: its key does not match its address.');
  }
  return privateKey;
}

async function deriveScrypt(passphrase: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  try {
    return await scryptAsync(normalise(passphrase), salt, 32, {
      N: cost.n,
      r: cost.r,
      p: cost.p,
      maxmem: 128 * cost.r * (cost.n + cost.p + 2) + 32 * 1024 * 1024,
    });
  } catch (err) {
    // OpenSSL follows RFC 7914 (n < 2^(16·r)); a few old files break that rule.
    throw new KeystoreError('unsupported', 'This keystore’s scrypt parameters cannot be used here.', {
      cause: err,
    });
  }
}

function macOf(derived: Buffer, ciphertext: Buffer): Buffer {
  return Buffer.from(hexToBytes(keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext]))));
}

/** NFKC, as ethers does: the same passphrase typed on another keyboard or OS gives the same bytes. */
function normalise(passphrase: string): Buffer {
  return Buffer.from(passphrase.normalize('NFKC'), 'utf8');
}

function unhex(value: string): Buffer {
  return Buffer.from(value.replace(/^0x/, ''), 'hex');
}
