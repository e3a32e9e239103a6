/** `flywheel fork create`: a new economy forked from another, with parameters changed and optionally a stake claim. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FlywheelError } from '#shared/errors';
import { createFork } from '../chain/actions/createFork';
import { transferToken } from '../chain/actions/transferToken';
import { buildStakeSnapshot, dumpSnapshot } from '../chain/forkSnapshot';
import { formatTokenAmount, parseParamOverrides, parseTokenAmount } from '../chain/presets';
import { devnetAccount } from '../devnet/accounts';
import { WELCOME_TOKENS } from '../devnet/fund';
import { devnetLayout } from '../devnet/layout';
import { writeFileAtomic } from '../fs/atomicWrite';
import { readWalletFile } from '../wallet/walletFile';
import type { CommandContext } from './jobCommands';
import { resolveEconomy } from './economyRef';
import { openCliNetwork } from './network';
import { printResult, progress } from './output';

export const FORK_HELP = `Usage:
  flywheel fork create --parent <address|name|genesis> --name <name> --symbol <SYM> [--param name=value …]
                       [--supply <tokens>] [--snapshot] [--key-env VAR] [--json]

--param changes one parameter from the parent's (amounts in tokens: minBond=50, minFee=0.5; the rest as integers:
challengeWindowS=30, protocolFeeBps=100, quorumBps=4000). --snapshot lets the parent's providers, as bonded now, claim the fork's
tokens (one per token bonded). On the devnet the fork is made by the devnet's admin, and your wallet and the devnet
requester get tokens of it.
`;

export async function forkCreateCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      parent: { type: 'string' },
      name: { type: 'string' },
      symbol: { type: 'string' },
      param: { type: 'string', multiple: true, default: [] },
      supply: { type: 'string', default: '1000000' },
      snapshot: { type: 'boolean', default: false },
      'key-env': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  for (const name of ['parent', 'name', 'symbol'] as const) {
    if (!values[name])
      throw new FlywheelError(`--${name} is required.`, { code: 'BAD_INPUT', action: FORK_HELP });
  }
  const overrides = parseParamOverrides(values.param);
  const net = await openCliNetwork({
    dataDir: ctx.dataDir,
    log: ctx.log,
    ...(values['key-env'] ? { keyEnv: values['key-env'] } : {}),
  });
  try {
    const parent = await resolveEconomy(net.publicClient, net.factory, values.parent!);
    const supply = parseTokenAmount(values.supply, 18, 'supply');
    const admin = await net.admin();
    let snapshot: Awaited<ReturnType<typeof buildStakeSnapshot>> | null = null;
    if (values.snapshot) {
      progress(`Taking a stake snapshot of ${parent.name}`);
      snapshot = await buildStakeSnapshot(net.publicClient, { economy: parent.economy });
    }
    progress(`Forking ${parent.name} into ${values.name}`);
    const fork = await createFork(admin, {
      factory: net.factory,
      parent: parent.economy,
      overrides,
      name: values.name!,
      symbol: values.symbol!,
      creatorSupply: supply,
      ...(snapshot ? { snapshot: { root: snapshot.root, block: snapshot.block } } : {}),
      key: `cli-fork:${parent.economy}:${values.symbol}:${Date.now()}`,
    });
    let snapshotFile: string | null = null;
    if (snapshot) {
      // Kept where the devnet keeps its own (any node can also rebuild it from chain data: verifyForkSnapshot).
      snapshotFile = join(
        net.kind === 'devnet' ? devnetLayout(ctx.dataDir).snapshotsDir : join(ctx.dataDir, 'snapshots'),
        `${values.symbol!.toLowerCase()}-${snapshot.root.slice(2, 10)}.json`,
      );
      writeFileAtomic(snapshotFile, JSON.stringify(dumpSnapshot(snapshot), null, 2));
    }
    const paid: string[] = [];
    if (net.kind === 'devnet') {
      // The devnet's convenience: this node's wallet and the CLI requester can use the new economy at once.
      const wallet = readWalletFile(join(ctx.dataDir, 'wallet', 'keystore.json'))?.address;
      const payees = [wallet, devnetAccount('cliRequester').address].filter((a): a is `0x${string}` => !!a);
      for (const to of payees) {
        if (WELCOME_TOKENS * BigInt(payees.length) > supply) break;
        await transferToken(admin, {
          token: fork.token,
          to,
          amount: WELCOME_TOKENS,
          key: `welcome:${fork.token}:${to}`,
        });
        paid.push(to);
      }
    }
    printResult(
      {
        network: net.label,
        economy: fork.economy,
        token: fork.token,
        name: values.name,
        symbol: values.symbol,
        parent: parent.economy,
        forkBlock: fork.block.toString(),
        overrides: Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, String(v)])),
        creatorSupply: formatTokenAmount(supply),
        snapshotRoot: snapshot?.root ?? null,
        snapshotFile,
        funded: paid,
        txHash: fork.hash,
      },
      values.json,
    );
  } finally {
    await net.close();
  }
}
