/**
 * `flywheel <command>`: the provider node from a terminal. Later issues add the provider and requester commands;
 * this file only routes.
 */
import { parseArgs } from 'node:util';
import { FlywheelError } from '#shared/errors';
import { createNode } from '../node';
import { defaultDataDir } from '../paths';
import { isNetworkCommand, NETWORK_HELP, runNetworkCommand } from './networkCommands';
import { nodeOptions } from './nodeCommand';
import { isProviderCommand, PROVIDER_HELP, runProviderCommand } from './providerCommands';
import { isUnattendedCommand, runUnattendedCommand, UNATTENDED_HELP } from './unattendedCommands';
import {
  formatHardware,
  formatStatus,
  hardwareNow,
  HARDWARE_HELP,
  STATUS_HELP,
  statusNow,
} from './statusCommands';
import { isValidateCommand, runValidateCommand, VALIDATE_HELP } from './validateCommands';

const HELP = `Usage: flywheel <command> [--json] [--data-dir DIR]

Commands:
  status     node status: network and whether it is connected, data folder, version
  hardware   detected GPUs, CPU and memory, and the execution provider each device runs on
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
      ...nodeOptions,
      'no-probe': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [command = 'help'] = positionals;
  const commandHelp: Record<string, string> = { status: STATUS_HELP, hardware: HARDWARE_HELP };
  if (command === 'help' || (values.help && !commandHelp[command])) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.help) {
    process.stdout.write(commandHelp[command]!);
    return 0;
  }
  if (!commandHelp[command])
    throw new FlywheelError(`Unknown command "${command}".`, { code: 'BAD_INPUT', action: HELP });
  const node = await createNode({
    dataDir: values['data-dir'] ?? defaultDataDir(),
    shell: 'cli',
    consoleLogLevel: 'silent',
  });
  try {
    if (command === 'status') {
      const status = await statusNow(node);
      process.stdout.write(values.json ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status));
    } else {
      const report = await hardwareNow(node, !values['no-probe']);
      process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatHardware(report));
    }
    return 0;
  } finally {
    await node.close();
  }
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
