import type { ApiHandlers, CallName } from '#shared/api';
import { FlywheelError } from '#shared/errors';

/** Handlers for calls whose part of the node is not running: each answers UNAVAILABLE, saying which part. */
export function notRunning<N extends CallName>(part: string, names: readonly N[]): Pick<ApiHandlers, N> {
  const handler = async () => {
    throw new FlywheelError(`The ${part} is not running on this node.`, { code: 'UNAVAILABLE' });
  };
  return Object.fromEntries(names.map((n) => [n, handler])) as unknown as Pick<ApiHandlers, N>;
}
