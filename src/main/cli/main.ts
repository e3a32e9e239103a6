/**
 * `flywheel <command>`: the provider node from a terminal. Later issues add the provider and requester commands;
 * this file only routes.
 */
import { parseArgs } from 'node:util';
import { FlywheelError } from '../../shared/errors';
import { createNode } from '../node';
import { defaultDataDir } from '../paths';
import { isNetworkCommand, NETWORK_HELP, runNetworkCommand } from './networkCommands';
import { isProviderCommand, PROVIDER_HELP, runProviderCommand } from './providerCommands';
import { isUnattendedCommand, runUnattendedCommand, UNATTENDED_HELP } from './unattendedCommands';
import { isValidateCommand, runValidateCommand, VALIDATE_HELP } from './validateCommands';

const HELP = `Usage: flywheel <command> [--json] [--data-dir DIR]

Commands:
  status     node status (network, data folder, version)
  hardware   detected GPUs, CPU and memory
${PROVIDER_HELP}${VALIDATE_HELP}${NETWORK_HELP}${UNATTENDED_HELP}  help       this text

\`flywheel <command> --help\` shows a command's options.
`;

async function main(argv: string[]): Promise<number> {
  if (isNetworkCommand(argv[0])) return runNetworkCommand(argv[0]!, argv.slice(1), defaultDataDir());
  if (isProviderCommand(argv[0])) return runProviderCommand(argv[0]!, argv.slice(1), defaultDataDir());
  if (isUnattendedCommand(argv[0])) return runUnattendedCommand(argv[0]!, argv.slice(1), defaultDataDir());
  if (isValidateCommand(argv[0])) return runValidateCommand(argv.slice(1), defaultDataDir());
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [command = 'help'] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const node = await createNode({
    dataDir: values['data-dir'] ?? defaultDataDir(),
    shell: 'cli',
    consoleLogLevel: 'silent',
  });
  try {
    const call = { status: 'node.status', hardware: 'hardware.get' } as const;
    const name = call[command as keyof typeof call];
    if (!name) throw new FlywheelError(`Unknown command "${command}".`, { code: 'BAD_INPUT', action: HELP });
    const envelope = await node.dispatch(name, {}, { bridge: 'cli' });
    if (!envelope.ok) throw new FlywheelError(envelope.error.shortMessage, envelope.error);
    process.stdout.write(
      values.json ? JSON.stringify(envelope.result, null, 2) + '\n' : pretty(envelope.result),
    );
    return 0;
  } finally {
    await node.close();
  }
}

function pretty(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return `${String(value)}\n`;
  let out = '\n';
  for (const [k, v] of Object.entries(value)) {
    out += `${indent}${k}: ${typeof v === 'object' && v !== null ? pretty(v, indent + '  ') : `${String(v)}\n`}`;
  }
  return indent === '' ? out.slice(1) : out;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof FlywheelError) {
      process.stderr.write(`flywheel: ${err.shortMessage}\n${err.action ? err.action + '\n' : ''}`);
    } else {
      process.stderr.write(`flywheel: ${(err as Error).message}\n`);
    }
    process.exit(1);
  },
);
