import { expect } from 'vitest';

/**
 * The error `promise` is rejected with, which must be a `type`: the test fails if the promise resolves or is rejected
 * with anything else.
 */
export async function rejectionOf<E>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
}
