/**
 * The provider's CLI commands, over the same node the app runs (createNode with shell `cli`): `economies`,
 * `provide`, `stop`, `join`, `exit`, `jobs`, `earnings`, `withdraw`. Each is an entry of `commands` (usage,
 * options, whether it sends transactions, what it calls); main.ts only routes here. The CLI node joins the
 * network of the data folder (the running devnet, or the custom network in the settings) and takes no jobs — except
 * `provide`, which keeps running in the foreground when no other process takes jobs with that data folder.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatUnits, parseUnits, type Address } from 'viem';
import type {
  EarningsReport,
  EconomySummary,
  JobSummary,
  LifecycleResult,
  ProviderState,
  WithdrawQuote,
} from '#shared/api';
import type { CallName, CallParams, CallResult } from '#shared/api';
import { FlywheelError } from '#shared/errors';
import { createNode, type FlywheelNode } from '../node';
import { findUnattendedPassphrase } from '../wallet/unlockSources';
import { resolveEconomy } from './economyRef';
import { untilInterrupted } from './interrupt';
import { nodeCall, nodeOptions } from './nodeCommand';

type Values = Record<string, string | boolean | undefined>;

interface Ctx {
  node: FlywheelNode;
  values: Values;
  positionals: string[];
  call<N extends CallName>(name: N, params: CallParams<N>): Promise<CallResult<N>>;
  economy(ref: string): Promise<{ economy: Address; symbol: string; decimals: number }>;
}

interface ProviderCommand {
  usage: string;
  options?: ParseArgsConfig['options'];
  /** Sends transactions: needs the wallet unlocked. */
  writes?: boolean;
  /** Runs the job loop in this process (in the foreground) when no other process does. */
  takesJobs?: boolean;
  run(ctx: Ctx): Promise<unknown>;
  /** Human-readable output; JSON with --json. */
  print(result: never): string;
}

const amount = (raw: string | boolean | undefined, decimals: number, what: string): bigint => {
  if (typeof raw !== 'string' || !/^\d+(\.\d+)?$/.test(raw)) {
    throw new FlywheelError(`${what} must be a number of tokens, like 150 or 12.5.`, { code: 'BAD_INPUT' });
  }
  return parseUnits(raw, decimals);
};

const tokens = (v: string, decimals: number, symbol: string) =>
  `${formatUnits(BigInt(v), decimals)} ${symbol}`;

function table(rows: string[][]): string {
  if (!rows.length) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function membershipLine(r: LifecycleResult): string {
  const m = r.membership;
  const lines = [`status   ${m.status}`, `bond     ${m.bond} (locked ${m.locked})`];
  if (m.unbondingEndsAt) lines.push(`unbonds  ${new Date(m.unbondingEndsAt * 1000).toISOString()}`);
  for (const tx of r.txs) lines.push(`tx       ${tx.label}: ${tx.hash}`);
  return lines.join('\n') + '\n';
}

function stateLine(s: ProviderState): string {
  return (
    `${s.status}${s.reason ? ` (${s.reason})` : ''}; serving ${s.serving.length} economies; ` +
    `slots ${s.slots.busy}/${s.slots.total}\n`
  );
}

export const commands: Record<string, ProviderCommand> = {
  economies: {
    usage:
      'flywheel economies [--json]          every economy (genesis and forks) with its stats and your standing',
    run: ({ call }) => call('economies.list', {}),
    print: (list: EconomySummary[]) =>
      table([
        [
          'ECONOMY',
          'SYMBOL',
          'ADDRESS',
          'FORK OF',
          'MIN BOND',
          'MEDIAN FEE',
          'JOBS/24H',
          'PROVIDERS',
          'YOU',
          'YOUR BOND',
        ],
        ...list.map((e) => [
          e.name,
          e.token.symbol,
          e.economy,
          e.parent ? (list.find((p) => p.economy === e.parent)?.name ?? e.parent) : '-',
          formatUnits(BigInt(e.params.minBond), e.token.decimals),
          e.stats.medianFee === null ? '-' : formatUnits(BigInt(e.stats.medianFee), e.token.decimals),
          String(e.stats.jobsLast24h),
          String(e.stats.activeProviders),
          e.membership.status,
          formatUnits(BigInt(e.membership.bond), e.token.decimals),
        ]),
      ]),
  },
  provide: {
    usage:
      'flywheel provide [--json]            turn providing on; takes jobs here (Ctrl-C to leave) unless the app does',
    writes: true,
    takesJobs: true,
    run: ({ call }) => call('provider.start', {}),
    print: (s: ProviderState) => stateLine(s),
  },
  stop: {
    usage: 'flywheel stop [--json]               turn providing off: paused on-chain, running jobs finish',
    writes: true,
    run: ({ call }) => call('provider.stop', {}),
    print: (s: ProviderState) => stateLine(s),
  },
  join: {
    usage: 'flywheel join <economy> --bond <tokens> [--json]   register with a bond (or add to it)',
    options: { bond: { type: 'string' } },
    writes: true,
    async run({ call, economy, positionals, values }) {
      const e = await economy(need(positionals[0], 'join <economy>'));
      return call('provider.join', {
        economy: e.economy,
        bond: amount(values.bond, e.decimals, '--bond').toString(),
      });
    },
    print: membershipLine,
  },
  exit: {
    usage: 'flywheel exit <economy> [--json]     leave: the bond unbonds over the economy’s unbonding period',
    writes: true,
    async run({ call, economy, positionals }) {
      const e = await economy(need(positionals[0], 'exit <economy>'));
      return call('provider.exit', { economy: e.economy });
    },
    print: membershipLine,
  },
  jobs: {
    usage:
      'flywheel jobs [--economy E] [--all] [--limit N] [--json]   your jobs (or everyone’s), newest first',
    options: {
      economy: { type: 'string' },
      all: { type: 'boolean', default: false },
      limit: { type: 'string' },
    },
    async run({ call, economy, values }) {
      const e = typeof values.economy === 'string' ? await economy(values.economy) : null;
      const limit = typeof values.limit === 'string' ? Number(values.limit) : 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new FlywheelError('--limit must be a whole number from 1 to 500.', { code: 'BAD_INPUT' });
      }
      return call('jobs.list', { ...(e ? { economy: e.economy } : {}), mine: !values.all, limit });
    },
    print: (jobs: JobSummary[]) =>
      table([
        ['ECONOMY', 'JOB', 'KIND', 'STATUS', 'THIS NODE', 'FEE', 'MODEL'],
        ...jobs.map((j) => [
          j.economyName,
          j.jobId,
          j.kind,
          j.status,
          j.local ? `${j.local.step}${j.local.declineReason ? ` ${j.local.declineReason}` : ''}` : '-',
          `${formatUnits(BigInt(j.fee), 18)} ${j.tokenSymbol}`,
          j.modelName ?? `${j.modelHash.slice(0, 10)}…`,
        ]),
      ]),
  },
  earnings: {
    usage:
      'flywheel earnings [--json]           bonded, pending, claimable and withdrawn, per economy and per token',
    run: ({ call }) => call('earnings.get', {}),
    print: (r: EarningsReport) =>
      table([
        ['ECONOMY', 'BONDED', 'LOCKED', 'PENDING', 'CLAIMABLE', 'WITHDRAWN', 'LIFETIME', 'SLASHED'],
        ...r.economies.map((e) => {
          const t = (v: string) => tokens(v, e.token.decimals, e.token.symbol);
          return [
            e.economyName,
            t(e.bonded),
            t(e.locked),
            t(e.pending),
            t(e.claimable),
            t(e.withdrawn),
            t(e.lifetime),
            t(e.slashed),
          ];
        }),
      ]) + `payout address: ${r.payoutAddress ?? 'the wallet'}\n`,
  },
  withdraw: {
    usage:
      'flywheel withdraw [<economy>|all] [--force] [--json]   claimable tokens to the payout address; skips what gas would eat unless --force',
    options: { force: { type: 'boolean', default: false } },
    writes: true,
    async run({ call, economy, positionals, values }) {
      const ref = positionals[0] ?? 'all';
      const target = ref === 'all' ? 'all' : (await economy(ref)).economy;
      const quotes = await call('earnings.quote', { economy: target });
      const sent = await call('earnings.withdraw', { economy: target, force: values.force === true });
      return { quotes, ...sent };
    },
    print: (r: { quotes: WithdrawQuote[]; txs: { economy: Address; amount: string; hash: string }[] }) =>
      r.quotes.map((q) => `${q.economy}: ${q.advice}\n`).join('') +
      (r.txs.length
        ? r.txs.map((t) => `sent ${t.amount} from ${t.economy}: ${t.hash}\n`).join('')
        : 'nothing sent\n'),
  },
};

export const PROVIDER_HELP = Object.values(commands)
  .map((c) => `  ${c.usage.replace(/^flywheel /, '')}\n`)
  .join('');

export function isProviderCommand(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(commands, name);
}

function need(value: string | undefined, usage: string): string {
  if (!value) throw new FlywheelError(`Name the economy: flywheel ${usage}.`, { code: 'BAD_INPUT' });
  return value;
}

/** Runs `flywheel <name> …` against the data folder's node. */
export async function runProviderCommand(
  name: string,
  argv: string[],
  defaultDataDir: string,
): Promise<number> {
  const command = commands[name]!;
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...nodeOptions,
      ...command.options,
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`Usage: ${command.usage}\n`);
    return 0;
  }
  const node = await createNode({
    dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir,
    shell: 'cli',
    consoleLogLevel: 'silent',
    takeJobs: command.takesJobs === true,
  });
  try {
    await connected(node);
    if (command.writes) await unlock(node);
    const call: Ctx['call'] = nodeCall(node);
    const economy = async (ref: string) => {
      const endpoint = node.onchain.chain.endpoint!;
      const e = await resolveEconomy(node.onchain.chain.client(), endpoint.factory, ref);
      return { economy: e.economy, symbol: e.symbol, decimals: e.decimals };
    };
    const result = await command.run({
      node,
      values: values as Values,
      positionals: positionals.slice(0),
      call,
      economy,
    });
    process.stdout.write(
      values.json ? JSON.stringify(result, null, 2) + '\n' : command.print(result as never),
    );
    // `provide` stays here taking jobs, unless another process (the app) already does for this data folder.
    if (command.takesJobs && node.onchain.provider.otherProcess === null)
      await runInForeground(node, values.json === true);
    return 0;
  } finally {
    await node.close();
  }
}

/** Waits for the node's chain: the running devnet of this data folder, or the custom network in its settings. */
export async function connected(node: FlywheelNode, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const sync = node.onchain.feed.sync;
    if (node.onchain.chain.connected && sync && sync.head !== null) return;
    const phase = node.status().phase;
    if (phase.state === 'failed' || Date.now() > end) {
      throw new FlywheelError('Not connected to a chain.', {
        code: 'UNAVAILABLE',
        action:
          node.settings.get().network.kind === 'devnet'
            ? 'Start Flywheel (`npm start`) or `flywheel devnet up` with the same data folder first.'
            : 'Check the RPC URL of the custom network in the settings.',
        ...(phase.error ? { details: phase.error } : {}),
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Commands that send need the key: a passphrase keystore is opened with the passphrase from FLYWHEEL_PASSPHRASE_FILE,
 * FLYWHEEL_PASSPHRASE or the OS keychain (`flywheel keychain save`), as the headless shell does at start.
 */
export async function unlock(node: FlywheelNode): Promise<void> {
  const info = node.wallet.info();
  if (!info.exists) {
    throw new FlywheelError('There is no wallet in this data folder.', {
      code: 'NOT_FOUND',
      action: 'Create or import one in the app (Settings → Wallet) first.',
    });
  }
  if (!info.locked) return;
  const found =
    info.protection === 'passphrase' && info.address
      ? await findUnattendedPassphrase({ address: info.address })
      : null;
  if (!found) {
    throw new FlywheelError('The wallet is locked.', {
      code: 'WALLET_LOCKED',
      action:
        info.protection === 'passphrase'
          ? 'Put its passphrase in the environment variable FLYWHEEL_PASSPHRASE (or a 0600 file named by ' +
            'FLYWHEEL_PASSPHRASE_FILE, or the OS keychain with `flywheel keychain save`).'
          : 'It is sealed by the desktop app’s OS keychain: use the app, or export a keystore for the CLI.',
    });
  }
  await node.wallet.unlock(found.passphrase, found.source);
}

/** `provide` in the foreground: one line per job step until Ctrl-C (running jobs finish first). */
async function runInForeground(node: FlywheelNode, json: boolean): Promise<void> {
  process.stderr.write('Taking jobs here; Ctrl-C stops this process (the switch stays on).\n');
  const off = node.events.subscribe((m) => {
    if (m.name !== 'jobs.updated' || !m.payload.mine || !m.payload.local) return;
    const j = m.payload;
    process.stdout.write(
      json
        ? JSON.stringify({ job: j.key, status: j.status, step: j.local!.step }) + '\n'
        : `${new Date().toISOString()}  ${j.economyName} job ${j.jobId}: ${j.status}` +
            // The node's step where it says more than the chain's status (not "Finalized, finalized").
            `${j.local!.step === j.status.toLowerCase() ? '' : `, ${j.local!.step}`}` +
            `${j.local!.declineReason ? ` (${j.local!.declineReason})` : ''}\n`,
    );
  });
  await untilInterrupted();
  off();
}
