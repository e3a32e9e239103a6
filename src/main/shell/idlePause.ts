import type { Limits } from '#shared/api/settings';
import type { WatchedProvider } from './providerWatch';

/** What the idle check remembers between ticks. */
export interface IdleMemory {
  /** Whether the user counted as away at the last tick. Starts true, so a provider running at launch pauses. */
  away: boolean;
  /** The shell stopped the provider because the user became active (and so may start it again). */
  pausedByUs: boolean;
}

export const INITIAL_IDLE_MEMORY: IdleMemory = { away: true, pausedByUs: false };

export type IdleAction = 'pause' | 'resume' | 'none';

/**
 * "Pause while the user is active", decided from the system idle time. The shell acts only on changes, so it
 * never fights the user: it pauses when the user comes back (away → active) while the provider is on, and
 * resumes only what it paused itself, once the user has been away for `idleMinutes`. Starting the provider by
 * hand while active is respected until the user next leaves and comes back; stopping it by hand is never undone.
 * Turning the setting off resumes what the shell paused. Pure, so each rule is tested.
 */
export function decideIdleAction(
  limits: Pick<Limits, 'pauseWhenUserActive' | 'idleMinutes'>,
  idleSeconds: number,
  provider: Pick<WatchedProvider, 'status'>,
  memory: IdleMemory,
): { action: IdleAction; memory: IdleMemory } {
  const away = idleSeconds >= limits.idleMinutes * 60;
  const on = provider.status === 'providing' || provider.status === 'starting' || provider.status === 'held';
  // Someone else moved the switch after the shell paused it (the user resumed, or it failed): not ours any more.
  const pausedByUs = memory.pausedByUs && provider.status === 'stopped';

  if (!limits.pauseWhenUserActive) {
    return { action: pausedByUs ? 'resume' : 'none', memory: { away, pausedByUs: false } };
  }
  if (memory.away && !away && on) return { action: 'pause', memory: { away, pausedByUs: true } };
  if (away && pausedByUs) return { action: 'resume', memory: { away, pausedByUs: false } };
  return { action: 'none', memory: { away, pausedByUs } };
}

export interface IdlePauseDeps {
  /** Seconds since the last keyboard or mouse input (Electron's powerMonitor.getSystemIdleTime). */
  idleSeconds(): number;
  limits(): Pick<Limits, 'pauseWhenUserActive' | 'idleMinutes'>;
  provider(): Pick<WatchedProvider, 'status'>;
  pause(): Promise<boolean>;
  resume(): Promise<boolean>;
  /** Told when the shell starts or stops holding the provider paused (the tray says so). */
  onPausedForActivity(paused: boolean): void;
}

/**
 * Runs the idle check every `intervalMs`. A failed pause or resume is not remembered as done, so the next tick
 * tries again. Returns the stop function.
 */
export function startIdlePause(
  deps: IdlePauseDeps,
  intervalMs = 15_000,
): { tick(): Promise<void>; stop(): void } {
  let memory = INITIAL_IDLE_MEMORY;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const before = memory.pausedByUs;
      const decision = decideIdleAction(deps.limits(), deps.idleSeconds(), deps.provider(), memory);
      let next = decision.memory;
      if (decision.action === 'pause' && !(await deps.pause()))
        next = { ...next, away: true, pausedByUs: false };
      if (decision.action === 'resume' && !(await deps.resume())) next = { ...next, pausedByUs: true };
      memory = next;
      if (memory.pausedByUs !== before) deps.onPausedForActivity(memory.pausedByUs);
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
