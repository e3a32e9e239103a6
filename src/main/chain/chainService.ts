import { getAddress, type Address, type PublicClient } from 'viem';
import type { NodeStatus } from '#shared/api/node';
import type { TxRef } from '#shared/api/provider';
import type { EventPayload } from '#shared/api';
import { FlywheelError } from '#shared/errors';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Wallet } from '../wallet/wallet';
import type { ActionClient } from './actions/send';
import { createChainClient, createHeadsClient, pollingIntervalMs } from './client';
import { validateEndpoint, type NetworkEndpoint } from './endpoint';
import { ChainClock, HeadWatcher, type Head } from './heads';
import type { TxRecord } from './tx/record';
import { TxManager } from './tx/manager';
import { withRpcRetry } from './tx/retry';

export interface ChainServiceOptions {
  dataDir: string;
  wallet: Wallet;
  events: EventBus;
  log: Logger;
}

/** The job loop's own transactions (their idempotency keys start with these): routine, see TxRef.routine. */
const ROUTINE_ACTIONS = new Set(['assign', 'submitResult', 'declineJob', 'finalize']);

/**
 * A transaction record as the UI hears of it (`tx.updated`): its label, hash, economy (from the idempotency key,
 * `<action>:<economy>:…`), whether it is routine, and its state. Null while it has no hash yet, and once done.
 */
export function txUpdateOf(record: TxRecord): EventPayload<'tx.updated'> | null {
  const hash = record.hash ?? record.attempts.at(-1)?.hash;
  if (!hash || record.state === 'done') return null;
  const economy = /^[a-zA-Z]+:(0x[0-9a-fA-F]{40})(?::|$)/.exec(record.key)?.[1];
  const action = record.key.split(':')[0]!;
  const ref: TxRef = {
    label: record.label ?? action,
    hash,
    economy: economy ? getAddress(economy) : null,
    ...(ROUTINE_ACTIONS.has(action) ? { routine: true } : {}),
  };
  const status =
    record.state === 'pending' ? 'pending' : record.state === 'confirmed' ? 'confirmed' : 'failed';
  return { ...ref, status, ...(record.error ? { error: record.error } : {}) };
}

/** One connection to one chain, while it lasts: `connect` makes a new one, `disconnect` ends it. */
export interface ChainConnection {
  readonly endpoint: NetworkEndpoint;
  readonly client: PublicClient;
  readonly clock: ChainClock;
  readonly heads: HeadWatcher;
}

type Listener<T> = (value: T) => void;

/**
 * The node's chain connection: a viem client for the network endpoint it was handed, the head of the chain (with
 * reconnection), chain time, and a transaction manager for the wallet's account while the wallet is unlocked.
 *
 * The devnet calls `connect(endpoint)` once anvil is up and the contracts are deployed; for a custom network the
 * node calls it from the settings. Everything on-chain in the node (economies, provider, jobs, earnings) goes
 * through here, so `disconnect()` + `connect()` moves the whole node to another network.
 */
export class ChainService {
  readonly #o: ChainServiceOptions;
  #conn: ChainConnection | null = null;
  #tx: TxManager | null = null;
  #txOpening: Promise<TxManager | null> | null = null;
  #error: string | null = null;
  #generation = 0;
  readonly #headListeners = new Set<Listener<Head>>();
  readonly #changeListeners = new Set<Listener<ChainService>>();
  readonly #offWallet: () => void;
  #offTx: (() => void) | null = null;

  constructor(options: ChainServiceOptions) {
    this.#o = options;
    // Lock → stop signing at once; unlock (or another key) → a manager for that account.
    this.#offWallet = options.wallet.onChange(() => void this.#syncTxManager());
  }

  get connection(): ChainConnection | null {
    return this.#conn;
  }

  get endpoint(): NetworkEndpoint | null {
    return this.#conn?.endpoint ?? null;
  }

  get connected(): boolean {
    return this.#conn?.heads.connected ?? false;
  }

  /**
   * Connects to `endpoint` (ending any earlier connection). Resolves once the first head is read, or — when the
   * RPC is down — after the first failed try, while the watcher keeps trying with backoff: the node then reports
   * `connected: false` and picks up by itself when the chain answers.
   */
  async connect(endpoint: NetworkEndpoint): Promise<void> {
    validateEndpoint(endpoint);
    await this.disconnect();
    const generation = ++this.#generation;
    const client = createChainClient(endpoint);
    const clock = new ChainClock();
    let first: () => void = () => undefined;
    const firstAnswer = new Promise<void>((r) => (first = r));
    const heads = new HeadWatcher({
      client,
      headsClient: () => createHeadsClient(endpoint),
      pollMs: endpoint.isDevnet ? 100 : 2_000,
      log: this.#o.log.child('heads'),
      onHead: (head) => {
        if (generation !== this.#generation) return;
        clock.observe(head);
        first();
        for (const l of [...this.#headListeners]) l(head);
      },
      onConnection: (connected, error) => {
        if (generation !== this.#generation) return;
        this.#error = connected ? null : (error ?? 'no answer');
        first();
        this.#o.log.info(connected ? 'connected to the chain' : 'lost the chain connection', {
          rpcUrl: endpoint.rpcUrl,
          ...(error ? { error } : {}),
        });
        if (connected) void this.#syncTxManager();
        this.#changed();
      },
    });
    this.#conn = { endpoint, client, clock, heads };
    this.#o.log.info('connecting to the chain', { label: endpoint.label, rpcUrl: endpoint.rpcUrl });
    heads.start();
    await firstAnswer;
    if (heads.connected) await this.#checkChain(endpoint, client);
    await this.#syncTxManager();
    this.#changed();
  }

  /** Ends the connection: stops following the chain and closes the transaction manager (pending ones are kept). */
  async disconnect(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    this.#generation++;
    this.#conn = null;
    await conn.heads.stop();
    await this.#closeTx();
    this.#changed();
  }

  async close(): Promise<void> {
    this.#offWallet();
    await this.disconnect();
  }

  /** The public client; UNAVAILABLE while there is no connection. */
  client(): PublicClient {
    return this.#need().client;
  }

  /** Chain time now, unix seconds. */
  now(): number {
    return this.#need().clock.now();
  }

  /** The latest head seen (null before the first). */
  head(): Head | null {
    return this.#conn?.heads.latest ?? null;
  }

  /** The signing account's address (null without an unlocked wallet). */
  get account(): Address | null {
    return this.#tx?.address ?? null;
  }

  /** What write actions need: the public client and the account's transaction manager. */
  async actionClient(): Promise<ActionClient> {
    const conn = this.#need();
    const tx = this.#tx ?? (await this.#syncTxManager());
    if (!tx) {
      this.#o.wallet.account(); // throws WALLET_LOCKED / NOT_FOUND with its action
      throw new FlywheelError('Transactions cannot be sent yet.', { code: 'UNAVAILABLE' });
    }
    return { publicClient: conn.client, tx };
  }

  /** The transaction manager if one is open now. */
  get tx(): TxManager | null {
    return this.#tx;
  }

  onHead(listener: Listener<Head>): () => void {
    this.#headListeners.add(listener);
    return () => this.#headListeners.delete(listener);
  }

  /** Connection, account or endpoint changed. */
  onChange(listener: Listener<ChainService>): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** The `network` part of node.status for what this service knows (kind and label come from the caller). */
  networkStatus(): Pick<
    NodeStatus['network'],
    'connected' | 'blockNumber' | 'chainId' | 'rpcUrl' | 'nativeSymbol' | 'explorerUrl'
  > & { label: string | null; error: string | null } {
    const conn = this.#conn;
    return {
      label: conn?.endpoint.label ?? null,
      connected: this.connected,
      blockNumber: conn?.heads.latest ? Number(conn.heads.latest.number) : null,
      chainId: conn?.endpoint.chainId ?? null,
      rpcUrl: conn?.endpoint.rpcUrl ?? null,
      nativeSymbol: conn?.endpoint.nativeSymbol ?? 'ETH',
      explorerUrl: conn?.endpoint.explorerUrl ?? null,
      error: conn ? this.#error : null,
    };
  }

  #need(): ChainConnection {
    if (!this.#conn) {
      throw new FlywheelError('The node is not connected to a chain.', {
        code: 'UNAVAILABLE',
        action: 'Wait for the devnet to start, or set a custom network in Settings.',
      });
    }
    return this.#conn;
  }

  /** A chain with another id than the endpoint says, or no factory code, is a configuration error worth a loud log. */
  async #checkChain(endpoint: NetworkEndpoint, client: PublicClient): Promise<void> {
    try {
      const [chainId, code] = await Promise.all([
        withRpcRetry('chain id', () => client.getChainId(), { attempts: 3, delayMs: 50 }),
        withRpcRetry('factory code', () => client.getCode({ address: endpoint.factory }), {
          attempts: 3,
          delayMs: 50,
        }),
      ]);
      if (chainId !== endpoint.chainId) {
        this.#error = `The RPC serves chain ${chainId}, not ${endpoint.chainId}.`;
      } else if (!code || code === '0x') {
        this.#error = `There is no contract at the factory address ${endpoint.factory}.`;
      }
      if (this.#error)
        this.#o.log.error('the network settings do not match the chain', { error: this.#error });
    } catch (err) {
      this.#o.log.warn('could not check the chain id and factory', { error: (err as Error).message });
    }
  }

  async #syncTxManager(): Promise<TxManager | null> {
    if (this.#txOpening) return this.#txOpening;
    this.#txOpening = (async () => {
      const conn = this.#conn;
      const wallet = this.#o.wallet;
      const address = wallet.unlocked ? wallet.address : null;
      if (this.#tx && (!conn || !address || getAddress(address) !== this.#tx.address)) await this.#closeTx();
      if (this.#tx || !conn || !address) return this.#tx;
      try {
        const tx = await TxManager.open({
          client: conn.client,
          account: wallet.account(),
          dataDir: this.#o.dataDir,
          log: this.#o.log.child('tx'),
          chainId: conn.endpoint.chainId,
          pollingIntervalMs: pollingIntervalMs(conn.endpoint),
          ...(conn.endpoint.isDevnet ? { bumpAfterMs: 15_000 } : {}),
        });
        if (this.#conn !== conn) {
          await tx.close();
          return this.#tx;
        }
        this.#tx = tx;
        this.#offTx = tx.onChange((record) => this.#emitTx(record));
        this.#changed();
        return tx;
      } catch (err) {
        this.#o.log.warn('could not open the transaction manager', { error: (err as Error).message });
        return null;
      }
    })().finally(() => {
      this.#txOpening = null;
    });
    return this.#txOpening;
  }

  async #closeTx(): Promise<void> {
    const tx = this.#tx;
    if (!tx) return;
    this.#tx = null;
    this.#offTx?.();
    this.#offTx = null;
    await tx.close();
    this.#changed();
  }

  #emitTx(record: TxRecord): void {
    const update = txUpdateOf(record);
    if (update) this.#o.events.emit('tx.updated', update);
  }

  #changed(): void {
    for (const l of [...this.#changeListeners]) l(this);
  }
}
