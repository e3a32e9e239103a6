import type {
  ApiEventMessage,
  CallName,
  CallParams,
  CallResult,
  ConnectionState,
  EventName,
  EventPayload,
  FlywheelBridge,
} from '../../../shared/api';
import type { Envelope } from '../../../shared/api/define';
import type { PreloadApi } from '../../../shared/api/ipc';
import { ApiError, isApiErrorData } from '../../../shared/errors';

const TOKEN_KEY = 'flywheel.token';
const WS_PROTOCOL = 'flywheel.v1';

type AnyListener = (payload: unknown) => void;

/** Fans one stream of event messages out to per-event listeners. */
class Listeners {
  readonly #byName = new Map<string, Set<AnyListener>>();
  readonly #connection = new Set<(s: ConnectionState) => void>();
  state: ConnectionState = 'connecting';

  add(name: string, listener: AnyListener): () => void {
    let set = this.#byName.get(name);
    if (!set) this.#byName.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  dispatch(message: ApiEventMessage): void {
    for (const listener of this.#byName.get(message.name) ?? []) listener(message.payload);
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    this.#connection.add(listener);
    listener(this.state);
    return () => this.#connection.delete(listener);
  }

  setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.#connection) listener(state);
  }
}

function unwrap<R>(envelope: unknown): R {
  const e = envelope as Envelope<R>;
  if (e && e.ok === true) return e.result;
  if (e && e.ok === false && isApiErrorData(e.error)) throw new ApiError(e.error);
  throw new ApiError({
    code: 'INTERNAL',
    shortMessage: 'The node sent an answer Flywheel does not understand.',
  });
}

/** The desktop app's bridge: the preload's `window.flywheel`. */
export function ipcBridge(preload: PreloadApi): FlywheelBridge {
  const listeners = new Listeners();
  listeners.setState('open');
  preload.subscribe((message) => listeners.dispatch(message));
  return {
    kind: 'ipc',
    async call<N extends CallName>(name: N, params: CallParams<N>) {
      return unwrap<CallResult<N>>(await preload.call(name, params));
    },
    subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) {
      return listeners.add(name, listener as AnyListener);
    },
    onConnection: (listener) => listeners.onConnection(listener),
  };
}

/**
 * Reads the headless token from the URL fragment (`#token=…`) once, keeps it for this tab, and removes it from
 * the address bar so it is not bookmarked or shared by accident.
 */
export function readToken(
  loc: Location = window.location,
  storage: Storage = window.sessionStorage,
): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(loc.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, match[1]);
    window.history.replaceState(null, '', loc.pathname + loc.search);
  }
  return storage.getItem(TOKEN_KEY);
}

/** The headless shell's bridge: calls over HTTP POST, events over one WebSocket that reconnects. */
export function httpBridge(origin: string, token: string | null): FlywheelBridge {
  const listeners = new Listeners();
  let retry = 0;

  const connect = () => {
    if (!token) {
      listeners.setState('closed');
      return;
    }
    listeners.setState('connecting');
    const ws = new WebSocket(origin.replace(/^http/, 'ws') + '/api/events', [WS_PROTOCOL, `token.${token}`]);
    ws.onopen = () => {
      retry = 0;
      listeners.setState('open');
    };
    ws.onmessage = (event) => {
      try {
        listeners.dispatch(JSON.parse(String(event.data)) as ApiEventMessage);
      } catch {
        // A frame that is not JSON is not from our node: ignore it.
      }
    };
    ws.onclose = () => {
      listeners.setState('closed');
      const delay = Math.min(10_000, 250 * 2 ** retry++);
      setTimeout(connect, delay);
    };
  };
  connect();

  return {
    kind: 'http',
    async call<N extends CallName>(name: N, params: CallParams<N>) {
      if (!token) {
        throw new ApiError({
          code: 'UNAUTHORIZED',
          shortMessage: 'This page was opened without its access token.',
          action: 'Open the URL that `npm start` printed: it carries the token.',
        });
      }
      let response: Response;
      try {
        response = await fetch(`${origin}/api/call/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(params ?? {}),
        });
      } catch (err) {
        throw new ApiError({
          code: 'UNAVAILABLE',
          shortMessage: 'The Flywheel node is not answering.',
          action: 'Check that `npm start` is still running, then try again.',
          details: (err as Error).message,
        });
      }
      return unwrap<CallResult<N>>(await response.json().catch(() => null));
    },
    subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) {
      return listeners.add(name, listener as AnyListener);
    },
    onConnection: (listener) => listeners.onConnection(listener),
  };
}

/** Whichever bridge this page has: the preload's in the desktop app, HTTP + WebSocket in the headless shell. */
export function createBridge(): FlywheelBridge {
  if (window.flywheel) return ipcBridge(window.flywheel);
  return httpBridge(window.location.origin, readToken());
}
