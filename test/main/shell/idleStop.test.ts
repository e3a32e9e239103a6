import { describe, expect, it } from 'vitest';
import {
  decideIdleAction,
  INITIAL_IDLE_MEMORY,
  startIdleStop,
  type IdleMemory,
} from '../../../src/main/shell/idleStop';
import type { WatchedProvider } from '../../../src/main/shell/providerWatch';

const on = { stopWhenUserActive: true, idleMinutes: 5 };
const off = { stopWhenUserActive: false, idleMinutes: 5 };
const ACTIVE = 3; // seconds since the last input
const AWAY = 5 * 60; // exactly idleMinutes
const status = (s: WatchedProvider['status']) => ({ status: s });
const mem = (away: boolean, stoppedByUs: boolean): IdleMemory => ({ away, stoppedByUs });

describe('stop providing while the user is active: the decision', () => {
  it('stops a running provider when the user comes back, and at launch', () => {
    expect(decideIdleAction(on, ACTIVE, status('providing'), INITIAL_IDLE_MEMORY)).toEqual({
      action: 'stop',
      memory: mem(false, true),
    });
    for (const s of ['starting', 'held'] as const) {
      expect(decideIdleAction(on, ACTIVE, status(s), mem(true, false)).action).toBe('stop');
    }
  });

  it('provides again with what it stopped once the user has been away for idleMinutes', () => {
    expect(decideIdleAction(on, AWAY - 1, status('stopped'), mem(false, true))).toEqual({
      action: 'none',
      memory: mem(false, true),
    });
    expect(decideIdleAction(on, AWAY, status('stopped'), mem(false, true))).toEqual({
      action: 'provide',
      memory: mem(true, false),
    });
  });

  it('never undoes the user: a hand stop stays stopped, a hand start while active runs until they leave', () => {
    // Stopped by hand (not by the shell): the user going away does not start it.
    expect(decideIdleAction(on, AWAY, status('stopped'), mem(false, false)).action).toBe('none');
    // Started by hand while active: no change of activity, so no stop.
    expect(decideIdleAction(on, ACTIVE, status('providing'), mem(false, false)).action).toBe('none');
    // ...until the user leaves and comes back.
    const left = decideIdleAction(on, AWAY, status('providing'), mem(false, false));
    expect(left.action).toBe('none');
    expect(decideIdleAction(on, ACTIVE, status('providing'), left.memory).action).toBe('stop');
    // Started by hand after the shell stopped it: no longer the shell's to start or stop again.
    expect(decideIdleAction(on, ACTIVE, status('providing'), mem(false, true)).memory.stoppedByUs).toBe(
      false,
    );
  });

  it('does nothing while the provider cannot answer', () => {
    expect(decideIdleAction(on, ACTIVE, status('unavailable'), mem(true, false)).action).toBe('none');
    expect(decideIdleAction(on, ACTIVE, status('error'), mem(true, false)).action).toBe('none');
  });

  it('starts what it stopped when the setting is turned off, and otherwise leaves the provider alone', () => {
    expect(decideIdleAction(off, ACTIVE, status('stopped'), mem(false, true))).toEqual({
      action: 'provide',
      memory: mem(false, false),
    });
    expect(decideIdleAction(off, ACTIVE, status('providing'), INITIAL_IDLE_MEMORY).action).toBe('none');
    expect(decideIdleAction(off, AWAY, status('stopped'), mem(false, false)).action).toBe('none');
  });
});

describe('stop providing while the user is active: the loop', () => {
  function rig(limits = on) {
    const state = { idle: ACTIVE, provider: 'providing' as WatchedProvider['status'], ok: true };
    const calls: string[] = [];
    const stopped: boolean[] = [];
    const loop = startIdleStop(
      {
        idleSeconds: () => state.idle,
        limits: () => limits,
        provider: () => ({ status: state.provider }),
        stop: async () => {
          calls.push('provider.stop');
          if (state.ok) state.provider = 'stopped';
          return state.ok;
        },
        provide: async () => {
          calls.push('provider.start');
          if (state.ok) state.provider = 'providing';
          return state.ok;
        },
        onStoppedForActivity: (s) => stopped.push(s),
      },
      3_600_000,
    );
    return { state, calls, stopped, loop };
  }

  it('stops the provider while the user works and starts it when they leave', async () => {
    const { state, calls, stopped, loop } = rig();
    await loop.tick();
    await loop.tick();
    state.idle = AWAY;
    await loop.tick();
    await loop.tick();
    loop.stop();
    expect(calls).toEqual(['provider.stop', 'provider.start']);
    expect(stopped).toEqual([true, false]);
  });

  it('tries again on the next tick when the node refuses', async () => {
    const { state, calls, stopped, loop } = rig();
    state.ok = false;
    await loop.tick();
    state.ok = true;
    await loop.tick();
    loop.stop();
    expect(calls).toEqual(['provider.stop', 'provider.stop']);
    expect(stopped).toEqual([true]);
  });
});
