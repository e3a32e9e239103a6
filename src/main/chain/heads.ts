import type { Hash, PublicClient } from 'viem';
import type { Logger } from '../log';

/** A block header as the node needs it: where the chain is, and what time it is there. */
export interface Head {
  number: bigint;
  hash: Hash;
  /** Block timestamp, unix seconds. */
  timestamp: number;
  /** Unix ms when this node first saw it. */
  seenAt: number;
}

export interface HeadWatcherOptions {
  client: PublicClient;
  /** A WebSocket client for `newHeads`; null: poll only. */
  headsClient: () => PublicClient | null;
  /** Poll interval while there is no subscription. */
  pollMs: number;
  /** With a live subscription, poll this rarely anyway (a silent socket must not hide new blocks); default 15 s. */
  safetyPollMs?: number;
  /** Longest wait between tries while the RPC does not answer. */
  maxBackoffMs?: number;
  log: Logger;
  onHead: (head: Head) => void;
  onConnection: (connected: boolean, error?: string) => void;
}

/**
 * Follows the chain's head: a `newHeads` subscription where the endpoint has a WebSocket (nothing to do while the
 * chain is idle, so an idle node costs no CPU), polling otherwise or when the socket fails, and a slow poll even
 * with a subscription. While the RPC does not answer it retries with a doubling backoff and reports the connection
 * as down; the first answer brings it back.
 */
export class HeadWatcher {
  readonly #o: HeadWatcherOptions;
  #latest: Head | null = null;
  /** null until the first answer or failure. */
  #connected: boolean | null = null;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #unsubscribe: (() => void) | null = null;
  #wsRetryAt = 0;
  #stopped = false;
  #polling: Promise<void> | null = null;

  constructor(options: HeadWatcherOptions) {
    this.#o = options;
  }

  get latest(): Head | null {
    return this.#latest;
  }

  get connected(): boolean {
    return this.#connected === true;
  }

  start(): void {
    this.#trySubscribe();
    this.poke();
  }

  /** Polls now (after a transaction, or when a consumer wants a fresh head). */
  poke(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = null;
      this.#schedule();
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#polling;
  }

  #schedule(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    const backoff = Math.min(this.#o.pollMs * 2 ** this.#failures, this.#o.maxBackoffMs ?? 10_000);
    const delay = this.#failures
      ? backoff
      : this.#unsubscribe
        ? (this.#o.safetyPollMs ?? 15_000)
        : this.#o.pollMs;
    this.#timer = setTimeout(() => this.poke(), delay);
    this.#timer.unref?.();
  }

  async #poll(): Promise<void> {
    try {
      const block = await this.#o.client.getBlock({ blockTag: 'latest' });
      this.#failures = 0;
      this.#setConnected(true);
      this.#offer(block.number, block.hash, block.timestamp);
      if (!this.#unsubscribe && Date.now() >= this.#wsRetryAt) this.#trySubscribe();
    } catch (err) {
      this.#failures++;
      if (this.#failures === 1 || this.#failures % 10 === 0) {
        this.#o.log.warn('the chain’s RPC did not answer; retrying', {
          failures: this.#failures,
          error: (err as Error).message.split('\n')[0],
        });
      }
      this.#setConnected(false, (err as Error).message.split('\n')[0]);
    }
  }

  #offer(number: bigint | null, hash: Hash | null, timestamp: bigint): void {
    if (number === null || hash === null) return;
    if (this.#latest && this.#latest.hash === hash) return;
    const head: Head = { number, hash, timestamp: Number(timestamp), seenAt: Date.now() };
    this.#latest = head;
    this.#o.onHead(head);
  }

  #setConnected(connected: boolean, error?: string): void {
    if (connected === this.#connected) return;
    this.#connected = connected;
    this.#o.onConnection(connected, error);
  }

  #trySubscribe(): void {
    if (this.#stopped || this.#unsubscribe) return;
    let ws: PublicClient | null;
    try {
      ws = this.#o.headsClient();
    } catch {
      ws = null;
    }
    const transport = ws?.transport as unknown as SubscribeTransport | undefined;
    if (!transport?.subscribe) {
      this.#wsRetryAt = Number.POSITIVE_INFINITY;
      return;
    }
    const subscribedAt = Date.now();
    let active = true;
    let cancel = () => undefined as void;
    const fail = (err: Error) => {
      if (!active) return;
      // The socket failed: poll until it can be tried again (30 s later).
      active = false;
      cancel();
      this.#unsubscribe = null;
      this.#wsRetryAt = Date.now() + 30_000;
      this.#o.log.debug('head subscription failed; polling instead', {
        error: err.message.split('\n')[0],
        afterMs: Date.now() - subscribedAt,
      });
      this.#schedule();
    };
    this.#unsubscribe = () => {
      active = false;
      cancel();
    };
    transport
      .subscribe({
        params: ['newHeads'],
        onData: (data) => {
          const h = data.result;
          if (!active || !h?.number || !h.hash) return;
          this.#failures = 0;
          this.#setConnected(true);
          this.#offer(BigInt(h.number), h.hash, BigInt(h.timestamp ?? '0x0'));
        },
        onError: fail,
      })
      .then(({ unsubscribe }) => {
        cancel = () => void unsubscribe().catch(() => undefined);
        if (!active) cancel();
        // Blocks mined while the subscription was being set up were not announced: look once now.
        else this.poke();
      }, fail);
  }
}

/** The part of viem's WebSocket transport used here. */
interface SubscribeTransport {
  subscribe(args: {
    params: ['newHeads'];
    onData: (data: { result?: { number?: string; hash?: Hash; timestamp?: string } }) => void;
    onError: (err: Error) => void;
  }): Promise<{ unsubscribe: () => Promise<unknown> }>;
}

/**
 * The time on the chain now, in unix seconds: the freshest head's timestamp carried forward by the wall clock.
 * Deadlines are chain time; on a devnet moved with `evm_increaseTime` it differs from the wall clock, and a head
 * seen late would make "now" look earlier than it is, so the largest lead of a block over the moment it was seen wins.
 */
export class ChainClock {
  #lead: number | null = null;

  observe(head: Head): void {
    const lead = head.timestamp - head.seenAt / 1000;
    if (this.#lead === null || lead > this.#lead) this.#lead = lead;
  }

  /** Chain time now (seconds, fractional); falls back to the wall clock before any head was seen. */
  now(): number {
    return Date.now() / 1000 + (this.#lead ?? 0);
  }
}
