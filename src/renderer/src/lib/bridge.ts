import type {
  ApiEventMessage,
  CallName,
  CallParams,
  CallResult,
  ConnectionState,
  EventName,
  EventPayload,
  FlywheelBridge,
} from '#shared/api';
import type { Envelope } from '#shared/api/define';
import type { PreloadApi } from '#shared/api/ipc';
import { ApiError, isApiErrorData } from '#shared/errors';

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

/** The close code the headless shell sends on the event sockets of a rotated token (server.ts). */
const WS_CLOSE_TOKEN_ROTATED = 4001;

/** The token in a URL fragment (`#token=…`), or null. */
export function tokenFromHash(hash: string): string | null {
  return /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(hash)?.[1] ?? null;
}

/**
 * Reads the headless token from the URL fragment (`#token=…`) once, keeps it for this tab, and removes it from
 * the address bar so it is not bookmarked or shared by accident.
 */
export function readToken(
  loc: Location = window.location,
  storage: Storage = window.sessionStorage,
): string | null {
  const token = tokenFromHash(loc.hash);
  if (token) {
    storage.setItem(TOKEN_KEY, token);
    window.history.replaceState(null, '', loc.pathname + loc.search);
  }
  return storage.getItem(TOKEN_KEY);
}

/**
 * The headless shell's bridge: calls over HTTP POST, events over one WebSocket that reconnects (a restarted shell
 * keeps its token, so the tab carries on). When the shell no longer accepts the token (it was rotated), the state
 * is `stale` and the tab waits for a new URL: pasting it into this tab (a fragment-only change, no reload) brings
 * the new token in and reconnects. Rotating from this tab (`node.rotateToken`) takes the new token at once.
 */
export function httpBridge(origin: string, initialToken: string | null): FlywheelBridge {
  const listeners = new Listeners();
  let token = initialToken;
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let socket: WebSocket | null = null;
  /** Bumped for each socket: events from a socket that was replaced are ignored. */
  let generation = 0;
  /** This tab asked for the rotation: the socket closed for it is expected, and the answer brings the token. */
  let rotating = false;

  const stale = () => {
    clearTimeout(timer);
    listeners.setState('stale');
  };
  const retryLater = () => {
    clearTimeout(timer);
    timer = setTimeout(connect, Math.min(10_000, 250 * 2 ** retry++));
  };
  /** Whether the node still takes `asked`: a call answers 401 when not, and nothing at all while it is down. */
  const probe = async (asked: string): Promise<'taken' | 'refused' | 'unreachable'> => {
    try {
      const response = await fetch(`${origin}/api/call/node.status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${asked}` },
        body: '{}',
      });
      return response.status === 401 ? 'refused' : 'taken';
    } catch {
      return 'unreachable';
    }
  };

  function connect(): void {
    clearTimeout(timer);
    const mine = ++generation;
    const old = socket;
    socket = null;
    old?.close();
    if (!token) {
      listeners.setState('closed');
      return;
    }
    const asked = token;
    let opened = false;
    listeners.setState('connecting');
    const ws = new WebSocket(origin.replace(/^http/, 'ws') + '/api/events', [WS_PROTOCOL, `token.${asked}`]);
    socket = ws;
    ws.onopen = () => {
      if (mine !== generation) return;
      opened = true;
      retry = 0;
      listeners.setState('open');
    };
    ws.onmessage = (event) => {
      if (mine !== generation) return;
      try {
        listeners.dispatch(JSON.parse(String(event.data)) as ApiEventMessage);
      } catch {
        // A frame that is not JSON is not from our node: ignore it.
      }
    };
    ws.onclose = (event) => {
      if (mine !== generation) return;
      socket = null;
      if (rotating) {
        listeners.setState('connecting');
        return;
      }
      if (event.code === WS_CLOSE_TOKEN_ROTATED) return stale();
      listeners.setState('closed');
      if (opened) return retryLater();
      // Refused before it opened: a node that is down (or restarting), or one that no longer takes this token.
      void probe(asked).then((verdict) => {
        if (mine !== generation) return;
        if (verdict === 'refused') stale();
        else retryLater();
      });
    };
  }

  /** A token from a new URL or a rotation: kept for this tab, and the socket starts again with it. */
  const adopt = (next: string) => {
    token = next;
    window.sessionStorage.setItem(TOKEN_KEY, next);
    retry = 0;
    connect();
  };

  window.addEventListener('hashchange', (event: HashChangeEvent) => {
    const next = tokenFromHash(window.location.hash);
    if (!next) return;
    // Out of the address bar again, back to the page the tab was on (the router reads the hash after this).
    const before = new URL(event.oldURL).hash;
    window.history.replaceState(
      null,
      '',
      window.location.pathname + window.location.search + (tokenFromHash(before) ? '' : before),
    );
    if (next !== token || listeners.state !== 'open') adopt(next);
  });
  connect();

  return {
    kind: 'http',
    async call<N extends CallName>(name: N, params: CallParams<N>) {
      const asked = token;
      if (!asked) {
        throw new ApiError({
          code: 'UNAUTHORIZED',
          shortMessage: 'This page was opened without its access token.',
          action: 'Open the URL that `npm start` printed: it carries the token.',
        });
      }
      const rotation = name === 'node.rotateToken';
      if (rotation) rotating = true;
      let response: Response;
      try {
        response = await fetch(`${origin}/api/call/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${asked}` },
          body: JSON.stringify(params ?? {}),
        });
      } catch (err) {
        if (rotation) rotating = false;
        throw new ApiError({
          code: 'UNAVAILABLE',
          shortMessage: 'The Flywheel node is not answering.',
          action: 'Check that `npm start` is still running, then try again.',
          details: (err as Error).message,
        });
      }
      const body: unknown = await response.json().catch(() => null);
      if (rotation) {
        rotating = false;
        const rotated = body as Envelope<CallResult<'node.rotateToken'>> | null;
        if (rotated?.ok) adopt(rotated.result.token);
        else if (socket === null) connect();
      }
      if (response.status === 401 && asked === token && !rotating) stale();
      return unwrap<CallResult<N>>(body);
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
