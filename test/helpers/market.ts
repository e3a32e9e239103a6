import {
  createWalletClient,
  http,
  keccak256,
  type Abi,
  type Account,
  type Address,
  type Hash,
  type PublicClient,
  type TransactionReceipt,
} from 'viem';
import { foundry } from 'viem/chains';
import type { JobKind, VerificationPolicy } from '../../src/shared/api/jobs';
import { policyOf } from '../../src/shared/policy';
import { approveToken } from '../../src/main/chain/actions/approveToken';
import { assign } from '../../src/main/chain/actions/assign';
import { cancelJob } from '../../src/main/chain/actions/cancelJob';
import { createFork, type CreateForkReturnType } from '../../src/main/chain/actions/createFork';
import { readJob } from '../../src/main/chain/actions/readJob';
import { postJob } from '../../src/main/chain/actions/postJob';
import { registerModel } from '../../src/main/chain/actions/registerModel';
import type { ActionClient } from '../../src/main/chain/actions/send';
import { transferToken } from '../../src/main/chain/actions/transferToken';
import {
  createGenesis,
  deployFactory,
  devnetParams,
  waitFor,
  type ChainParams,
  type CreatedEconomy,
} from '../../src/main/chain/deploy';
import type { NetworkEndpoint } from '../../src/main/chain/endpoint';
import type { TxManagerOptions } from '../../src/main/chain/tx/context';
import { TxManager } from '../../src/main/chain/tx/manager';
import { LogSink } from '../../src/main/log';
import { anvilControl, devAccount, devClient } from './chain';
import { tempDir } from './tmp';

export const TOKEN = 10n ** 18n;

/**
 * Economy windows short enough for a job's whole life to fit a test (challenge 2 s, vote 4 s, unbonding and jail
 * 10 s: the contract wants unbonding ≥ max(2 × vote, jail)); the accept window and minimum deadline are each test's
 * own (a real network's pace needs longer ones).
 */
export function testWindows(accept: { acceptWindowS: number; minDeadlineS: number }) {
  return { ...accept, challengeWindowS: 2, voteWindowS: 4, jailCooldownS: 10, unbondingPeriodS: 10 };
}

/** The policy test models are registered with unless a test says otherwise: every value within 1e-4. */
export const TEST_POLICY: VerificationPolicy = policyOf({
  rule: 'tolerance',
  maxAbsErrorE9: 100_000,
  maxRelErrorE9: 100_000,
});
const quiet = new LogSink({ consoleLevel: 'silent' });

/** A dev account that sends through its own transaction manager, as the node does. */
export async function actor(
  rpcUrl: string,
  index: number,
  options: Pick<TxManagerOptions, 'gasHeadroom'> = {},
): Promise<ActionClient & { close(): Promise<void> }> {
  const { dir, cleanup } = tempDir('flywheel-actor-');
  const publicClient = devClient(rpcUrl);
  const tx = await TxManager.open({
    client: publicClient,
    account: devAccount(index),
    dataDir: dir,
    log: quiet.logger(`actor${index}`),
    chainId: 31337,
    pollingIntervalMs: 20,
    ...options,
  });
  return {
    publicClient,
    tx,
    async close() {
      await tx.close();
      cleanup();
    },
  };
}

/**
 * Sends a contract call from `account` by plain viem calls (simulate, write, wait for the receipt), not through the
 * app's actions: for a test's other parties, and for calls the actions do not make.
 */
export async function sendAs(
  publicClient: PublicClient,
  rpcUrl: string,
  account: Account,
  call: { address: Address; abi: Abi; functionName: string; args: unknown[] },
): Promise<TransactionReceipt> {
  const wallet = createWalletClient({ chain: foundry, transport: http(rpcUrl), account });
  const { request } = await publicClient.simulateContract({ ...call, account } as never);
  return waitFor(publicClient, await wallet.writeContract(request as never), call.functionName);
}

export interface Market {
  factory: Address;
  startBlock: bigint;
  genesis: CreatedEconomy;
  /** The economies' admin (dev account 0): registers models, holds the creator supply. */
  admin: ActionClient & { close(): Promise<void> };
  /** A requester (dev account 1) funded with tokens of every economy made here, the economy approved. */
  requester: ActionClient & { close(): Promise<void> };
  endpoint(overrides?: Partial<NetworkEndpoint>): NetworkEndpoint;
  fork(options: {
    name: string;
    symbol: string;
    overrides?: Partial<ChainParams>;
    snapshot?: { root: Hash; block: bigint };
  }): Promise<CreateForkReturnType>;
  /** Sends `amount` tokens of `economy` from the admin to `to`. */
  fund(economy: { token: Address }, to: Address, amount: bigint): Promise<void>;
  registerModel(
    economy: Address,
    bytes: Uint8Array,
    uri: string,
    kind?: JobKind,
    policy?: VerificationPolicy,
  ): Promise<Hash>;
  /**
   * Draws a provider for a posted job from the requester's account (as any node may); a draw that keeps nobody
   * re-seeds the job and is tried again from the next block, up to `tries` draws. Whether one was drawn.
   */
  assign(economy: Address, jobId: bigint, tries?: number): Promise<boolean>;
  /**
   * Posts a job and draws it at once (a few draws: a provider whose slot was freed after the post is skipped by the
   * draw seeded before, and found by the next, re-seeded one). `drawn: false` when nobody could be drawn (every
   * provider full or gone); such a job is left to `cancelUndrawable`.
   */
  postDrawn(job: Parameters<Market['post']>[0]): Promise<{ jobId: bigint; drawn: boolean }>;
  /** Refunds jobs nobody could draw: mines past the 256-block cancel delay and cancels each. */
  cancelUndrawable(economy: Address, jobIds: bigint[], rpcUrl: string): Promise<void>;
  post(job: {
    economy: Address;
    kind?: JobKind;
    modelHash: Hash;
    inputHash: Hash;
    inputUri: string;
    fee?: bigint;
    deadlineS?: number;
  }): Promise<bigint>;
  close(): Promise<void>;
}

let posts = 0;

/**
 * The real contracts on a real anvil, as the devnet deploys them: the factory, a genesis economy with the given
 * parameters, an admin holding the creator supply and a funded requester. Forks are made on demand.
 */
export async function deployMarket(
  rpcUrl: string,
  options: { params?: Partial<ChainParams>; name?: string; symbol?: string } = {},
): Promise<Market> {
  const publicClient = devClient(rpcUrl) as PublicClient;
  const walletClient = createWalletClient({
    chain: foundry,
    transport: http(rpcUrl),
    account: devAccount(0),
    pollingInterval: 20,
  });
  const clients = { publicClient, walletClient };
  const startBlock = await publicClient.getBlockNumber();
  const deployment = await deployFactory(clients);
  const genesis = await createGenesis(clients, {
    factory: deployment.factory,
    params: { ...devnetParams, ...options.params },
    name: options.name ?? 'Flywheel',
    symbol: options.symbol ?? 'FLY',
    creatorSupply: 10_000_000n * TOKEN,
  });
  const admin = await actor(rpcUrl, 0);
  const requester = await actor(rpcUrl, 1);
  const market: Market = {
    factory: deployment.factory,
    startBlock,
    genesis,
    admin,
    requester,
    endpoint: (overrides = {}) => ({
      rpcUrl,
      wsUrl: rpcUrl.replace(/^http/, 'ws'),
      chainId: 31337,
      factory: deployment.factory,
      label: 'Test chain',
      nativeSymbol: 'ETH',
      explorerUrl: null,
      isDevnet: true,
      blobStore: { kind: 'local' },
      startBlock,
      nativePerToken: '0.001',
      ...overrides,
    }),
    async fork({ name, symbol, overrides, snapshot }) {
      const created = await createFork(admin, {
        factory: deployment.factory,
        parent: genesis.economy,
        overrides: overrides ?? {},
        name,
        symbol,
        ...(snapshot ? { snapshot } : {}),
        creatorSupply: 10_000_000n * TOKEN,
        key: `fork:${genesis.economy}:${symbol}`,
      });
      await market.fund(created, requester.tx.address, 1_000_000n * TOKEN);
      await approveToken(requester, { token: created.token, spender: created.economy });
      return created;
    },
    async fund(economy, to, amount) {
      await transferToken(admin, {
        token: economy.token,
        to,
        amount,
        key: `fund:${economy.token}:${to}:${amount}:${Math.random()}`,
      });
    },
    async registerModel(economy, bytes, uri, kind = 'inference', policy = TEST_POLICY) {
      const modelHash = keccak256(bytes);
      await registerModel(admin, { economy, modelHash, uri, kind, policy });
      return modelHash;
    },
    async assign(economy, jobId, tries = 3) {
      for (let i = 0; i < tries; i++) {
        const job = await readJob(requester, { economy, jobId });
        if (job.status !== 'Posted') return true;
        // Each draw is a transaction in its own block: a missed one is re-seeded by it, and the next draws anew.
        const drawn = await assign(requester, { economy, jobId, drawBlock: job.drawBlock });
        if (drawn.outcome !== 'missed')
          return (await readJob(requester, { economy, jobId })).status !== 'Posted';
      }
      return false;
    },
    async postDrawn(job) {
      const jobId = await market.post(job);
      try {
        return { jobId, drawn: await market.assign(job.economy, jobId) };
      } catch {
        const state = await readJob(requester, { economy: job.economy, jobId });
        return { jobId, drawn: state.status !== 'Posted' };
      }
    },
    async cancelUndrawable(economy, jobIds, url) {
      if (!jobIds.length) return;
      await anvilControl(url).mine({ blocks: 257 });
      for (const jobId of jobIds) await cancelJob(requester, { economy, jobId });
    },
    async post(job) {
      const { jobId } = await postJob(requester, {
        economy: job.economy,
        kind: job.kind ?? 'inference',
        modelHash: job.modelHash,
        inputHash: job.inputHash,
        inputUri: job.inputUri,
        fee: job.fee ?? 2n * TOKEN,
        deadlineS: job.deadlineS ?? 60,
        key: `post:${job.economy}:${++posts}:${Math.random()}`,
      });
      return jobId;
    },
    async close() {
      await admin.close();
      await requester.close();
    },
  };
  await market.fund(genesis, requester.tx.address, 1_000_000n * TOKEN);
  await approveToken(requester, { token: genesis.token, spender: genesis.economy });
  return market;
}
