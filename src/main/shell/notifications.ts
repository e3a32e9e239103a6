import type { Notification as NodeNotification } from '#shared/api';
import type { EventBus } from '../events';

/** An OS notification, as Electron's Notification takes it. */
export interface OsNotification {
  title: string;
  body: string;
  urgency: 'normal' | 'critical';
}

/**
 * Which node notifications reach the OS: money moving (a job paid, a slash, a withdrawal). Declines, benchmark
 * results and errors stay in the window's toasts: they need the window to act on anyway.
 */
export function osNotificationFor(n: NodeNotification): OsNotification | null {
  switch (n.kind) {
    case 'job-finalized':
    case 'withdrawn':
      return { title: n.title, body: n.body, urgency: 'normal' };
    case 'slashed':
      return { title: n.title, body: n.body, urgency: 'critical' };
    case 'job-declined':
    case 'benchmark-done':
    case 'error':
      return null;
  }
}

/**
 * Keeps a busy provider from flooding the desktop: at most one "job finalized" notification per `windowMs`; the
 * ones held back are counted into the next one shown. Slashes and withdrawals always show.
 */
export class NotificationGate {
  #lastJobShownAt = Number.NEGATIVE_INFINITY;
  #heldBack = 0;

  constructor(private readonly windowMs = 60_000) {}

  offer(n: NodeNotification, now: number): OsNotification | null {
    const os = osNotificationFor(n);
    if (!os || n.kind !== 'job-finalized') return os;
    if (now - this.#lastJobShownAt < this.windowMs) {
      this.#heldBack++;
      return null;
    }
    this.#lastJobShownAt = now;
    const held = this.#heldBack;
    this.#heldBack = 0;
    if (held === 0) return os;
    return { ...os, body: `${os.body} (and ${held} more finalized since the last notice)` };
  }
}

/** Shows the node's notifications on the desktop; returns the unsubscribe function. */
export function forwardNotifications(
  events: Pick<EventBus, 'subscribe'>,
  show: (notification: OsNotification) => void,
  gate = new NotificationGate(),
  now: () => number = Date.now,
): () => void {
  return events.subscribe((message) => {
    if (message.name !== 'node.notification') return;
    const os = gate.offer(message.payload, now());
    if (os) show(os);
  });
}
