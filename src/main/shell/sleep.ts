import type { Address } from 'viem';
import type { Logger } from '../log';

/** The part of Electron's powerMonitor this needs (an EventEmitter in tests). */
export interface PowerEvents {
  on(
    event: 'suspend' | 'resume' | 'shutdown',
    listener: (event?: { preventDefault(): void }) => void,
  ): unknown;
  removeListener(
    event: 'suspend' | 'resume' | 'shutdown',
    listener: (event?: { preventDefault(): void }) => void,
  ): unknown;
}

/** What the sleep watch does to the provider: ProviderService's orderly leave and its way back. */
export interface SleepingProvider {
  leave(reason: string, timeoutMs?: number, meanwhile?: string): Promise<Address[]>;
  resumeAfterLeave(): void;
  reconcile(): Promise<void>;
}

/**
 * How long a suspend waits for the pause to land. The OS gives an app only a moment before it sleeps, and Electron
 * cannot hold a suspend; whatever does not land ends as no-shows, unslashed (the accept step), and the pause sent
 * still lands when the machine wakes if it was broadcast.
 */
export const SUSPEND_PAUSE_MS = 5_000;

/**
 * OS sleep and shutdown, as the desktop shell sees them: on `suspend` the provider pauses its economies on-chain the
 * way an orderly stop does (its switch stays on); on `resume` it comes back by itself (the pause is undone by the
 * next reconcile); on `shutdown` the app quits, which stops the node in order (node.close pauses before the key is
 * gone). Resume waits for a pause still in flight, so the two never race. Returns the function that stops watching.
 */
export function watchSleep(
  power: PowerEvents,
  provider: SleepingProvider,
  options: { log: Logger; quit: () => void; pauseTimeoutMs?: number },
): () => void {
  const { log } = options;
  let asleep: Promise<unknown> | null = null;

  const onSuspend = () => {
    if (asleep) return;
    log.info('the computer is going to sleep: pausing on-chain');
    asleep = provider
      .leave(
        'the computer sleeping',
        options.pauseTimeoutMs ?? SUSPEND_PAUSE_MS,
        'The computer is going to sleep: paused on-chain until it wakes',
      )
      .catch((err: Error) => log.warn('could not pause before sleeping', { error: err.message }));
  };
  const onResume = () => {
    const pausing = asleep;
    if (!pausing) return; // not paused by this watch (a wallet lock keeps its own pause)
    void (async () => {
      await pausing;
      asleep = null;
      provider.resumeAfterLeave();
      log.info('the computer woke up: providing resumes');
      await provider.reconcile();
    })();
  };
  const onShutdown = (event?: { preventDefault(): void }) => {
    // Asks the OS to wait while the app quits in order (Linux and macOS honour it).
    event?.preventDefault();
    log.info('the computer is shutting down: stopping in order');
    options.quit();
  };

  power.on('suspend', onSuspend);
  power.on('resume', onResume);
  power.on('shutdown', onShutdown);
  return () => {
    power.removeListener('suspend', onSuspend);
    power.removeListener('resume', onResume);
    power.removeListener('shutdown', onShutdown);
  };
}
