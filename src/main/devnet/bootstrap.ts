/**
 * The devnet's first start, step by step: factory, genesis economy, reference models, the accounts' tokens, the
 * simulated providers and the validators, then the two forks (one with a stake snapshot of the genesis providers,
 * who claim it and bond it). Each finished step is written to the book, so an interrupted first start resumes
 * where it stopped instead of deploying twice.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from 'viem';
import { approveToken } from '../chain/actions/approveToken';
import { claimAllocation } from '../chain/actions/claimAllocation';
import { registerProvider } from '../chain/actions/registerProvider';
import { registerValidator } from '../chain/actions/registerValidator';
import { transferToken } from '../chain/actions/transferToken';
import { economyAbi } from '../chain/artifacts';
import { createGenesis, deployFactory, type ChainParams } from '../chain/deploy';
import { createFork } from '../chain/actions/createFork';
import { allocationProof, buildStakeSnapshot, dumpSnapshot } from '../chain/forkSnapshot';
import { quickDevnetParams } from '../chain/presets';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { Logger } from '../log';
import { devnetAccount, type DevnetRole } from './accounts';
import type { DevnetActors } from './actors';
import { writeBook, type BookEconomy, type DevnetBook } from './book';
import { CREATOR_SUPPLY, devnetEconomies, type DevnetEconomySpec } from './economies';
import type { DevnetLayout } from './layout';
import { cast, PROVIDER_BOND, PROVIDER_CAPACITY, VALIDATOR_BOND, validatorCast } from './market/cast';
import { devnetModels, registerDevnetModels, type BlobSink } from './models';

const TOKEN = 10n ** 18n;

/** Tokens of each economy the admin hands each devnet account at the start. */
const SEED: Partial<Record<DevnetRole, bigint>> = {
  requester: 1_000_000n * TOKEN,
  faucet: 1_000_000n * TOKEN,
  cliRequester: 100_000n * TOKEN,
  ...Object.fromEntries(validatorCast.map((v) => [v.role, 1_000n * TOKEN])),
};
/** Tokens each simulated provider holds in every economy it serves, for its bond and later top-ups. */
const PROVIDER_SEED = 1_000n * TOKEN;

export interface BootstrapContext {
  layout: DevnetLayout;
  book: DevnetBook;
  publicClient: PublicClient;
  /** The admin as a plain viem wallet client: deployments go through viem's deployContract. */
  adminWallet: WalletClient<Transport, Chain | undefined, Account>;
  actors: DevnetActors;
  blobs: BlobSink;
  log: Logger;
  /** Progress of the current step: its id, words and 0..1 of the whole first start. */
  progress: (id: string, label: string, fraction: number) => void;
}

export async function bootstrapDevnet(ctx: BootstrapContext): Promise<void> {
  const { book } = ctx;
  const save = () => writeBook(ctx.layout.bookFile, book);
  const deploy = { publicClient: ctx.publicClient, walletClient: ctx.adminWallet };
  const admin = await ctx.actors.get('admin');

  if (!book.factory) {
    ctx.progress('deploy', 'Deploying the economy contracts', 0.1);
    book.factoryBlock = (await ctx.publicClient.getBlockNumber()).toString();
    book.factory = (await deployFactory(deploy)).factory;
    save();
  }
  const genesisSpec = devnetEconomies[0]!;
  let genesis = book.economies.find((e) => e.role === 'genesis');
  if (!genesis) {
    ctx.progress('deploy', 'Creating the genesis economy', 0.25);
    const created = await createGenesis(deploy, {
      factory: book.factory,
      params: quickDevnetParams,
      name: genesisSpec.name,
      symbol: genesisSpec.symbol,
      creatorSupply: CREATOR_SUPPLY,
    });
    genesis = economyEntry(genesisSpec, created, null, null);
    book.economies.push(genesis);
    save();
  }
  if (book.models.length < devnetModels.length) {
    book.models = await registerDevnetModels(admin, genesis.economy, ctx.blobs, (model, i) =>
      ctx.progress('models', `Registering ${model.name}`, 0.3 + (0.15 * i) / devnetModels.length),
    );
    save();
  }
  ctx.progress('providers', 'Bonding the simulated providers and the validators', 0.45);
  await seedAccounts(ctx, genesis);
  await joinEconomy(ctx, genesis, 'genesis');

  for (const spec of devnetEconomies.slice(1)) {
    let fork = book.economies.find((e) => e.role === spec.role);
    if (!fork) {
      ctx.progress('forks', `Forking ${genesis.name} into ${spec.name}`, spec.stakeSnapshot ? 0.8 : 0.65);
      let snapshotFile: string | null = null;
      let snapshot: { root: `0x${string}`; block: bigint } | undefined;
      if (spec.stakeSnapshot) {
        const taken = await buildStakeSnapshot(ctx.publicClient, {
          economy: genesis.economy,
          fromBlock: BigInt(genesis.block),
        });
        snapshot = { root: taken.root, block: taken.block };
        mkdirSync(ctx.layout.snapshotsDir, { recursive: true, mode: 0o700 });
        snapshotFile = `${spec.symbol.toLowerCase()}-${taken.root.slice(2, 10)}.json`;
        writeFileAtomic(
          join(ctx.layout.snapshotsDir, snapshotFile),
          JSON.stringify(dumpSnapshot(taken), null, 2),
        );
      }
      const created = await createFork(admin, {
        factory: book.factory,
        parent: genesis.economy,
        overrides: spec.params as Partial<ChainParams>,
        name: spec.name,
        symbol: spec.symbol,
        creatorSupply: CREATOR_SUPPLY,
        ...(snapshot ? { snapshot } : {}),
        key: `fork:${genesis.economy}:${spec.symbol}`,
      });
      fork = economyEntry(spec, created, genesis.economy, snapshotFile);
      book.economies.push(fork);
      save();
    }
    await seedAccounts(ctx, fork);
    await joinEconomy(ctx, fork, spec.role);
  }
  book.providers = cast.map((p) => ({
    name: p.name,
    address: devnetAccount(p.role).address,
    economies: book.economies.filter((e) => p.economies.includes(e.role)).map((e) => e.economy),
  }));
  save();
}

function economyEntry(
  spec: DevnetEconomySpec,
  created: { economy: Address; token: Address; block: bigint },
  parent: Address | null,
  snapshotFile: string | null,
): BookEconomy {
  return {
    role: spec.role,
    economy: created.economy,
    token: created.token,
    name: spec.name,
    symbol: spec.symbol,
    parent,
    block: created.block.toString(),
    snapshotFile,
  };
}

/** The admin hands out tokens of one economy: requester, faucet, CLI requester, validators, buying-in providers. */
async function seedAccounts(ctx: BootstrapContext, economy: BookEconomy): Promise<void> {
  const admin = await ctx.actors.get('admin');
  const amounts = new Map<DevnetRole, bigint>(Object.entries(SEED) as [DevnetRole, bigint][]);
  for (const p of cast) if (p.economies.includes(economy.role)) amounts.set(p.role, PROVIDER_SEED);
  // One account's transactions pipeline through its manager (nonces in order, receipts awaited together).
  await Promise.all(
    [...amounts].map(([role, amount]) => {
      const to = devnetAccount(role).address;
      return transferToken(admin, { token: economy.token, to, amount, key: `seed:${economy.token}:${to}` });
    }),
  );
}

/** The simulated providers that serve `economy` register there (claiming a snapshot allocation first); the validators too. */
async function joinEconomy(ctx: BootstrapContext, economy: BookEconomy, role: EconomyRoleOf): Promise<void> {
  const spec = devnetEconomies.find((s) => s.role === role)!;
  let snapshot: Awaited<ReturnType<typeof buildStakeSnapshot>> | null = null;
  if (spec.stakeSnapshot) {
    const lineage = await ctx.publicClient.readContract({
      address: economy.economy,
      abi: economyAbi,
      functionName: 'lineage',
    });
    snapshot = await buildStakeSnapshot(ctx.publicClient, {
      economy: lineage.parent,
      block: lineage.snapshotBlock,
      fromBlock: BigInt(ctx.book.economies.find((e) => e.role === 'genesis')!.block),
    });
  }
  // Each simulated provider is its own account: they join side by side.
  const joins = cast
    .filter((c) => c.economies.includes(role))
    .map(async (p) => {
      const client = await ctx.actors.get(p.role);
      let bond = PROVIDER_BOND;
      if (snapshot) {
        const claim = allocationProof(snapshot, client.tx.address);
        if (!claim) return;
        await claimAllocation(client, { economy: economy.economy, account: client.tx.address, ...claim });
        if (claim.amount > bond) bond = claim.amount;
      }
      await approveToken(client, { token: economy.token, spender: economy.economy });
      await registerProvider(client, {
        economy: economy.economy,
        bond,
        kinds: ['inference', 'fine-tune'],
        capacity: PROVIDER_CAPACITY,
      });
    });
  const validatorJoins = validatorCast.map(async (v) => {
    const validator = await ctx.actors.get(v.role);
    await approveToken(validator, { token: economy.token, spender: economy.economy });
    await registerValidator(validator, { economy: economy.economy, bond: VALIDATOR_BOND });
  });
  await Promise.all([...joins, ...validatorJoins]);
}

type EconomyRoleOf = DevnetEconomySpec['role'];
