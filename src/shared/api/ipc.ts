import type { ApiEventMessage, CallName } from './index';
import type { Envelope } from './define';

/** IPC channel names live here and nowhere else. One channel per call; one channel for all pushed events. */
export const IPC_CALL_PREFIX = 'flywheel:call:';
export const IPC_EVENT_CHANNEL = 'flywheel:event';

export function callChannel(name: CallName): string {
  return IPC_CALL_PREFIX + name;
}

/** The one object the preload exposes on `window.flywheel`. */
export interface PreloadApi {
  call(name: string, params: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (message: ApiEventMessage) => void): () => void;
}
