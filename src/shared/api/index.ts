/**
 * The API contract: every call and every event between the renderer and the provider node.
 *
 * The Electron preload bridge and the headless HTTP/WebSocket bridge both implement exactly this; the node's
 * dispatcher validates every payload against the schemas here before a handler runs. Each part of the design has
 * its own file; this one only gathers them.
 */
import type { z } from 'zod';
import type { CallSpec, EventSpec } from './define';
import { benchmarkCalls, benchmarkEvents } from './benchmark';
import { earningsCalls, earningsEvents } from './earnings';
import { economiesCalls, economiesEvents } from './economies';
import { fleetCalls, fleetEvents } from './fleet';
import { hardwareCalls, hardwareEvents } from './hardware';
import { jobsCalls, jobsEvents } from './jobs';
import { nodeCalls, nodeEvents } from './node';
import { penaltiesCalls, penaltiesEvents } from './penalties';
import { providerCalls, providerEvents } from './provider';
import { settingsCalls, settingsEvents } from './settings';
import { validatorCalls, validatorEvents } from './validator';
import { walletCalls, walletEvents } from './wallet';

export const apiCalls = {
  ...nodeCalls,
  ...hardwareCalls,
  ...benchmarkCalls,
  ...settingsCalls,
  ...walletCalls,
  ...economiesCalls,
  ...providerCalls,
  ...jobsCalls,
  ...earningsCalls,
  ...penaltiesCalls,
  ...validatorCalls,
  ...fleetCalls,
} satisfies Record<string, CallSpec>;

export const apiEvents = {
  ...nodeEvents,
  ...hardwareEvents,
  ...benchmarkEvents,
  ...settingsEvents,
  ...walletEvents,
  ...economiesEvents,
  ...providerEvents,
  ...jobsEvents,
  ...earningsEvents,
  ...penaltiesEvents,
  ...validatorEvents,
  ...fleetEvents,
} satisfies Record<string, EventSpec>;

export type ApiCalls = typeof apiCalls;
export type ApiEvents = typeof apiEvents;
export type CallName = keyof ApiCalls;
export type EventName = keyof ApiEvents;

/** What the caller passes (defaults may be left out). */
export type CallParams<N extends CallName> = z.input<ApiCalls[N]['params']>;
/** What the handler receives (after validation and defaults). */
export type ParsedParams<N extends CallName> = z.output<ApiCalls[N]['params']>;
export type CallResult<N extends CallName> = NonNullable<ApiCalls[N]['__result']>;
export type EventPayload<E extends EventName> = NonNullable<ApiEvents[E]['__payload']>;

export const callNames = Object.keys(apiCalls) as CallName[];
export const eventNames = Object.keys(apiEvents) as EventName[];

export function isCallName(value: unknown): value is CallName {
  return typeof value === 'string' && Object.hasOwn(apiCalls, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(apiEvents, value);
}

/** A pushed event as it travels over either bridge. */
export type ApiEventMessage = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** The node-side implementation of every call. */
export type ApiHandlers = {
  [N in CallName]: (params: ParsedParams<N>, ctx: CallContext) => Promise<CallResult<N>>;
};

/** Who is calling: used for logs and for calls that only some shells may make. */
export interface CallContext {
  bridge: 'ipc' | 'http' | 'cli' | 'test';
}

/**
 * What the renderer sees, from whichever bridge it found: one object, two functions.
 * `call` resolves with the result or rejects with an `ApiError`.
 */
export interface FlywheelBridge {
  call<N extends CallName>(name: N, params: CallParams<N>): Promise<CallResult<N>>;
  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Connection state of the bridge (the headless socket can drop and come back). */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  readonly kind: 'ipc' | 'http';
}

/**
 * `stale`: the headless shell no longer accepts this tab's token (it was rotated); the tab waits for the new URL
 * (a new `#token=` fragment) and reconnects without a reload.
 */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'stale';

export * from './benchmark';
export * from './define';
export * from './earnings';
export * from './economies';
export * from './fleet';
export * from './hardware';
export * from './jobs';
export * from './node';
export * from './penalties';
export * from './provider';
export * from './settings';
export * from './validator';
export * from './wallet';
