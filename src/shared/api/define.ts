import type { z } from 'zod';
import type { ApiErrorData } from '../errors';

/**
 * A request/response call of the API contract: its payload schema (validated by every bridge before the node sees
 * it) and, as a phantom type, its result. Results are JSON-safe: amounts travel as decimal strings of base units.
 */
export interface CallSpec<P extends z.ZodType = z.ZodType, R = unknown> {
  readonly summary: string;
  readonly params: P;
  /** Phantom: never set at run time. */
  readonly __result?: R;
}

/** An event the node pushes to every connected renderer. */
export interface EventSpec<T = unknown> {
  readonly summary: string;
  /** Phantom: never set at run time. */
  readonly __payload?: T;
}

/** `defineCall<Result>()(summary, paramsSchema)`: curried so the result is named and the params are inferred. */
export function defineCall<R>() {
  return <P extends z.ZodType>(summary: string, params: P): CallSpec<P, R> => ({ summary, params });
}

export function defineEvent<T>(summary: string): EventSpec<T> {
  return { summary };
}

/** What every bridge returns for a call: a result or an error as plain data. */
export type Envelope<R> = { ok: true; result: R } | { ok: false; error: ApiErrorData };

/** Token amounts in base units (wei), as a decimal string: JSON has no bigint. */
export type Amount = string;
/** A 0x-prefixed 20-byte address. */
export type Address = `0x${string}`;
/** A 0x-prefixed 32-byte hash. */
export type Hash = `0x${string}`;
