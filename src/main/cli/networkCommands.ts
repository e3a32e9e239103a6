/**
 * The CLI commands that work on a network rather than on the node: the requester's (`job`), forking (`fork`), the
 * devnet's (`devnet`) and deploying contracts (`deploy`). Each parses its own options; main.ts only routes here.
 */
import { join } from 'node:path';
import { FlywheelError } from '#shared/errors';
import { LogSink } from '../log';
import { deployCommand, DEPLOY_HELP } from './deployCommand';
import { devnetCommand, DEVNET_HELP } from './devnetCommands';
import { forkCreateCommand, FORK_HELP } from './forkCommand';
import {
  jobCancelCommand,
  jobGetCommand,
  jobPostCommand,
  JOB_HELP,
  type CommandContext,
} from './jobCommands';

export const NETWORK_HELP = `  job        post a job, read one back with its output, or cancel one (job post, job get, job cancel)
  fork       fork an economy with other parameters (fork create)
  devnet     the embedded devnet (devnet up, down, reset, status)
  deploy     deploy the contracts and a genesis economy to any EVM chain
`;

type Command = (argv: string[], ctx: CommandContext) => Promise<void>;

const commands: Record<string, { help: string; run: Command }> = {
  job: {
    help: JOB_HELP,
    run: (argv, ctx) => {
      const [sub, ...rest] = argv;
      if (sub === 'post') return jobPostCommand(rest, ctx);
      if (sub === 'get') return jobGetCommand(rest, ctx);
      if (sub === 'cancel') return jobCancelCommand(rest, ctx);
      throw new FlywheelError(`Unknown job command "${sub ?? ''}".`, { code: 'BAD_INPUT', action: JOB_HELP });
    },
  },
  fork: {
    help: FORK_HELP,
    run: (argv, ctx) => {
      const [sub, ...rest] = argv;
      if (sub === 'create') return forkCreateCommand(rest, ctx);
      throw new FlywheelError(`Unknown fork command "${sub ?? ''}".`, {
        code: 'BAD_INPUT',
        action: FORK_HELP,
      });
    },
  },
  devnet: { help: DEVNET_HELP, run: devnetCommand },
  deploy: { help: DEPLOY_HELP, run: deployCommand },
};

export function isNetworkCommand(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(commands, name);
}

/**
 * Runs `flywheel <name> …`. `--data-dir DIR` may come anywhere; `--help` prints the command's usage.
 */
export async function runNetworkCommand(
  name: string,
  argv: string[],
  defaultDataDir: string,
): Promise<number> {
  const command = commands[name]!;
  const args = [...argv];
  let dataDir = defaultDataDir;
  const at = args.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  if (at >= 0) {
    const arg = args[at]!;
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[at + 1];
    if (!value) throw new FlywheelError('--data-dir needs a folder.', { code: 'BAD_INPUT' });
    args.splice(at, arg.includes('=') ? 1 : 2);
    dataDir = value;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(command.help);
    return 0;
  }
  // Transaction details go to the data folder's cli.log; errors also to stderr.
  const log = new LogSink({ file: join(dataDir, 'logs', 'cli.log'), consoleLevel: 'error' }).logger('cli');
  await command.run(args, { dataDir, log });
  return 0;
}
