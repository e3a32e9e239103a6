import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type {
  CallName,
  CallParams,
  CallResult,
  ConnectionState,
  EventName,
  EventPayload,
  FlywheelBridge,
} from '#shared/api';
import { ApiError, toErrorData, type ApiErrorData } from '#shared/errors';

const BridgeContext = createContext<FlywheelBridge | null>(null);

export function BridgeProvider({ bridge, children }: { bridge: FlywheelBridge; children: ReactNode }) {
  return <BridgeContext.Provider value={bridge}>{children}</BridgeContext.Provider>;
}

export function useBridge(): FlywheelBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge outside <BridgeProvider>');
  return bridge;
}

export function asErrorData(err: unknown): ApiErrorData {
  return err instanceof ApiError ? err.toData() : toErrorData(err);
}

export interface CallState<T> {
  data: T | undefined;
  error: ApiErrorData | undefined;
  loading: boolean;
  reload: () => void;
}

/** Calls the node when the component mounts (and when `params` change, compared by JSON). */
export function useCall<N extends CallName>(name: N, params: CallParams<N>): CallState<CallResult<N>> {
  const bridge = useBridge();
  const key = JSON.stringify(params ?? {});
  const [nonce, setNonce] = useState(0);
  const requestKey = `${name}|${key}|${nonce}`;
  // The state remembers which request it answers: while it answers an older one, this one is loading.
  const [state, setState] = useState<{ answers: string | null; data?: CallResult<N>; error?: ApiErrorData }>({
    answers: null,
  });
  useEffect(() => {
    let live = true;
    bridge
      .call(name, JSON.parse(key) as CallParams<N>)
      .then((data) => live && setState({ answers: requestKey, data }))
      .catch(
        (err: unknown) =>
          live && setState((s) => ({ answers: requestKey, data: s.data, error: asErrorData(err) })),
      );
    return () => {
      live = false;
    };
  }, [bridge, name, key, requestKey]);
  // Asked again when the connection comes back (a restarted node, a tab that took a new token): the answer
  // may be out of date, or an error the node gave while it was away.
  useEffect(() => {
    let dropped = false;
    return bridge.onConnection((s) => {
      if (s === 'closed' || s === 'stale') dropped = true;
      else if (s === 'open' && dropped) {
        dropped = false;
        setNonce((n) => n + 1);
      }
    });
  }, [bridge]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.answers !== requestKey, reload };
}

/** Runs `listener` for each pushed event of that name while the component is mounted. */
export function useEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): void {
  const bridge = useBridge();
  const ref = useRef(listener);
  useEffect(() => {
    ref.current = listener;
  });
  useEffect(() => bridge.subscribe(name, (payload) => ref.current(payload)), [bridge, name]);
}

/** A call's result, replaced whenever the node pushes the matching event. */
export function useLive<N extends CallName, E extends EventName>(
  name: N,
  params: CallParams<N>,
  event: E,
  select: (payload: EventPayload<E>) => CallResult<N> = (p) => p as unknown as CallResult<N>,
): CallState<CallResult<N>> {
  const state = useCall(name, params);
  // The error the call had when fresh data was pushed is stale (a call made before the chain connected): not shown.
  const [pushed, setPushed] = useState<{ data: CallResult<N>; staleError: ApiErrorData | undefined }>();
  useEvent(event, (payload) => setPushed({ data: select(payload), staleError: state.error }));
  return {
    ...state,
    data: pushed?.data ?? state.data,
    error: pushed && state.error === pushed.staleError ? undefined : state.error,
    loading: state.loading && pushed === undefined,
  };
}

/** Runs an action (a call the user triggers), keeping its pending state and error for the button that ran it. */
export function useAction<N extends CallName>(name: N) {
  const bridge = useBridge();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiErrorData | undefined>(undefined);
  const run = useCallback(
    async (params: CallParams<N>): Promise<CallResult<N> | undefined> => {
      setPending(true);
      setError(undefined);
      try {
        return await bridge.call(name, params);
      } catch (err) {
        setError(asErrorData(err));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [bridge, name],
  );
  return { run, pending, error };
}

/**
 * A form's save: the action, plus whether the form's content is saved — true after a successful `submit`, false
 * again once the user `edit`s. SaveFooter shows both.
 *
 * @example
 * const save = useSave('settings.update');
 * <input onChange={(e) => (setCap(e.target.value), save.edit())} />
 * <form onSubmit={() => void save.submit({ patch: { autoTopUp } })}> … <SaveFooter save={save} … />
 */
export function useSave<N extends CallName>(name: N) {
  const action = useAction(name);
  const [saved, setSaved] = useState(false);
  const { run } = action;
  const submit = useCallback(
    async (params: CallParams<N>): Promise<CallResult<N> | undefined> => {
      const result = await run(params);
      if (result) setSaved(true);
      return result;
    },
    [run],
  );
  const edit = useCallback(() => setSaved(false), []);
  return { ...action, saved, submit, edit };
}

export function useConnection(): ConnectionState {
  const bridge = useBridge();
  const [state, setState] = useState<ConnectionState>('connecting');
  useEffect(() => bridge.onConnection(setState), [bridge]);
  return state;
}
