/**
 * `flywheel deploy`: the economy contracts on any EVM chain — the shared implementations and the factory, then a
 * genesis economy with the production parameters of chain/presets.ts (or overrides). Prints the network settings
 * to use.
 */
import { parseArgs } from 'node:util';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  formatEther,
  http,
  type PublicClient,
} from 'viem';
import { FlywheelError } from '#shared/errors';
import { createGenesis, deployFactory, toEconomyParams } from '../chain/deploy';
import { formatTokenAmount, parseParamOverrides, parseTokenAmount, productionParams } from '../chain/presets';
import type { CommandContext } from './jobCommands';
import { keyFromEnv } from './network';
import { printResult, progress } from './output';

export const DEPLOY_HELP = `Usage:
  flywheel deploy --rpc <url> --key-env VAR [--name <name>] [--symbol <SYM>] [--param name=value …]
                  [--supply <tokens>] [--label <network name>] [--json]

Deploys the economy contracts (implementations + factory) and a genesis economy to the chain at --rpc, paying gas
from the account whose private key is in the environment variable VAR (never on the command line). Parameters
default to the production values (challenge window 24 h, unbonding 7 days, …); --param changes one. The
deployer becomes the genesis economy's admin and receives --supply tokens (default 1,000,000).
`;

export async function deployCommand(argv: string[], _ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rpc: { type: 'string' },
      'key-env': { type: 'string' },
      name: { type: 'string', default: 'Flywheel' },
      symbol: { type: 'string', default: 'FLY' },
      param: { type: 'string', multiple: true, default: [] },
      supply: { type: 'string', default: '1000000' },
      label: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.rpc || !/^https?:\/\//.test(values.rpc)) {
    throw new FlywheelError('--rpc must be the chain’s http(s) JSON-RPC URL.', {
      code: 'BAD_INPUT',
      action: DEPLOY_HELP,
    });
  }
  if (!values['key-env'])
    throw new FlywheelError('--key-env is required.', { code: 'BAD_INPUT', action: DEPLOY_HELP });
  const account = keyFromEnv(values['key-env']);
  const params = { ...productionParams, ...parseParamOverrides(values.param) };
  const supply = parseTokenAmount(values.supply, 18, 'supply');

  const probe = createPublicClient({ transport: http(values.rpc) });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (err) {
    throw new FlywheelError(`Nothing answers JSON-RPC at ${values.rpc}.`, { code: 'RPC_FAILED', cause: err });
  }
  const chain = defineChain({
    id: chainId,
    name: values.label ?? `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [values.rpc] } },
  });
  const publicClient = createPublicClient({
    chain,
    transport: http(values.rpc),
    pollingInterval: 500,
  }) as PublicClient;
  const walletClient = createWalletClient({
    chain,
    transport: http(values.rpc),
    account,
    pollingInterval: 500,
  });
  const balance = await publicClient.getBalance({ address: account.address });
  if (balance === 0n) {
    throw new FlywheelError(`${account.address} has no gas on chain ${chainId}.`, {
      code: 'BAD_INPUT',
      action: 'Fund it from a faucet of that network first.',
    });
  }
  progress(`Deploying from ${account.address} (${formatEther(balance)} of gas) on chain ${chainId}`);
  const startBlock = await publicClient.getBlockNumber();
  progress('Deploying the implementations and the factory…');
  const deployment = await deployFactory({ publicClient, walletClient });
  progress(`Creating the genesis economy ${values.name} (${values.symbol})…`);
  const genesis = await createGenesis(
    { publicClient, walletClient },
    { factory: deployment.factory, params, name: values.name, symbol: values.symbol, creatorSupply: supply },
  );
  const gas = Object.values(deployment.gasUsed).reduce((a, b) => a + b, 0n) + genesis.gasUsed;
  const label = values.label ?? `Chain ${chainId}`;
  printResult(
    {
      chainId,
      rpcUrl: values.rpc,
      factory: deployment.factory,
      factoryBlock: startBlock.toString(),
      genesis: genesis.economy,
      token: genesis.token,
      name: values.name,
      symbol: values.symbol,
      admin: account.address,
      creatorSupply: formatTokenAmount(supply),
      gasUsed: gas.toString(),
      params: toEconomyParams(params),
      settings: {
        network: {
          kind: 'custom',
          label,
          rpcUrl: values.rpc,
          chainId,
          factory: deployment.factory,
          blobStore: { kind: 'local' },
        },
      },
    },
    values.json,
  );
  if (!values.json) {
    progress('Use it: Settings → Network → Custom EVM network with the RPC URL, chain id and factory above.');
  }
}
