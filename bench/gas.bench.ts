import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  keccak256,
  parseEther,
  toHex,
  type Address,
  type Hash,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { startAnvil, type AnvilProcess } from '../src/main/chain/anvil';
import { economyAbi, economyTokenAbi } from '../src/main/chain/artifacts';
import {
  createGenesis,
  deployFactory,
  devnetParams,
  forkEconomy,
  waitFor,
  type DeployClients,
} from '../src/main/chain/deploy';
import { median, type Benchmark, type Figure } from './lib';

/** anvil's first dev key: the deployer, admin and token holder. */
const DEPLOYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const TOKEN = 10n ** 18n;
const MODEL = keccak256(toHex('bench model'));
/** Provider counts measured; FLYWHEEL_GAS_SIZES=10,100 shortens a development run (the targets need 1,000). */
const SIZES = (process.env.FLYWHEEL_GAS_SIZES?.split(',').map(Number) ?? [10, 100, 1000]) as number[];
const JOBS_PER_SIZE = 5;

interface Chain {
  anvil: AnvilProcess;
  publicClient: PublicClient;
  clients: DeployClients;
  test: ReturnType<typeof createTestClient>;
  economy: Address;
  token: Address;
  deployer: Address;
}

/** Sends a call from any address (anvil auto-impersonates) and returns the receipt's gasUsed. */
async function send(
  chain: Chain,
  from: Address,
  address: Address,
  abi: typeof economyAbi | typeof economyTokenAbi,
  functionName: string,
  args: readonly unknown[],
): Promise<bigint> {
  const hash: Hash = await chain.publicClient.request({
    method: 'eth_sendTransaction',
    params: [
      {
        from,
        to: address,
        data: encode(abi, functionName, args),
        gas: toHex(3_000_000n),
      },
    ],
  } as never);
  const receipt = await waitFor(chain.publicClient, hash, `${functionName} (bench)`);
  return receipt.gasUsed;
}

function encode(abi: readonly unknown[], functionName: string, args: readonly unknown[]): `0x${string}` {
  // Imported lazily so the file type-checks without pulling viem's encoder generics through every call.
  return encodeFunctionDataLoose({ abi, functionName, args });
}

import { encodeFunctionData } from 'viem';
function encodeFunctionDataLoose(p: {
  abi: readonly unknown[];
  functionName: string;
  args: readonly unknown[];
}) {
  return encodeFunctionData(p as Parameters<typeof encodeFunctionData>[0]);
}

async function setup(
  log: (l: string) => void,
): Promise<Chain & { deployGas: bigint; genesisGas: bigint; factory: Address }> {
  const anvil = await startAnvil({ args: ['--auto-impersonate', '--gas-limit', '100000000'] });
  const transport = http(anvil.rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 20 });
  const account = privateKeyToAccount(DEPLOYER_KEY);
  const walletClient = createWalletClient({ chain: foundry, transport, account, pollingInterval: 20 });
  const test = createTestClient({ chain: foundry, transport, mode: 'anvil' });
  const clients: DeployClients = { publicClient: publicClient as PublicClient, walletClient };
  const deployment = await deployFactory(clients);
  const g = deployment.gasUsed;
  const deployGas = g.module + g.economy + g.token;
  const genesis = await createGenesis(clients, {
    factory: deployment.factory,
    name: 'Flywheel',
    symbol: 'FLY',
    creatorSupply: 10_000_000n * TOKEN,
  });
  log(`implementations deployed for ${deployGas} gas; genesis economy ${genesis.economy}`);
  const chain: Chain = {
    anvil,
    publicClient: publicClient as PublicClient,
    clients,
    test,
    economy: genesis.economy,
    token: genesis.token,
    deployer: account.address,
  };
  await send(chain, account.address, genesis.economy, economyAbi, 'registerModel', [
    MODEL,
    'ipfs://bench',
    0,
  ]);
  return { ...chain, deployGas, genesisGas: genesis.gasUsed, factory: deployment.factory };
}

/** A fresh provider address (deterministic), funded with ETH and tokens, approving the economy. */
function providerAddress(i: number): Address {
  return `0x${(0xb0000000n + BigInt(i)).toString(16).padStart(40, '0')}` as Address;
}

async function addProviders(chain: Chain, from: number, to: number): Promise<bigint[]> {
  const gas: bigint[] = [];
  for (let i = from; i < to; i++) {
    const p = providerAddress(i);
    await chain.test.setBalance({ address: p, value: parseEther('10') });
    await send(chain, chain.deployer, chain.token, economyTokenAbi, 'transfer', [p, 1_010n * TOKEN]);
    await send(chain, p, chain.token, economyTokenAbi, 'approve', [chain.economy, 2n ** 256n - 1n]);
    // Bonds and scores vary so the tree holds unequal weights.
    const bond = 100n * TOKEN + BigInt(i % 7) * 100n * TOKEN;
    gas.push(await send(chain, p, chain.economy, economyAbi, 'register', [bond, 50 + (i % 5) * 10, 3, 8]));
  }
  return gas;
}

async function jobOf(chain: Chain, jobId: bigint) {
  return (await chain.publicClient.readContract({
    address: chain.economy,
    abi: economyAbi,
    functionName: 'job',
    args: [jobId],
  })) as { provider: Address; status: number };
}

async function jobCount(chain: Chain): Promise<bigint> {
  return (await chain.publicClient.readContract({
    address: chain.economy,
    abi: economyAbi,
    functionName: 'jobCount',
  })) as bigint;
}

interface JobGas {
  post: bigint;
  assign: bigint;
  submit: bigint;
  finalize: bigint;
  withdraw: bigint;
}

/** One whole job: post, assign (next block), submit, wait out the challenge window, finalize, withdraw. */
async function lifecycle(chain: Chain, requester: Address, fee: bigint): Promise<JobGas> {
  const post = await send(chain, requester, chain.economy, economyAbi, 'postJob', [
    0,
    MODEL,
    keccak256(toHex(`input ${Date.now()}`)),
    'ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
    fee,
    60,
    0,
  ]);
  const id = await jobCount(chain);
  const assign = await send(chain, requester, chain.economy, economyAbi, 'assign', [id]);
  const { provider } = await jobOf(chain, id);
  const submit = await send(chain, provider, chain.economy, economyAbi, 'submitResult', [
    id,
    keccak256(toHex(`output ${id}`)),
    'ipfs://bafybeihkoviema7g3gxyt6la7vd5ho32ictqbilu3wnlo3rs7ewhnp7lly',
  ]);
  await chain.test.increaseTime({ seconds: devnetParams.challengeWindowS });
  const finalize = await send(chain, requester, chain.economy, economyAbi, 'finalize', [id]);
  const withdraw = await send(chain, provider, chain.economy, economyAbi, 'withdraw', [provider]);
  return { post, assign, submit, finalize, withdraw };
}

const gas: Benchmark = {
  name: 'gas',
  summary: 'gas of every economy operation on a real anvil, against the targets in issue 3',
  async run(log) {
    const chain = await setup(log);
    try {
      const requester = providerAddress(1_000_000);
      await chain.test.setBalance({ address: requester, value: parseEther('100') });
      await send(chain, chain.deployer, chain.token, economyTokenAbi, 'transfer', [
        requester,
        1_000_000n * TOKEN,
      ]);
      await send(chain, requester, chain.token, economyTokenAbi, 'approve', [chain.economy, 2n ** 256n - 1n]);

      const figures: Figure[] = [];
      const perSize = new Map<number, { assign: number; post: number; lifecycle: JobGas[] }>();
      let registered = 0;
      let registerGas: bigint[] = [];
      for (const n of SIZES) {
        const started = Date.now();
        registerGas = await addProviders(chain, registered, n);
        registered = n;
        log(`${n} providers registered (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        const runs: JobGas[] = [];
        for (let j = 0; j < JOBS_PER_SIZE; j++) runs.push(await lifecycle(chain, requester, 10n * TOKEN));
        perSize.set(n, {
          post: median(runs.map((r) => Number(r.post))),
          assign: median(runs.map((r) => Number(r.assign))),
          lifecycle: runs,
        });
        log(`at ${n}: post ${perSize.get(n)!.post}, assign ${perSize.get(n)!.assign}`);
      }

      figures.push({
        id: 'register',
        value: median(registerGas.map(Number)),
        unit: 'gas',
        better: 'lower',
        note: 'median of the last 900 registrations (tree of 1,000 providers)',
      });
      const assign10 = perSize.get(SIZES[0]!)!.assign;
      for (const n of SIZES) {
        const s = perSize.get(n)!;
        figures.push({
          id: `postJob+assign@${n}`,
          value: s.post + s.assign,
          unit: 'gas',
          better: 'lower',
          note: `median of ${JOBS_PER_SIZE} jobs; post ${s.post}, assign ${s.assign}`,
        });
        figures.push({
          id: `assign@${n}`,
          value: s.assign,
          unit: 'gas',
          better: 'lower',
          ...(n === SIZES.at(-1) ? { target: Math.floor(1.3 * assign10), baseline: assign10 } : {}),
          note:
            n === SIZES.at(-1) ? 'target: ≤ 1.3 × assign@10 (the baseline)' : `median of ${JOBS_PER_SIZE}`,
        });
      }
      const big = perSize.get(SIZES.at(-1)!)!.lifecycle;
      const pick = (k: keyof JobGas) => median(big.map((r) => Number(r[k])));
      figures.push({ id: 'submitResult', value: pick('submit'), unit: 'gas', better: 'lower' });
      figures.push({
        id: 'finalize',
        value: pick('finalize'),
        unit: 'gas',
        better: 'lower',
        note: 'no epoch closed',
      });
      figures.push({ id: 'withdraw', value: pick('withdraw'), unit: 'gas', better: 'lower' });
      const whole = median(big.map((r) => Number(r.post + r.assign + r.submit + r.finalize + r.withdraw)));
      figures.push({
        id: 'lifecycle@1000',
        value: whole,
        unit: 'gas',
        better: 'lower',
        target: 300_000,
        note: 'post + assign + submit + finalize + withdraw at 1,000 providers, receipts’ gasUsed (21k base each)',
      });

      const fork = await forkEconomy(chain.clients, {
        factory: chain.factory,
        parent: chain.economy,
        overrides: { protocolFeeBps: 300 },
        name: 'Flywheel Turbo',
        symbol: 'FLYT',
        snapshot: { root: keccak256(toHex('root')), block: (await chain.publicClient.getBlockNumber()) - 1n },
        creatorSupply: 1_000_000n * TOKEN,
      });
      figures.push({ id: 'createGenesis', value: Number(chain.genesisGas), unit: 'gas', better: 'lower' });
      figures.push({
        id: 'fork',
        value: Number(fork.gasUsed),
        unit: 'gas',
        better: 'lower',
        target: Math.floor(0.15 * Number(chain.deployGas)),
        baseline: Number(chain.deployGas),
        note: 'target: ≤ 15 % of deploying the same contracts (economy, module, token) in full: the baseline',
      });
      return figures;
    } finally {
      await chain.anvil.stop();
    }
  },
};

export default gas;
