import type { ProviderState, RunState } from '#shared/api';
import type { Envelope } from '#shared/api/define';
import type { FlywheelNode } from '../node';
import { callNode } from './nodeCall';

/**
 * The provider switch as the shell sees it. `unavailable`: the node cannot answer yet (no chain connection, or
 * the provider part is not running): the tray shows that as a state of its own rather than guessing.
 */
export interface WatchedProvider {
  status: RunState | 'unavailable';
  reason: string | null;
  slots: ProviderState['slots'] | null;
}

export const NOT_KNOWN_YET: WatchedProvider = {
  status: 'unavailable',
  reason: 'Waiting for the provider node.',
  slots: null,
};

/** A provider.get / start / stop answer, as the shell's view of the provider. */
export function fromEnvelope(envelope: Envelope<ProviderState>): WatchedProvider {
  if (envelope.ok) {
    const { status, reason, slots } = envelope.result;
    return { status, reason, slots };
  }
  return { status: 'unavailable', reason: envelope.error.shortMessage, slots: null };
}

export interface ProviderWatch {
  current(): WatchedProvider;
  /** Asks the node again (after a tray action, or on a timer while the node cannot answer). */
  refresh(): Promise<WatchedProvider>;
  /** Records a state the shell got back from its own call (provider.start / stop answer with the new state). */
  set(state: WatchedProvider): void;
  stop(): void;
}

/**
 * Follows the provider: asks provider.get once, then listens to provider.changed. While the node answers
 * UNAVAILABLE it asks again every `retryMs` (a minute), so the tray notices the provider part coming up even without
 * an event.
 */
export function watchProvider(
  node: Pick<FlywheelNode, 'dispatch' | 'events'>,
  onChange: (state: WatchedProvider) => void,
  options: { retryMs?: number } = {},
): ProviderWatch {
  let state = NOT_KNOWN_YET;
  let stopped = false;
  const set = (next: WatchedProvider) => {
    if (stopped) return;
    const changed =
      next.status !== state.status ||
      next.reason !== state.reason ||
      next.slots?.busy !== state.slots?.busy ||
      next.slots?.total !== state.slots?.total;
    state = next;
    if (changed) onChange(state);
  };
  const refresh = async () => {
    set(fromEnvelope(await callNode(node, 'provider.get', {})));
    return state;
  };
  const unsubscribe = node.events.subscribe((message) => {
    if (message.name === 'provider.changed') set(fromEnvelope({ ok: true, result: message.payload }));
  });
  const retry = setInterval(() => {
    if (state.status === 'unavailable') void refresh();
  }, options.retryMs ?? 60_000);
  retry.unref();
  void refresh();
  return {
    current: () => state,
    refresh,
    set,
    stop() {
      stopped = true;
      clearInterval(retry);
      unsubscribe();
    },
  };
}
