/**
 * Which network a CLI command works on, and as whom. The settings decide: on the devnet (the default) the command
 * joins the devnet the node (or `flywheel devnet up`) serves from the same data folder, reads its bookkeeping, and
 * sends as the devnet's own accounts (public development keys: a requester funded at the start, the admin for
 * model registrations); on a custom network it sends with the key in the environment variable `--key-env` names.
 */
import { join } from 'node:path';
import { createPublicClient, http, isHex, type Address, type PublicClient } from 'viem';
import { privateKeyToAccount, type LocalAccount } from 'viem/accounts';
import type { Settings } from '#shared/api/settings';
import { FlywheelError } from '#shared/errors';
import type { ActionClient } from '../chain/actions/send';
import { TxManager } from '../chain/tx/manager';
import { devnetAccount } from '../devnet/accounts';
import { readBook, type DevnetBook } from '../devnet/book';
import { devnetLayout } from '../devnet/layout';
import { liveDevnet } from '../devnet/running';
import type { Logger } from '../log';
import { confBackend, createSettingsStore } from '../settings/store';

export interface CliNetwork {
  kind: 'devnet' | 'custom';
  label: string;
  rpcUrl: string;
  chainId: number;
  factory: Address;
  publicClient: PublicClient;
  settings: Settings;
  /** The devnet's bookkeeping (null on a custom network). */
  book: DevnetBook | null;
  /** Who posts jobs: the devnet's CLI requester, or the `--key-env` key. */
  requester(): Promise<ActionClient>;
  /** Who may register models and fork: the devnet's admin, or the `--key-env` key. */
  admin(): Promise<ActionClient>;
  close(): Promise<void>;
}

export function readCliSettings(dataDir: string, log: Logger): Settings {
  return createSettingsStore(() => confBackend(dataDir), log, join(dataDir, 'settings.json')).get();
}

/** The private key in the environment variable `name` (never from the command line, where `ps` shows it). */
export function keyFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): LocalAccount {
  const value = env[name]?.trim();
  if (!value) {
    throw new FlywheelError(`The environment variable ${name} is empty or not set.`, {
      code: 'BAD_INPUT',
      action: `Put the sending account's private key (0x + 64 hex digits) in ${name}.`,
    });
  }
  const hex = (value.startsWith('0x') ? value : `0x${value}`) as `0x${string}`;
  if (!isHex(hex) || hex.length !== 66) {
    throw new FlywheelError(`${name} does not hold a private key (0x + 64 hex digits).`, {
      code: 'BAD_INPUT',
    });
  }
  return privateKeyToAccount(hex);
}

export async function openCliNetwork(options: {
  dataDir: string;
  log: Logger;
  keyEnv?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<CliNetwork> {
  const settings = readCliSettings(options.dataDir, options.log);
  const managers: TxManager[] = [];
  const open = async (
    publicClient: PublicClient,
    account: LocalAccount,
    chainId: number,
    dir: string,
  ): Promise<ActionClient> => {
    const tx = await TxManager.open({
      client: publicClient,
      account,
      dataDir: dir,
      chainId,
      log: options.log,
      pollingIntervalMs: 50,
    });
    managers.push(tx);
    return { publicClient, tx };
  };
  const close = async () => {
    for (const m of managers) await m.close();
  };

  if (settings.network.kind === 'custom') {
    const n = settings.network;
    const publicClient = createPublicClient({
      transport: http(n.rpcUrl),
      pollingInterval: 1000,
    }) as PublicClient;
    const signer = () => {
      if (!options.keyEnv) {
        throw new FlywheelError('On a custom network the CLI needs a key to send with.', {
          code: 'BAD_INPUT',
          action: 'Pass --key-env VAR, with the private key in the environment variable VAR.',
        });
      }
      return keyFromEnv(options.keyEnv, options.env);
    };
    let client: Promise<ActionClient> | null = null;
    const get = () => (client ??= open(publicClient, signer(), n.chainId, join(options.dataDir, 'cli')));
    return {
      kind: 'custom',
      label: n.label,
      rpcUrl: n.rpcUrl,
      chainId: n.chainId,
      factory: n.factory,
      publicClient,
      settings,
      book: null,
      requester: get,
      admin: get,
      close,
    };
  }

  const layout = devnetLayout(options.dataDir);
  const book = readBook(layout.bookFile);
  const running = book ? await liveDevnet(layout.runningFile, book.chainId) : null;
  if (!book || !book.factory || !running) {
    throw new FlywheelError('The devnet is not running.', {
      code: 'UNAVAILABLE',
      action:
        'Start Flywheel (`npm start`) or run `flywheel devnet up` in another terminal, with the same data folder.',
    });
  }
  const publicClient = createPublicClient({
    transport: http(running.rpcUrl),
    pollingInterval: 20,
  }) as PublicClient;
  const clients = new Map<string, Promise<ActionClient>>();
  const as = (role: 'cliRequester' | 'admin') => {
    let c = clients.get(role);
    if (!c) {
      c = open(publicClient, devnetAccount(role), book.chainId, layout.cliActorsDir);
      clients.set(role, c);
    }
    return c;
  };
  return {
    kind: 'devnet',
    label: 'Devnet (local)',
    rpcUrl: running.rpcUrl,
    chainId: book.chainId,
    factory: book.factory,
    publicClient,
    settings,
    book,
    requester: () =>
      options.keyEnv
        ? open(publicClient, keyFromEnv(options.keyEnv, options.env), book.chainId, layout.cliActorsDir)
        : as('cliRequester'),
    admin: () => as('admin'),
    close,
  };
}
