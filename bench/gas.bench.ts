import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  encodeAbiParameters,
  encodeFunctionData,
  http,
  keccak256,
  parseEther,
  toHex,
  type Abi,
  type Address,
  type Hash,
  type PublicClient,
} from 'viem';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { startAnvil, type AnvilProcess } from '../src/main/chain/anvil';
import { createFork } from '../src/main/chain/actions/createFork';
import { economyAbi, economyTokenAbi } from '../src/main/chain/artifacts';
import {
  createGenesis,
  deployFactory,
  devnetParams,
  waitFor,
  type DeployClients,
} from '../src/main/chain/deploy';
import { TxManager } from '../src/main/chain/tx/manager';
import { LogSink } from '../src/main/log';
import { median, type Benchmark, type Figure } from './lib';

/** anvil's first dev key: deployer, admin and holder of the creator supply. */
const DEPLOYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const TOKEN = 10n ** 18n;
const MAX = 2n ** 256n - 1n;
const MODEL = keccak256(toHex('bench model'));
/** Provider counts measured; FLYWHEEL_GAS_SIZES=10,100 shortens a development run (the targets need 1,000). */
const SIZES = process.env.FLYWHEEL_GAS_SIZES?.split(',').map(Number) ?? [10, 100, 1000];
const JOBS_PER_SIZE = 5;
/** A CIDv1 as long as the node's real input and output URIs. */
const URI = 'ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';

interface Bench {
  anvil: AnvilProcess;
  publicClient: PublicClient;
  test: ReturnType<typeof createTestClient>;
  factory: Address;
  economy: Address;
  token: Address;
  deployer: Address;
  requester: Address;
}

/** Sends from any address (anvil auto-impersonates); returns the hash without waiting (for batches). */
async function fire(
  b: Bench,
  from: Address,
  to: Address,
  abi: Abi,
  functionName: string,
  args: unknown[],
): Promise<Hash> {
  return b.publicClient.request({
    method: 'eth_sendTransaction',
    params: [{ from, to, data: encodeFunctionData({ abi, functionName, args }), gas: toHex(3_000_000n) }],
  } as never);
}

/** Sends, waits, and returns the receipt's gasUsed (what the sender pays, 21k base included). */
async function send(
  b: Bench,
  from: Address,
  to: Address,
  abi: Abi,
  functionName: string,
  args: unknown[],
): Promise<number> {
  const receipt = await waitFor(
    b.publicClient,
    await fire(b, from, to, abi, functionName, args),
    functionName,
  );
  return Number(receipt.gasUsed);
}

async function read<T>(b: Bench, functionName: string, args: unknown[] = []): Promise<T> {
  return (await b.publicClient.readContract({
    address: b.economy,
    abi: economyAbi,
    functionName,
    args,
  } as never)) as T;
}

/** A deterministic, otherwise unused address. */
function addr(i: number): Address {
  return `0x${(0xf1e0000000n + BigInt(i)).toString(16).padStart(40, '0')}` as Address;
}

async function setup(log: (l: string) => void): Promise<Bench & { deployGas: number; genesisGas: number }> {
  const anvil = await startAnvil({ args: ['--auto-impersonate', '--gas-limit', '100000000'] });
  try {
    return await deploy(anvil, log);
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}

async function deploy(
  anvil: AnvilProcess,
  log: (l: string) => void,
): Promise<Bench & { deployGas: number; genesisGas: number }> {
  const transport = http(anvil.rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 20 }) as PublicClient;
  const account = privateKeyToAccount(DEPLOYER_KEY);
  const walletClient = createWalletClient({ chain: foundry, transport, account, pollingInterval: 20 });
  const clients: DeployClients = { publicClient, walletClient };
  const d = await deployFactory(clients);
  const deployGas = Number(d.gasUsed.views + d.gasUsed.module + d.gasUsed.economy + d.gasUsed.token);
  const g = await createGenesis(clients, {
    factory: d.factory,
    name: 'Flywheel',
    symbol: 'FLY',
    creatorSupply: 100_000_000n * TOKEN,
  });
  log(`implementations deployed for ${deployGas} gas; genesis economy at ${g.economy}`);
  const b: Bench = {
    anvil,
    publicClient,
    test: createTestClient({ chain: foundry, transport, mode: 'anvil' }),
    factory: d.factory,
    economy: g.economy,
    token: g.token,
    deployer: account.address,
    requester: addr(9_999_999),
  };
  await send(b, b.deployer, b.economy, economyAbi, 'registerModel', [
    MODEL,
    'ipfs://model',
    0,
    { rule: 2, maxAbsErrorE9: 0, maxRelErrorE9: 0, minAgreementBps: 9_900 },
  ]);
  await fundAll(b, [b.requester], 10_000_000n * TOKEN);
  return { ...b, deployGas, genesisGas: Number(g.gasUsed) };
}

/** Funds and approves many addresses in two mined batches (anvil would otherwise take a block per transaction). */
async function fundAll(b: Bench, who: Address[], amount: bigint): Promise<void> {
  await b.publicClient.request({ method: 'evm_setAutomine', params: [false] } as never);
  const hashes: Hash[] = [];
  for (const a of who) {
    await b.test.setBalance({ address: a, value: parseEther('100') });
    hashes.push(await fire(b, b.deployer, b.token, economyTokenAbi, 'transfer', [a, amount]));
    hashes.push(await fire(b, a, b.token, economyTokenAbi, 'approve', [b.economy, MAX]));
  }
  await b.publicClient.request({ method: 'anvil_mine', params: [toHex(4)] } as never);
  await b.publicClient.request({ method: 'evm_setAutomine', params: [true] } as never);
  for (const h of hashes) await waitFor(b.publicClient, h, 'fund (bench)');
}

/** Registers providers [from, to) with varied bonds, so the tree holds unequal weights. */
async function addProviders(b: Bench, from: number, to: number): Promise<number[]> {
  const who = Array.from({ length: to - from }, (_, k) => addr(from + k));
  await fundAll(b, who, 1_000n * TOKEN);
  await b.publicClient.request({ method: 'evm_setAutomine', params: [false] } as never);
  const hashes: Hash[] = [];
  for (const [k, p] of who.entries()) {
    const bond = 100n * TOKEN + BigInt((from + k) % 7) * 100n * TOKEN;
    hashes.push(await fire(b, p, b.economy, economyAbi, 'register', [bond, 3, 8]));
  }
  await b.publicClient.request({ method: 'anvil_mine', params: [toHex(4)] } as never);
  await b.publicClient.request({ method: 'evm_setAutomine', params: [true] } as never);
  const gas: number[] = [];
  for (const h of hashes) gas.push(Number((await waitFor(b.publicClient, h, 'register (bench)')).gasUsed));
  return gas;
}

/** A text generation priced per token: base, price per token, max tokens, and the tokens its result claims. */
const PER_TOKEN = { base: TOKEN, price: TOKEN / 100n, maxTokens: 256, tokens: 200 };

async function postAndAssign(
  b: Bench,
  perToken = false,
): Promise<{ id: bigint; post: number; assign: number; provider: Address }> {
  const input = keccak256(toHex(`input ${Math.random()}`));
  const post = perToken
    ? await send(b, b.requester, b.economy, economyAbi, 'postJobPerToken', [
        0,
        MODEL,
        input,
        URI,
        PER_TOKEN.base,
        PER_TOKEN.price,
        PER_TOKEN.maxTokens,
        60,
      ])
    : await send(b, b.requester, b.economy, economyAbi, 'postJob', [0, MODEL, input, URI, 10n * TOKEN, 60]);
  const id = await read<bigint>(b, 'jobCount');
  const assign = await send(b, b.requester, b.economy, economyAbi, 'assign', [id]);
  const { provider } = await read<{ provider: Address }>(b, 'job', [id]);
  return { id, post, assign, provider };
}

interface Lifecycle {
  post: number;
  assign: number;
  submit: number;
  finalize: number;
  withdraw: number;
}

/**
 * post → assign (next block) → submit → challenge window → finalize → withdraw, in one epoch; priced per token:
 * postJobPerToken and submitResultTokens (the requester's refund is withdrawn apart, not counted).
 */
async function lifecycle(b: Bench, perToken = false): Promise<Lifecycle> {
  const { id, post, assign, provider } = await postAndAssign(b, perToken);
  const output = keccak256(toHex(`out ${id}`));
  const submit = perToken
    ? await send(b, provider, b.economy, economyAbi, 'submitResultTokens', [
        id,
        output,
        URI,
        PER_TOKEN.tokens,
      ])
    : await send(b, provider, b.economy, economyAbi, 'submitResult', [id, output, URI]);
  await b.test.increaseTime({ seconds: devnetParams.challengeWindowS });
  const finalize = await send(b, b.requester, b.economy, economyAbi, 'finalize', [id]);
  const withdraw = await send(b, provider, b.economy, economyAbi, 'withdraw', [provider]);
  return { post, assign, submit, finalize, withdraw };
}

/** Moves to the start of a fresh epoch, so no measured finalize closes one (that cost is measured apart). */
async function freshEpoch(b: Bench): Promise<void> {
  const block = await b.publicClient.getBlock();
  const lineage = await read<{ createdAt: bigint }>(b, 'lineage');
  const into = (block.timestamp - lineage.createdAt) % BigInt(devnetParams.epochLengthS);
  await b.test.increaseTime({ seconds: Number(BigInt(devnetParams.epochLengthS) - into) });
  await b.test.mine({ blocks: 1 });
}

const gas: Benchmark = {
  name: 'gas',
  summary: 'gas of every economy operation on a real anvil (receipts), against the targets of issue 3',
  async run(log) {
    const b = await setup(log);
    try {
      const figures: Figure[] = [];
      const perSize = new Map<number, Lifecycle[]>();
      let registerGas: number[] = [];
      let registered = 0;
      for (const n of SIZES) {
        const started = Date.now();
        registerGas = await addProviders(b, registered, n);
        registered = n;
        log(`${n} providers registered (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        await freshEpoch(b);
        const runs: Lifecycle[] = [];
        for (let j = 0; j < JOBS_PER_SIZE; j++) runs.push(await lifecycle(b));
        perSize.set(n, runs);
        log(`at ${n}: assign ${median(runs.map((r) => r.assign))}, lifecycle ${median(runs.map(total))}`);
      }
      const small = SIZES[0]!;
      const big = SIZES.at(-1)!;
      const m = (n: number, k: keyof Lifecycle) => median(perSize.get(n)!.map((r) => r[k]));

      figures.push({
        id: 'register',
        value: median(registerGas),
        unit: 'gas',
        better: 'lower',
        note: `median of the registrations that brought the tree to ${big} providers`,
      });
      for (const n of SIZES) {
        figures.push({
          id: `postJob+assign@${n}`,
          value: median(perSize.get(n)!.map((r) => r.post + r.assign)),
          unit: 'gas',
          better: 'lower',
          note: `median of ${JOBS_PER_SIZE}; postJob ${m(n, 'post')}, assign ${m(n, 'assign')}`,
        });
      }
      figures.push({
        id: `assign@${big}`,
        value: m(big, 'assign'),
        unit: 'gas',
        better: 'lower',
        target: Math.floor(1.3 * m(small, 'assign')),
        baseline: m(small, 'assign'),
        note: `target ≤ 1.3 × assign@${small} (the baseline): the draw is O(log n)`,
      });
      figures.push({ id: 'submitResult', value: m(big, 'submit'), unit: 'gas', better: 'lower' });
      figures.push({
        id: 'finalize',
        value: m(big, 'finalize'),
        unit: 'gas',
        better: 'lower',
        note: 'inside an epoch',
      });
      figures.push({ id: 'withdraw', value: m(big, 'withdraw'), unit: 'gas', better: 'lower' });
      figures.push({
        id: `lifecycle@${big}`,
        value: median(perSize.get(big)!.map(total)),
        unit: 'gas',
        better: 'lower',
        target: 300_000,
        note: `post + assign + submit + finalize + withdraw at ${big} providers (5 receipts, 21k base each)`,
      });
      const perToken: Lifecycle[] = [];
      await freshEpoch(b);
      for (let j = 0; j < JOBS_PER_SIZE; j++) perToken.push(await lifecycle(b, true));
      figures.push({
        id: `lifecyclePerToken@${big}`,
        value: median(perToken.map(total)),
        unit: 'gas',
        better: 'lower',
        note:
          `a job priced per token (${PER_TOKEN.tokens} of ${PER_TOKEN.maxTokens} tokens): postJobPerToken ` +
          `${median(perToken.map((r) => r.post))}, submitResultTokens ${median(perToken.map((r) => r.submit))}, ` +
          `finalize ${median(perToken.map((r) => r.finalize))} (refunds the rest to the requester)`,
      });

      // Withdrawing after a while: the emission accrued to the provider's bond is settled and minted first.
      const earner = addr(0); // registered first, Active ever since
      await b.test.increaseTime({ seconds: devnetParams.epochLengthS });
      figures.push({
        id: 'claimEmission',
        value: await send(b, earner, b.economy, economyAbi, 'claimEmission', []),
        unit: 'gas',
        better: 'lower',
        note: 'settles and mints an epoch of emission accrued to the bond into the claimable balance (withdraw then pays it)',
      });

      // A missed deadline: accepted, then let go.
      const late = await postAndAssign(b);
      const accept = await send(b, late.provider, b.economy, economyAbi, 'acceptJob', [late.id]);
      await b.test.increaseTime({ seconds: 61 });
      figures.push({
        id: 'acceptJob',
        value: accept,
        unit: 'gas',
        better: 'lower',
        note: 'only for a job whose result will not land inside the accept window',
      });
      figures.push({
        id: 'reportTimeout',
        value: await send(b, b.requester, b.economy, economyAbi, 'reportTimeout', [late.id]),
        unit: 'gas',
        better: 'lower',
        note: 'an accepted job: slash, strike, re-open the draw',
      });
      // A no-show: never accepted, the accept window over.
      const gone = await postAndAssign(b);
      await b.test.increaseTime({ seconds: devnetParams.acceptWindowS + 1 });
      figures.push({
        id: 'reportNoShow',
        value: await send(b, b.requester, b.economy, economyAbi, 'reportTimeout', [gone.id]),
        unit: 'gas',
        better: 'lower',
        note: 'a job never accepted: released unslashed, re-drawn without the provider',
      });

      // The verification game on a right result: commit → challenge → votes until the quorum → resolve → settle.
      const VOTERS = 5;
      const voters = Array.from({ length: VOTERS }, (_, k) => addr(8_000_010 + k));
      const challenger = addr(8_000_001);
      await fundAll(b, [challenger, ...voters], 1_000n * TOKEN);
      await send(b, challenger, b.economy, economyAbi, 'registerValidator', [200n * TOKEN]);
      for (const v of voters) await send(b, v, b.economy, economyAbi, 'registerValidator', [200n * TOKEN]);
      await b.test.increaseTime({ seconds: 1 });
      const c = await postAndAssign(b);
      await send(b, c.provider, b.economy, economyAbi, 'submitResult', [c.id, keccak256(toHex('y')), URI]);
      const salt = keccak256(toHex('salt'));
      const commitment = keccak256(
        encodeAbiParameters(
          [{ type: 'uint256' }, { type: 'address' }, { type: 'bytes32' }],
          [c.id, challenger, salt],
        ),
      );
      const commit = await send(b, challenger, b.economy, economyAbi, 'commitChallenge', [commitment]);
      const reveal = await send(b, challenger, b.economy, economyAbi, 'challenge', [c.id, salt, URI]);
      const quorum = (await read<{ quorum: bigint }>(b, 'challengeOf', [c.id])).quorum;
      const votes: number[] = [];
      let weight = 0n;
      for (const v of voters) {
        if (weight >= quorum) break;
        votes.push(await send(b, v, b.economy, economyAbi, 'vote', [c.id, true]));
        weight += 200n * TOKEN;
      }
      await b.test.increaseTime({ seconds: devnetParams.voteWindowS });
      const resolve = await send(b, b.requester, b.economy, economyAbi, 'resolveChallenge', [c.id]);
      const settles: number[] = [];
      for (const v of voters.slice(0, votes.length)) {
        settles.push(await send(b, v, b.economy, economyAbi, 'settleVote', [c.id, v]));
      }
      const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
      const game = commit + reveal + sum(votes) + resolve + sum(settles);
      figures.push({
        id: 'challenge+quorum+resolve',
        value: game,
        unit: 'gas',
        better: 'lower',
        note: `commit ${commit}, challenge ${reveal}, ${votes.length} votes to reach the quorum (${median(votes)} each), resolve ${resolve}, ${settles.length} settles (${median(settles)} each); devnet quorum 30 % of ${VOTERS + 1} validators' stake`,
      });
      figures.push({ id: 'vote', value: median(votes), unit: 'gas', better: 'lower', note: 'one vote' });
      figures.push({
        id: 'settleVote',
        value: median(settles),
        unit: 'gas',
        better: 'lower',
        note: 'one voter paid',
      });
      const lifecycleBig = median(perSize.get(big)!.map(total));
      figures.push({
        id: 'verification-per-job@5%',
        value: Math.round(0.05 * game),
        unit: 'gas',
        better: 'lower',
        note: `the game's gas amortised over a 5 % challenge rate: ${(((0.05 * game) / lifecycleBig) * 100).toFixed(1)} % on top of a ${lifecycleBig}-gas lifecycle`,
      });

      figures.push({ id: 'createGenesis', value: b.genesisGas, unit: 'gas', better: 'lower' });
      const forkGas = await fork(b);
      figures.push({
        id: 'fork',
        value: Number(forkGas),
        unit: 'gas',
        better: 'lower',
        target: Math.floor(0.15 * b.deployGas),
        baseline: b.deployGas,
        note: 'target ≤ 15 % of deploying the same contracts (economy, module, views, token) in full: the baseline',
      });
      return figures;
    } finally {
      await b.anvil.stop();
    }
  },
};

/** Forks the genesis economy as the CLI and the devnet do (createFork, through a transaction manager): its gas. */
async function fork(b: Bench): Promise<bigint> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flywheel-gas-'));
  const tx = await TxManager.open({
    client: b.publicClient,
    account: privateKeyToAccount(DEPLOYER_KEY),
    dataDir,
    log: new LogSink({ consoleLevel: 'silent' }).logger('gas'),
    chainId: foundry.id,
    pollingIntervalMs: 20,
  });
  try {
    const created = await createFork(
      { publicClient: b.publicClient, tx },
      {
        factory: b.factory,
        parent: b.economy,
        overrides: { protocolFeeBps: 300 },
        name: 'Flywheel Turbo',
        symbol: 'FLYT',
        snapshot: { root: keccak256(toHex('root')), block: await b.publicClient.getBlockNumber() },
        creatorSupply: 1_000_000n * TOKEN,
        key: `fork:${b.economy}:FLYT`,
      },
    );
    return (await b.publicClient.getTransactionReceipt({ hash: created.hash })).gasUsed;
  } finally {
    await tx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function total(r: Lifecycle): number {
  return r.post + r.assign + r.submit + r.finalize + r.withdraw;
}

export default gas;
