import type { DeclineReasonName } from '#shared/decline';
import { FlywheelError } from '#shared/errors';

/**
 * Why a blob could not be had:
 * - `hash-mismatch`: the bytes do not hash (keccak-256) to the hash the job gives;
 * - `too-large`: over the configured size cap;
 * - `refused`: a URI this store will not follow (a path out of the store, `file:`, an unknown scheme);
 * - `not-found`: the source answered that it has no such blob;
 * - `bad-block`: an IPFS block that does not hash to its CID (a lying or broken gateway);
 * - `unreachable`: network errors, timeouts, error statuses;
 * - `io`: the local disk failed.
 */
export type BlobFailure =
  'hash-mismatch' | 'too-large' | 'refused' | 'not-found' | 'bad-block' | 'unreachable' | 'io';

export class BlobError extends FlywheelError {
  override name = 'BlobError';
  readonly failure: BlobFailure;
  /** The URI asked for (never a secret: URIs come from jobs or settings). */
  readonly uri: string | undefined;

  constructor(
    failure: BlobFailure,
    shortMessage: string,
    options: { uri?: string; details?: string; cause?: unknown } = {},
  ) {
    super(shortMessage, {
      code: failure === 'refused' ? 'BAD_INPUT' : 'IO_FAILED',
      details: options.details,
      cause: options.cause,
    });
    this.failure = failure;
    this.uri = options.uri;
  }
}

/**
 * The decline reason a job gets when its model or input cannot be had: a hash mismatch names which one, a size cap
 * is INPUT_TOO_LARGE, anything else (refused path, gateway error, bad block) is FETCH_FAILED.
 */
export function declineReasonFor(err: unknown, role: 'model' | 'input'): DeclineReasonName {
  const failure = err instanceof BlobError ? err.failure : undefined;
  if (failure === 'hash-mismatch') return role === 'model' ? 'MODEL_HASH_MISMATCH' : 'INPUT_HASH_MISMATCH';
  if (failure === 'too-large') return 'INPUT_TOO_LARGE';
  return 'FETCH_FAILED';
}
