import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type {
  CallName,
  CallParams,
  CallResult,
  ConnectionState,
  EventName,
  EventPayload,
  FlywheelBridge,
} from '../../src/shared/api';
import { ApiError, type ApiErrorData } from '../../src/shared/errors';
import { BridgeProvider } from '../../src/renderer/src/lib/api';
import { EconomiesProvider } from '../../src/renderer/src/lib/economies';
import { NetworkProvider } from '../../src/renderer/src/lib/network';

type Answer<N extends CallName> =
  CallResult<N> | ApiErrorData | ((params: CallParams<N>) => CallResult<N> | Promise<CallResult<N>>);

/**
 * A bridge for component tests: answers calls from a table and lets the test push events. Component tests
 * check what the UI shows for each state (loading, empty, error, data); the real node is exercised in e2e.
 */
export class TestBridge implements FlywheelBridge {
  readonly kind = 'http' as const;
  readonly calls: { name: CallName; params: unknown }[] = [];
  readonly #answers = new Map<CallName, unknown>();
  readonly #pending = new Set<CallName>();
  readonly #listeners = new Map<string, Set<(payload: unknown) => void>>();

  answer<N extends CallName>(name: N, answer: Answer<N>): this {
    this.#answers.set(name, answer);
    this.#pending.delete(name);
    return this;
  }

  /** Calls to `name` never resolve (the loading state). */
  hang(name: CallName): this {
    this.#pending.add(name);
    return this;
  }

  async call<N extends CallName>(name: N, params: CallParams<N>): Promise<CallResult<N>> {
    this.calls.push({ name, params });
    if (this.#pending.has(name)) return new Promise(() => undefined);
    if (!this.#answers.has(name))
      throw new ApiError({ code: 'UNKNOWN_CALL', shortMessage: `unanswered ${name}` });
    const answer = this.#answers.get(name);
    if (typeof answer === 'function') return (answer as (p: CallParams<N>) => CallResult<N>)(params);
    if (answer && typeof answer === 'object' && 'code' in answer && 'shortMessage' in answer) {
      throw new ApiError(answer as ApiErrorData);
    }
    return structuredClone(answer) as CallResult<N>;
  }

  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener as (payload: unknown) => void);
    return () => set.delete(listener as (payload: unknown) => void);
  }

  push<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners.get(name) ?? []) listener(payload);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    listener('open');
    return () => undefined;
  }
}

/** Renders `ui` as the app would: with the bridge and the app-wide network and economy lists around it. */
export function renderWithBridge(ui: ReactElement, bridge: TestBridge) {
  return render(
    <BridgeProvider bridge={bridge}>
      <NetworkProvider>
        <EconomiesProvider>{ui}</EconomiesProvider>
      </NetworkProvider>
    </BridgeProvider>,
  );
}
