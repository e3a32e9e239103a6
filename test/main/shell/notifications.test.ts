import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/main/events';
import {
  forwardNotifications,
  NotificationGate,
  osNotificationFor,
  type OsNotification,
} from '../../../src/main/shell/notifications';
import type { Notification } from '../../../src/shared/api';

const note = (kind: Notification['kind'], body = 'body'): Notification => ({
  kind,
  title: `title ${kind}`,
  body,
  t: 0,
});

describe('OS notifications', () => {
  it('maps money events to the desktop and keeps the rest in the window', () => {
    expect(osNotificationFor(note('job-finalized'))).toEqual({
      title: 'title job-finalized',
      body: 'body',
      urgency: 'normal',
    });
    expect(osNotificationFor(note('withdrawn'))?.urgency).toBe('normal');
    expect(osNotificationFor(note('slashed'))?.urgency).toBe('critical');
    expect(osNotificationFor(note('job-declined'))).toBeNull();
    expect(osNotificationFor(note('benchmark-done'))).toBeNull();
    expect(osNotificationFor(note('error'))).toBeNull();
  });

  it('shows at most one finalized job a minute, counting the rest into the next', () => {
    const gate = new NotificationGate(60_000);
    expect(gate.offer(note('job-finalized', 'job 1 paid 2 FWL'), 0)?.body).toBe('job 1 paid 2 FWL');
    expect(gate.offer(note('job-finalized'), 10_000)).toBeNull();
    expect(gate.offer(note('job-finalized'), 59_999)).toBeNull();
    // Slashes and withdrawals are never held back.
    expect(gate.offer(note('slashed'), 20_000)).not.toBeNull();
    expect(gate.offer(note('withdrawn'), 20_001)).not.toBeNull();
    expect(gate.offer(note('job-finalized', 'job 4 paid 1 FWL'), 60_000)?.body).toBe(
      'job 4 paid 1 FWL (and 2 more finalized since the last notice)',
    );
    expect(gate.offer(note('job-finalized', 'job 5'), 200_000)?.body).toBe('job 5');
  });

  it('follows node.notification events on the node bus, and only those', () => {
    const bus = new EventBus();
    const shown: OsNotification[] = [];
    const stop = forwardNotifications(
      bus,
      (n) => shown.push(n),
      new NotificationGate(),
      () => 0,
    );
    bus.emit('node.notification', note('slashed', 'collateral slashed: 5 FWL'));
    bus.emit('node.notification', note('job-declined'));
    bus.emit('settings.changed', {} as never);
    expect(shown).toEqual([
      { title: 'title slashed', body: 'collateral slashed: 5 FWL', urgency: 'critical' },
    ]);
    stop();
    bus.emit('node.notification', note('withdrawn'));
    expect(shown).toHaveLength(1);
  });
});
