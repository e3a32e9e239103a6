import type { Limits } from '#shared/api/settings';
import type { WatchedProvider } from './providerWatch';

/** What the idle check remembers between ticks. */
export interface IdleMemory {
  /** Whether the user counted as away at the last tick. Starts true, so a provider running at launch stops. */
  away: boolean;
  /** The shell stopped the provider because the user became active (and so may start it again). */
  stoppedByUs: boolean;
}

export const INITIAL_IDLE_MEMORY: IdleMemory = { away: true, stoppedByUs: false };

/** What the idle check does with the Provide GPU / Stop switch: turn it off, turn it back on, or nothing. */
export type IdleAction = 'stop' | 'provide' | 'none';

/**
 * "Stop providing while the user is active", decided from the system idle time. The shell acts only on changes, so
 * it never fights the user: it turns the switch off when the user comes back (away → active) while the provider is
 * on, and turns back on only what it stopped itself, once the user has been away for `idleMinutes`. Starting the
 * provider by hand while active is respected until the user next leaves and comes back; stopping it by hand is never
 * undone. Turning the setting off starts again what the shell stopped. Pure, so each rule is tested.
 */
export function decideIdleAction(
  limits: Pick<Limits, 'stopWhenUserActive' | 'idleMinutes'>,
  idleSeconds: number,
  provider: Pick<WatchedProvider, 'status'>,
  memory: IdleMemory,
): { action: IdleAction; memory: IdleMemory } {
  const away = idleSeconds >= limits.idleMinutes * 60;
  const on = provider.status === 'providing' || provider.status === 'starting' || provider.status === 'held';
  // Someone else moved the switch after the shell stopped it (the user started it, or it failed): not ours any more.
  const stoppedByUs = memory.stoppedByUs && provider.status === 'stopped';

  if (!limits.stopWhenUserActive) {
    return { action: stoppedByUs ? 'provide' : 'none', memory: { away, stoppedByUs: false } };
  }
  if (memory.away && !away && on) return { action: 'stop', memory: { away, stoppedByUs: true } };
  if (away && stoppedByUs) return { action: 'provide', memory: { away, stoppedByUs: false } };
  return { action: 'none', memory: { away, stoppedByUs } };
}

export interface IdleStopDeps {
  /** Seconds since the last keyboard or mouse input (Electron's powerMonitor.getSystemIdleTime). */
  idleSeconds(): number;
  limits(): Pick<Limits, 'stopWhenUserActive' | 'idleMinutes'>;
  provider(): Pick<WatchedProvider, 'status'>;
  /** Turns the switch off (provider.stop). */
  stop(): Promise<boolean>;
  /** Turns the switch on (provider.start). */
  provide(): Promise<boolean>;
  /** Told when the shell starts or stops holding the provider stopped (the tray says so). */
  onStoppedForActivity(stopped: boolean): void;
}

/**
 * Runs the idle check every `intervalMs`. A failed stop or start is not remembered as done, so the next tick tries
 * again. Returns the function that ends the check.
 */
export function startIdleStop(
  deps: IdleStopDeps,
  intervalMs = 15_000,
): { tick(): Promise<void>; stop(): void } {
  let memory = INITIAL_IDLE_MEMORY;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const before = memory.stoppedByUs;
      const decision = decideIdleAction(deps.limits(), deps.idleSeconds(), deps.provider(), memory);
      let next = decision.memory;
      if (decision.action === 'stop' && !(await deps.stop()))
        next = { ...next, away: true, stoppedByUs: false };
      if (decision.action === 'provide' && !(await deps.provide())) next = { ...next, stoppedByUs: true };
      memory = next;
      if (memory.stoppedByUs !== before) deps.onStoppedForActivity(memory.stoppedByUs);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  return {
    tick,
    stop: () => clearInterval(timer),
  };
}
