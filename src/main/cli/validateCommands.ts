/**
 * `flywheel validate …`: the validator role from the command line, over the same node and calls the app uses
 * (validator.* in src/shared/api/validator.ts). The checks themselves run in the app or the headless node with the
 * same data folder — or here in the foreground with `flywheel validate run` when no other process runs them.
 */
import { parseArgs } from 'node:util';
import { formatUnits, parseUnits } from 'viem';
import type { CallName, CallParams, CallResult } from '#shared/api';
import type { ValidatorLifecycleResult, ValidatorRisk, ValidatorState } from '#shared/api/validator';
import { FlywheelError } from '#shared/errors';
import { createNode, type FlywheelNode } from '../node';
import { resolveEconomy } from './economyRef';
import { connected, unlock } from './providerCommands';
import { untilInterrupted } from './interrupt';
import { nodeCall, nodeOptions } from './nodeCommand';

const USAGE = `flywheel validate [status|start|stop|run|config|join|add-bond|exit|withdraw|risk] [--json]
  status                         what this node validates, its latest checks with their evidence, its earnings
  start | stop                   turn checking on or off (challenges and votes begun are finished either way)
  run                            check in the foreground (when no app or headless node runs the checks)
  config [--sample-rate 0.2] [--jobs-per-hour 60] [--engine-share 10]
  join <economy> <bond>          bond as a validator (or add to the bond)
  add-bond <economy> <amount>    add to the validator bond
  exit <economy>                 stop validating there and start unbonding
  withdraw <economy>             withdraw the validator bond after unbonding
  risk <economy> [--bond N]      what a wrong vote or challenge costs there, and what validating earns`;

export const VALIDATE_HELP = `  validate   check other providers' results as a validator (flywheel validate --help)\n`;

export function isValidateCommand(name: string | undefined): boolean {
  return name === 'validate';
}

const WRITES = new Set(['start', 'stop', 'run', 'join', 'add-bond', 'exit', 'withdraw']);

/** Runs `flywheel validate <sub> …` against the data folder's node. */
export async function runValidateCommand(argv: string[], defaultDataDir: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...nodeOptions,
      'sample-rate': { type: 'string' },
      'jobs-per-hour': { type: 'string' },
      'engine-share': { type: 'string' },
      bond: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [sub = 'status', ...args] = positionals;
  if (values.help) {
    process.stdout.write(`Usage: ${USAGE}\n`);
    return 0;
  }
  const known = ['status', 'start', 'stop', 'run', 'config', 'join', 'add-bond', 'exit', 'withdraw', 'risk'];
  if (!known.includes(sub)) {
    throw new FlywheelError(`Unknown validate command "${sub}".`, {
      code: 'BAD_INPUT',
      action: 'See `flywheel validate --help`.',
    });
  }
  const node = await createNode({
    dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir,
    shell: 'cli',
    consoleLogLevel: 'silent',
    takeJobs: sub === 'run',
  });
  try {
    await connected(node);
    if (WRITES.has(sub)) await unlock(node);
    const call = nodeCall(node);
    const economy = async (ref: string | undefined) => {
      if (!ref)
        throw new FlywheelError('Name the economy (its name, symbol or address).', { code: 'BAD_INPUT' });
      return resolveEconomy(node.onchain.chain.client(), node.onchain.chain.endpoint!.factory, ref);
    };
    const tokens = (raw: string | undefined, decimals: number, what: string) => {
      if (!raw || !/^\d+(\.\d+)?$/.test(raw)) {
        throw new FlywheelError(`${what} must be a number of tokens, like 150 or 12.5.`, {
          code: 'BAD_INPUT',
        });
      }
      return parseUnits(raw, decimals).toString();
    };
    const out = (result: unknown, text: string) =>
      process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : text);
    switch (sub) {
      case 'status':
        out(...withText(await call('validator.get', {})));
        break;
      case 'start':
        out(...withText(await call('validator.start', {})));
        break;
      case 'stop':
        out(...withText(await call('validator.stop', {})));
        break;
      case 'config': {
        const num = (raw: string | boolean | undefined, what: string) => {
          if (raw === undefined) return undefined;
          const n = Number(raw);
          if (typeof raw !== 'string' || !Number.isFinite(n)) {
            throw new FlywheelError(`${what} must be a number.`, { code: 'BAD_INPUT' });
          }
          return n;
        };
        const patch = {
          sampleRate: num(values['sample-rate'], '--sample-rate'),
          jobsPerHour: num(values['jobs-per-hour'], '--jobs-per-hour'),
          maxEngineSharePct: num(values['engine-share'], '--engine-share'),
        };
        out(
          ...withText(
            await call(
              'validator.configure',
              Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
            ),
          ),
        );
        break;
      }
      case 'join':
      case 'add-bond': {
        const e = await economy(args[0]);
        const amount = tokens(args[1], e.decimals, sub === 'join' ? 'The bond' : 'The amount');
        const r =
          sub === 'join'
            ? await call('validator.join', { economy: e.economy, bond: amount })
            : await call('validator.addBond', { economy: e.economy, amount });
        out(r, lifecycleText(r));
        break;
      }
      case 'exit':
      case 'withdraw': {
        const e = await economy(args[0]);
        const r = await call(sub === 'exit' ? 'validator.exit' : 'validator.withdrawBond', {
          economy: e.economy,
        });
        out(r, lifecycleText(r));
        break;
      }
      case 'risk': {
        const e = await economy(args[0]);
        const bond = typeof values.bond === 'string' ? tokens(values.bond, e.decimals, '--bond') : undefined;
        const r = await call('validator.risk', { economy: e.economy, ...(bond ? { bond } : {}) });
        out(r, riskText(r));
        break;
      }
      case 'run':
        await runInForeground(node, call, values.json === true);
        break;
    }
    return 0;
  } finally {
    await node.close();
  }
}

/** Checks here until Ctrl-C, printing each check as it is judged. */
async function runInForeground(
  node: FlywheelNode,
  call: <N extends CallName>(n: N, params: CallParams<N>) => Promise<CallResult<N>>,
  json: boolean,
): Promise<void> {
  const state = await call('validator.start', {});
  process.stderr.write(`${stateText(state)}Checking results; Ctrl-C stops.\n`);
  const said = new Set<string>();
  const off = node.events.subscribe((m) => {
    if (m.name !== 'validator.changed') return;
    for (const c of m.payload.checks) {
      const key = `${c.economy}:${c.jobId}:${c.verdict}:${c.action}:${c.outcome}`;
      if (said.has(key)) continue;
      said.add(key);
      process.stdout.write(json ? JSON.stringify(c) + '\n' : checkLine(c) + '\n');
    }
  });
  await untilInterrupted();
  off();
}

function withText(s: ValidatorState): [ValidatorState, string] {
  return [s, stateText(s)];
}

function stateText(s: ValidatorState): string {
  const lines = [
    `validator ${s.status}${s.reason ? ` (${s.reason})` : ''}; sample ${Math.round(s.config.sampleRate * 100)} %, ` +
      `at most ${s.config.jobsPerHour} re-runs/hour and ${s.config.maxEngineSharePct} % of the engine`,
    `checked ${s.stats.checked} (${s.stats.valid} valid, ${s.stats.invalid} invalid), skipped ${s.stats.skipped}; ` +
      `${s.stats.checkedLastHour} in the last hour; ${s.stats.challenges} challenges, ${s.stats.votes} votes`,
  ];
  for (const e of s.economies) {
    const t = (v: string) => `${formatUnits(BigInt(v), e.decimals)} ${e.symbol}`;
    lines.push(
      `${e.name}: ${e.standing}, bond ${t(e.bond)} (locked ${t(e.locked)}), earned ${t(e.earned)}, lost ${t(e.lost)}`,
    );
  }
  for (const c of s.checks.slice(0, 10)) lines.push(`  ${checkLine(c)}`);
  return lines.join('\n') + '\n';
}

function checkLine(c: ValidatorState['checks'][number]): string {
  const what = c.evidence ? c.evidence.summary : (c.reason ?? c.verdict);
  const where = c.evidence ? ` [${c.evidence.device}, ${c.evidence.executionProvider}]` : '';
  const did = c.action === 'none' ? '' : `; ${c.action}${c.outcome ? ` (${c.outcome})` : ''}`;
  return `job ${c.jobId}: ${c.verdict} - ${what}${where}${did}`;
}

function lifecycleText(r: ValidatorLifecycleResult): string {
  const e = r.economy;
  const t = (v: string) => `${formatUnits(BigInt(v), e.decimals)} ${e.symbol}`;
  const lines = [`${e.name}: ${e.standing}, bond ${t(e.bond)} (locked ${t(e.locked)})`];
  if (e.unbondingEndsAt) lines.push(`unbonds ${new Date(e.unbondingEndsAt * 1000).toISOString()}`);
  for (const tx of r.txs) lines.push(`tx ${tx.label}: ${tx.hash}`);
  return lines.join('\n') + '\n';
}

function riskText(r: ValidatorRisk): string {
  return r.lines.join('\n') + '\n';
}
