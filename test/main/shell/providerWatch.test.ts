import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../src/main/events';
import type { FlywheelNode } from '../../../src/main/node';
import { fromEnvelope, watchProvider, type WatchedProvider } from '../../../src/main/shell/providerWatch';
import type { ProviderState } from '../../../src/shared/api';
import { startTestNode } from '../../helpers/node';

const providing: ProviderState = {
  status: 'providing',
  reason: null,
  serving: [],
  slots: { busy: 1, total: 2 },
};

afterEach(() => vi.useRealTimers());

describe('provider watch', () => {
  it('shows what a real node answers: stopped, with its job slots, until switched on', async () => {
    const { node, stop } = await startTestNode();
    const seen: WatchedProvider[] = [];
    const watch = watchProvider(node, (s) => seen.push(s));
    await watch.refresh();
    watch.stop();
    await stop();
    expect(seen.at(-1)).toEqual({
      status: 'stopped',
      reason: null,
      slots: { busy: 0, total: expect.any(Number) as number },
    });
    expect(seen.at(-1)!.slots!.total).toBeGreaterThan(0);
  });

  it('follows provider.changed and asks again while unavailable', async () => {
    vi.useFakeTimers();
    const events = new EventBus();
    let answer: ProviderState | null = null;
    const dispatch = vi.fn(async () =>
      answer
        ? { ok: true as const, result: answer }
        : { ok: false as const, error: { code: 'UNAVAILABLE' as const, shortMessage: 'Not yet.' } },
    );
    const node = { dispatch, events } as unknown as Pick<FlywheelNode, 'dispatch' | 'events'>;
    const seen: string[] = [];
    const watch = watchProvider(node, (s) => seen.push(s.status), { retryMs: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(dispatch).toHaveBeenCalledWith('provider.get', {}, { bridge: 'ipc' });

    answer = { ...providing, status: 'stopped', slots: { busy: 0, total: 2 } };
    await vi.advanceTimersByTimeAsync(1000);
    expect(watch.current().status).toBe('stopped');
    const calls = dispatch.mock.calls.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(dispatch.mock.calls.length).toBe(calls); // no polling once the node answers

    events.emit('provider.changed', providing);
    events.emit('provider.changed', providing); // no change: no second render
    expect(seen).toEqual(['unavailable', 'stopped', 'providing']);
    expect(watch.current()).toEqual({ status: 'providing', reason: null, slots: { busy: 1, total: 2 } });
    watch.stop();
    events.emit('provider.changed', { ...providing, status: 'error', reason: 'x' });
    expect(watch.current().status).toBe('providing');
  });

  it('reads call answers as states', () => {
    expect(fromEnvelope({ ok: true, result: providing }).status).toBe('providing');
    expect(
      fromEnvelope({ ok: false, error: { code: 'WALLET_LOCKED', shortMessage: 'Unlock the wallet first.' } }),
    ).toEqual({ status: 'unavailable', reason: 'Unlock the wallet first.', slots: null });
  });
});
