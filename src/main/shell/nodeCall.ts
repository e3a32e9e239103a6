import type { CallName, CallParams, CallResult } from '#shared/api';
import type { Envelope } from '#shared/api/define';
import type { FlywheelNode } from '../node';

/**
 * A call the desktop shell itself makes (tray, idle stop), through the node's dispatcher like any renderer call:
 * the payload is validated and the handler's errors come back as data, never thrown.
 */
export function callNode<N extends CallName>(
  node: Pick<FlywheelNode, 'dispatch'>,
  name: N,
  params: CallParams<N>,
): Promise<Envelope<CallResult<N>>> {
  return node.dispatch(name, params, { bridge: 'ipc' }) as Promise<Envelope<CallResult<N>>>;
}
