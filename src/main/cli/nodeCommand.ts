/**
 * What the commands run against the data folder's node share (status, hardware, the provider and validator
 * commands, token and keychain): the options each takes, and calling the node's API in this process.
 */
import type { CallName, CallParams, CallResult } from '#shared/api';
import { FlywheelError } from '#shared/errors';
import type { FlywheelNode } from '../node';

/** `--json`, `--data-dir <dir>` and `-h/--help`, as node:util parseArgs takes them. */
export const nodeOptions = {
  json: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Calls the node's API as the CLI does: the call's result, or its error as a FlywheelError. */
export function nodeCall(
  node: FlywheelNode,
): <N extends CallName>(name: N, params: CallParams<N>) => Promise<CallResult<N>> {
  return async (name, params) => {
    const envelope = await node.dispatch(name, params, { bridge: 'cli' });
    if (!envelope.ok) throw new FlywheelError(envelope.error.shortMessage, envelope.error);
    return envelope.result as CallResult<typeof name>;
  };
}
