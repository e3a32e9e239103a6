import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  toHex,
  type Address,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFork } from '../../../src/main/chain/actions/createFork';
import { economyAbi, economyFactoryAbi, economyTokenAbi } from '../../../src/main/chain/artifacts';
import {
  createGenesis,
  deployFactory,
  devnetParams,
  readParams,
  toEconomyParams,
  type DeployClients,
  type FactoryDeployment,
} from '../../../src/main/chain/deploy';
import {
  allocationProof,
  buildStakeSnapshot,
  dumpSnapshot,
  loadSnapshot,
  verifyForkSnapshot,
} from '../../../src/main/chain/forkSnapshot';
import { productionParams, quickDevnetParams } from '../../../src/main/chain/presets';
import { DEV_PRIVATE_KEYS, useAnvil } from '../../helpers/anvil';
import { actor, sendAs } from '../../helpers/market';

const TOKEN = 10n ** 18n;
const MAX = 2n ** 256n - 1n;

describe('economy contracts on a real anvil: deploy, genesis, fork, snapshot claim', () => {
  const chain = useAnvil({ chainId: 31337 });
  let publicClient: PublicClient;
  let clients: DeployClients;
  /** The deployer's account sending through its transaction manager, as the CLI and the devnet fork. */
  let admin: Awaited<ReturnType<typeof actor>>;
  const wallets = DEV_PRIVATE_KEYS.map((k) => privateKeyToAccount(k));
  let deployment: FactoryDeployment;
  let genesis: Address;
  let genesisToken: Address;
  let snapshotBlock: bigint;

  /** Sends a contract call from one of anvil's dev accounts and waits for it. */
  const call = (
    from: number,
    address: Address,
    abi: typeof economyAbi | typeof economyTokenAbi,
    functionName: string,
    args: unknown[],
  ) => sendAs(publicClient, chain.rpcUrl, wallets[from]!, { address, abi, functionName, args });

  beforeAll(async () => {
    const transport = http(chain.rpcUrl);
    publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 20 }) as PublicClient;
    const walletClient = createWalletClient({
      chain: foundry,
      transport,
      account: wallets[0]!,
      pollingInterval: 20,
    });
    clients = { publicClient, walletClient };
    admin = await actor(chain.rpcUrl, 0);
  });
  afterAll(() => admin?.close());

  it('deploys the implementations and the factory once', async () => {
    deployment = await deployFactory(clients);
    for (const a of [
      deployment.factory,
      deployment.economyImplementation,
      deployment.moduleImplementation,
      deployment.viewsImplementation,
      deployment.tokenImplementation,
    ]) {
      expect(await publicClient.getCode({ address: a })).toMatch(/^0x[0-9a-f]{100,}$/);
    }
    expect(deployment.gasUsed.economy).toBeGreaterThan(1_000_000n);
  });

  it('creates a genesis economy with the devnet parameters and a creator supply', async () => {
    const g = await createGenesis(clients, {
      factory: deployment.factory,
      name: 'Flywheel',
      symbol: 'FLY',
      creatorSupply: 1_000_000n * TOKEN,
    });
    genesis = g.economy;
    genesisToken = g.token;
    expect(await readParams(publicClient, genesis)).toEqual(devnetParams);
    expect(toEconomyParams(devnetParams)).toMatchObject({
      minBond: '100000000000000000000',
      protocolFeeBps: 500,
    });
    expect(
      await publicClient.readContract({
        address: genesisToken,
        abi: economyTokenAbi,
        functionName: 'balanceOf',
        args: [wallets[0]!.address],
      }),
    ).toBe(1_000_000n * TOKEN);
    expect(
      await publicClient.readContract({
        address: deployment.factory,
        abi: economyFactoryAbi,
        functionName: 'economyCount',
      }),
    ).toBe(1n);
    await call(0, genesis, economyAbi, 'registerModel', [
      keccak256(toHex('model')),
      'ipfs://model',
      0,
      { rule: 2, maxAbsErrorE9: 0, maxRelErrorE9: 0, minAgreementBps: 9_900 },
    ]);
  });

  it('accepts every parameter preset the app offers (windows, fees, vote shares)', async () => {
    // The contract checks, among others, unbondingPeriodS ≥ max(2 × voteWindowS, jailCooldownS).
    for (const [name, params] of Object.entries({ devnetParams, productionParams, quickDevnetParams })) {
      const created = await createGenesis(clients, {
        factory: deployment.factory,
        params,
        name,
        symbol: 'P',
      });
      expect(await readParams(publicClient, created.economy), name).toEqual(params);
    }
  });

  it('says why the factory refused invalid parameters', async () => {
    await expect(
      createGenesis(clients, {
        factory: deployment.factory,
        params: { ...devnetParams, protocolFeeBps: 9_000 },
        name: 'Bad',
        symbol: 'BAD',
      }),
    ).rejects.toMatchObject({
      code: 'TX_FAILED',
      shortMessage: expect.stringContaining('protocolFeeBps = 9000 is outside its allowed range 0 to 5000'),
      details: expect.stringContaining('ParamOutOfRange(7, 9000, 0, 5000)'),
    });
  });

  it('forks with a stake snapshot that the parent’s providers claim by proof, once', async () => {
    // Two providers bond in the genesis economy.
    const bonds = [300n * TOKEN, 500n * TOKEN];
    for (const [i, bond] of bonds.entries()) {
      await call(0, genesisToken, economyTokenAbi, 'transfer', [wallets[i + 1]!.address, bond]);
      await call(i + 1, genesisToken, economyTokenAbi, 'approve', [genesis, MAX]);
      await call(i + 1, genesis, economyAbi, 'register', [bond, 3, 2]);
    }
    const snapshot = await buildStakeSnapshot(publicClient, { economy: genesis });
    snapshotBlock = snapshot.block;
    expect(snapshot.entries.map((e) => e.amount).sort()).toEqual([...bonds].sort());
    expect(loadSnapshot(JSON.parse(JSON.stringify(dumpSnapshot(snapshot)))).root).toBe(snapshot.root);

    const fork = await createFork(admin, {
      factory: deployment.factory,
      parent: genesis,
      overrides: { protocolFeeBps: 300, emissionPerEpoch: 2_000n * TOKEN },
      name: 'Flywheel Turbo',
      symbol: 'FLYT',
      snapshot: { root: snapshot.root, block: snapshot.block },
      key: `fork:${genesis}:FLYT`,
    });
    const lineage = await publicClient.readContract({
      address: fork.economy,
      abi: economyAbi,
      functionName: 'lineage',
    });
    expect(lineage).toMatchObject({
      parent: genesis,
      forkBlock: fork.block,
      snapshotBlock: snapshot.block,
      allocationRoot: snapshot.root,
    });
    expect(await readParams(publicClient, fork.economy)).toEqual({
      ...devnetParams,
      protocolFeeBps: 300,
      emissionPerEpoch: 2_000n * TOKEN,
    });
    const model = await publicClient.readContract({
      address: fork.economy,
      abi: economyAbi,
      functionName: 'model',
      args: [keccak256(toHex('model'))],
    });
    // The fork inherits the model with its verification policy.
    expect(model).toMatchObject({
      found: true,
      registeredIn: genesis,
      policy: { rule: 2, maxAbsErrorE9: 0, maxRelErrorE9: 0, minAgreementBps: 9_900 },
    });

    // Anyone can check the root against the parent's chain data.
    expect((await verifyForkSnapshot(publicClient, fork.economy)).matches).toBe(true);

    const claimer = wallets[2]!.address;
    const claim = allocationProof(snapshot, claimer)!;
    expect(claim.amount).toBe(500n * TOKEN);
    await call(2, fork.economy, economyAbi, 'claimAllocation', [claimer, claim.amount, claim.proof]);
    expect(
      await publicClient.readContract({
        address: fork.token,
        abi: economyTokenAbi,
        functionName: 'balanceOf',
        args: [claimer],
      }),
    ).toBe(500n * TOKEN);
    await expect(
      call(2, fork.economy, economyAbi, 'claimAllocation', [claimer, claim.amount, claim.proof]),
    ).rejects.toThrow(/AlreadyClaimed/);
    expect(allocationProof(snapshot, wallets[4]!.address)).toBeNull();
  });

  it('tells a fork whose root is not the parent’s bonds', async () => {
    const block = snapshotBlock;
    const fork = await createFork(admin, {
      factory: deployment.factory,
      parent: genesis,
      name: 'Flywheel Made Up',
      symbol: 'FLYM',
      snapshot: { root: keccak256(toHex('a root of the forker’s choosing')), block },
      key: `fork:${genesis}:FLYM`,
    });
    expect((await verifyForkSnapshot(publicClient, fork.economy)).matches).toBe(false);
  });
});
