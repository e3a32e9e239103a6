import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunSlots } from '../../../src/main/provider/slots';

afterEach(() => vi.useRealTimers());

describe('run slots and the GPU share', () => {
  it('runs at most the limit at once, the next job taking the first slot freed', async () => {
    const slots = new RunSlots({ limit: () => 2, sharePct: () => 100 });
    const a = await slots.take();
    await slots.take();
    let third = false;
    const c = slots.take().then((free) => ((third = true), free));
    await Promise.resolve();
    expect({ busy: slots.busy, waiting: slots.waiting, third }).toEqual({
      busy: 2,
      waiting: 1,
      third: false,
    });
    a(1_000); // at 100 % no rest: freed at once
    await c;
    expect({ busy: slots.busy, waiting: slots.waiting, third }).toEqual({ busy: 2, waiting: 0, third: true });
  });

  it('rests after a run in proportion to the share: 50 % as long as the run, 25 % three times as long', async () => {
    vi.useFakeTimers();
    let share = 50;
    const slots = new RunSlots({ limit: () => 1, sharePct: () => share });
    expect(slots.restMs(400)).toBe(400);
    expect(slots.holdFactor).toBe(2);
    const free = await slots.take();
    let next = false;
    const waiting = slots.take().then((f) => ((next = true), f));
    free(400);
    await vi.advanceTimersByTimeAsync(399);
    expect(next).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next).toBe(true);

    share = 25;
    expect(slots.restMs(400)).toBe(1_200);
    (await waiting)(); // a job that never ran frees its slot at once
    expect(slots.busy).toBe(0);
  });

  it('closing ends the rests it holds', async () => {
    vi.useFakeTimers();
    const slots = new RunSlots({ limit: () => 1, sharePct: () => 10 });
    (await slots.take())(1_000);
    expect(vi.getTimerCount()).toBe(1);
    slots.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
