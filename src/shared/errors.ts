/**
 * The error hierarchy shared by the node, both bridges and the renderer.
 *
 * A `FlywheelError` carries a short message the user can read, details for the log, an optional action the user
 * can take, and its cause chain. Errors cross IPC/HTTP as plain `ApiErrorData` and are rebuilt on the other side,
 * so the UI always has a short message and a code to branch on.
 */

export const errorCodes = [
  /** The payload of a call failed its schema. */
  'INVALID_PAYLOAD',
  /** The call name is not part of the API contract. */
  'UNKNOWN_CALL',
  /** No token, or a wrong one (headless bridge). */
  'UNAUTHORIZED',
  /** An IPC call from a frame that is not ours (Electron bridge). */
  'FORBIDDEN_SENDER',
  /** The thing asked for does not exist. */
  'NOT_FOUND',
  /** The action clashes with the current state (already providing, bond locked, …). */
  'CONFLICT',
  /** A part of the node is not ready yet or is switched off. */
  'UNAVAILABLE',
  /** The chain's RPC could not be reached or answered with an error. */
  'RPC_FAILED',
  /** A transaction reverted or could not be sent. */
  'TX_FAILED',
  /** The engine failed (a benchmark, a run that broke). */
  'ENGINE_FAILED',
  /** This node will not run a job: the decline reason says why (declined on-chain, never slashed). */
  'DECLINED',
  /** The wallet needs its passphrase first. */
  'WALLET_LOCKED',
  /** Bad settings or arguments given by the user. */
  'BAD_INPUT',
  /** A file on disk could not be read or written. */
  'IO_FAILED',
  /** Anything else: a bug. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** An error as it crosses a bridge: plain data, safe to serialise. */
export interface ApiErrorData {
  code: ErrorCode;
  /** One sentence for the user. */
  shortMessage: string;
  /** What the user can do about it, when there is something. */
  action?: string;
  /** Longer text for logs and an expandable "details" in the UI. Never holds secrets. */
  details?: string;
  /** Field-level problems for INVALID_PAYLOAD / BAD_INPUT. */
  issues?: { path: string; message: string }[];
}

export interface FlywheelErrorOptions {
  code?: ErrorCode;
  action?: string;
  details?: string;
  issues?: ApiErrorData['issues'];
  cause?: unknown;
}

/** The base of every error the node raises on purpose. */
export class FlywheelError extends Error {
  override name = 'FlywheelError';
  readonly code: ErrorCode;
  readonly shortMessage: string;
  readonly action?: string;
  readonly details?: string;
  readonly issues?: ApiErrorData['issues'];

  constructor(shortMessage: string, options: FlywheelErrorOptions = {}) {
    const detail = options.details ?? causeMessage(options.cause);
    super(detail ? `${shortMessage}\n\nDetails: ${detail}` : shortMessage, { cause: options.cause });
    this.code = options.code ?? 'INTERNAL';
    this.shortMessage = shortMessage;
    if (options.action !== undefined) this.action = options.action;
    if (detail !== undefined) this.details = detail;
    if (options.issues !== undefined) this.issues = options.issues;
  }

  /** Walks the cause chain; returns the first error `fn` accepts, or the deepest cause. */
  walk(fn?: (err: unknown) => boolean): unknown {
    return walkCauses(this, fn);
  }

  toData(): ApiErrorData {
    const data: ApiErrorData = { code: this.code, shortMessage: this.shortMessage };
    if (this.action !== undefined) data.action = this.action;
    if (this.details !== undefined) data.details = this.details;
    if (this.issues !== undefined) data.issues = this.issues;
    return data;
  }
}

/** Raised on the calling side of a bridge when the node answered with an error. */
export class ApiError extends FlywheelError {
  override name = 'ApiError';
  constructor(data: ApiErrorData) {
    super(data.shortMessage, data);
  }
}

function walkCauses(start: unknown, fn?: (err: unknown) => boolean): unknown {
  let current = start;
  for (;;) {
    if (fn?.(current)) return current;
    const next = current instanceof Error ? current.cause : undefined;
    if (next === undefined) return fn ? undefined : current;
    current = next;
  }
}

function causeMessage(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof FlywheelError) return cause.details ?? cause.shortMessage;
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

/** Turns anything thrown into plain error data; unknown errors become INTERNAL with their message as details. */
export function toErrorData(err: unknown): ApiErrorData {
  if (err instanceof FlywheelError) return err.toData();
  const details = err instanceof Error ? err.message : String(err);
  return {
    code: 'INTERNAL',
    shortMessage: 'Something went wrong inside Flywheel.',
    action: 'Try again; if it keeps happening, the log has the details.',
    details,
  };
}

export function isApiErrorData(value: unknown): value is ApiErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    (errorCodes as readonly string[]).includes(v.code) &&
    typeof v.shortMessage === 'string'
  );
}
