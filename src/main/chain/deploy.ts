/**
 * Deploying the economy contracts with viem: the shared implementations and the factory (once per chain) and a
 * genesis economy. Used by the devnet and the deploy CLI; tested against a real anvil. A fork of an economy is a
 * transaction like any other: `actions/createFork.ts`.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  decodeEventLog,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from 'viem';
import { FlywheelError } from '#shared/errors';
import { isAmountParam, paramFields } from './paramFields';
import { contractErrorWords, rawErrorText } from './tx/contractErrors';
import type { EconomyParamSet, EconomyParams } from '#shared/api/economies';
import {
  economyAbi,
  economyBytecode,
  economyFactoryAbi,
  economyFactoryBytecode,
  economyModuleAbi,
  economyModuleBytecode,
  economyTokenAbi,
  economyTokenBytecode,
  economyViewsAbi,
  economyViewsBytecode,
} from './artifacts';

/**
 * The Solidity `Params` struct as viem reads and writes it: amounts (uint96) as bigint, the rest (at most 32 bits)
 * as number. Its fields are `economyParamKinds` (src/shared/api/economies.ts).
 */
export type ChainParams = EconomyParamSet<bigint>;

/** Field order of `Params` (paramFields.ts): bit i of a fork's override mask is field i. */
export { paramFields };

const TOKEN = 10n ** 18n;

/**
 * The suggested devnet parameters (README, Contracts, "Parameters"): minBond 100, collateral max(2 × fee, 5), accept
 * window 20 s, minimum deadline 30 s, challenge and vote windows 60 s, protocol fee 5 %, timeout slash half to the
 * requester, jail after 3 strikes for 5 min, unbonding 5 min, 10-min epochs of 1,000 tokens with a bonus that starts
 * at +100 % and fades over the first hour. Challenge bond 10, half of a lost challenge's slash burned, refund after
 * 3 declines. Jobs pay at least 0.1 token; a vote counts with 30 % of the validator stake, each voter risks 10 % of
 * its weight, and half of a loser's slash (after the burn) goes to the winning party; an unrevealed challenge
 * commitment forfeits 20 % of the challenge bond.
 *
 * The jail cool-down is 5 min, not the 10 first suggested: the contract requires unbondingPeriodS ≥ max(2 ×
 * voteWindowS, jailCooldownS), so that an exit cannot cut a jail short, and the 5-min unbonding stays.
 */
export const devnetParams: ChainParams = {
  minBond: 100n * TOKEN,
  minCollateral: 5n * TOKEN,
  collateralFeeMultipleBps: 20_000,
  acceptWindowS: 20,
  minDeadlineS: 30,
  challengeWindowS: 60,
  voteWindowS: 60,
  protocolFeeBps: 500,
  requesterSlashShareBps: 5_000,
  slashBurnBps: 5_000,
  jailStrikes: 3,
  jailCooldownS: 300,
  unbondingPeriodS: 300,
  epochLengthS: 600,
  emissionPerEpoch: 1_000n * TOKEN,
  bootstrapEpochs: 6,
  bootstrapBonusBps: 10_000,
  maxDeclines: 3,
  validatorMinBond: 100n * TOKEN,
  challengeBond: 10n * TOKEN,
  minFee: TOKEN / 10n,
  quorumBps: 3_000,
  voteSlashBps: 1_000,
  winnerShareBps: 5_000,
  commitFeeBps: 2_000,
};

/** The app's view of an economy's parameters (src/shared/api/economies.ts) from the chain's: amounts as strings. */
export function toEconomyParams(p: ChainParams): EconomyParams {
  return Object.fromEntries(
    paramFields.map((f) => [f, isAmountParam(f) ? p[f].toString() : p[f]]),
  ) as EconomyParams;
}

/** Clients for deploying: a public client to read and wait, a wallet client with an account to send. */
export interface DeployClients {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
}

/** Addresses of the shared implementations and the factory, and the gas each deployment used. */
export interface FactoryDeployment {
  factory: Address;
  economyImplementation: Address;
  moduleImplementation: Address;
  viewsImplementation: Address;
  tokenImplementation: Address;
  gasUsed: { views: bigint; module: bigint; economy: bigint; token: bigint; factory: bigint };
}

export interface CreatedEconomy {
  economy: Address;
  token: Address;
  /** Block the economy was created in. */
  block: bigint;
  txHash: Hash;
  gasUsed: bigint;
}

/**
 * Deploys {EconomyViews}, {EconomyModule} (pointing at it), {Economy} (pointing at the module), {EconomyToken} and
 * {EconomyFactory}: once per chain; every economy afterwards is a pair of clones. An economy forwards what it does
 * not define to the module, and the module its views to {EconomyViews}, each by delegatecall: one address serves all
 * three, which keeps each under the contract size limit.
 */
export async function deployFactory(clients: DeployClients): Promise<FactoryDeployment> {
  const views = await deployContract(clients, 'EconomyViews', economyViewsAbi, economyViewsBytecode, []);
  const module = await deployContract(clients, 'EconomyModule', economyModuleAbi, economyModuleBytecode, [
    views.address,
  ]);
  const economy = await deployContract(clients, 'Economy', economyAbi, economyBytecode, [module.address]);
  const token = await deployContract(clients, 'EconomyToken', economyTokenAbi, economyTokenBytecode, []);
  const factory = await deployContract(clients, 'EconomyFactory', economyFactoryAbi, economyFactoryBytecode, [
    economy.address,
    token.address,
  ]);
  return {
    factory: factory.address,
    economyImplementation: economy.address,
    moduleImplementation: module.address,
    viewsImplementation: views.address,
    tokenImplementation: token.address,
    gasUsed: {
      views: views.gasUsed,
      module: module.gasUsed,
      economy: economy.gasUsed,
      token: token.gasUsed,
      factory: factory.gasUsed,
    },
  };
}

export interface GenesisOptions {
  factory: Address;
  params?: ChainParams;
  name: string;
  symbol: string;
  /** Tokens (base units) minted to the creator, who becomes the economy's admin. */
  creatorSupply?: bigint;
}

/** Creates a genesis economy (default: devnet parameters). */
export async function createGenesis(
  clients: DeployClients,
  options: GenesisOptions,
): Promise<CreatedEconomy> {
  const { request } = await simulate(clients, 'create the genesis economy', {
    address: options.factory,
    abi: economyFactoryAbi,
    functionName: 'createGenesis',
    args: [options.params ?? devnetParams, options.name, options.symbol, options.creatorSupply ?? 0n],
  });
  return created(clients, 'create the genesis economy', await clients.walletClient.writeContract(request));
}

/** The override mask and values for a fork: bit i set = field i taken from `overrides`. */
export function encodeOverrides(overrides: Partial<ChainParams> = {}): { mask: number; values: ChainParams } {
  let mask = 0;
  const values: ChainParams = { ...zeroParams() };
  paramFields.forEach((field, i) => {
    const v = overrides[field];
    if (v === undefined) return;
    mask |= 1 << i;
    (values as unknown as Record<string, number | bigint>)[field] = v;
  });
  return { mask, values };
}

/** Reads an economy's parameters in one call. */
export async function readParams(publicClient: PublicClient, economy: Address): Promise<ChainParams> {
  return (await publicClient.readContract({
    address: economy,
    abi: economyAbi,
    functionName: 'params',
  })) as ChainParams;
}

function zeroParams(): ChainParams {
  return Object.fromEntries(paramFields.map((f) => [f, isAmountParam(f) ? 0n : 0])) as ChainParams;
}

async function deployContract(
  clients: DeployClients,
  label: string,
  abi: Abi,
  bytecode: Hex,
  args: readonly unknown[],
): Promise<{ address: Address; gasUsed: bigint }> {
  let hash: Hash;
  try {
    hash = await clients.walletClient.deployContract({
      abi,
      bytecode,
      args,
      chain: clients.walletClient.chain,
    });
  } catch (err) {
    throw txError(`deploy ${label}`, err);
  }
  const receipt = await waitFor(clients.publicClient, hash, `deploy ${label}`);
  if (!receipt.contractAddress) {
    throw new FlywheelError(`Deploying ${label} created no contract.`, { code: 'TX_FAILED', details: hash });
  }
  return { address: receipt.contractAddress, gasUsed: receipt.gasUsed };
}

// `simulateContract` is generic over the ABI; the wrapper only adds error translation.
async function simulate(
  clients: DeployClients,
  what: string,
  call: Parameters<PublicClient['simulateContract']>[0],
): Promise<Awaited<ReturnType<PublicClient['simulateContract']>>> {
  try {
    return await clients.publicClient.simulateContract({ ...call, account: clients.walletClient.account });
  } catch (err) {
    throw txError(what, err);
  }
}

async function created(clients: DeployClients, what: string, hash: Hash): Promise<CreatedEconomy> {
  const receipt = await waitFor(clients.publicClient, hash, what);
  for (const log of receipt.logs) {
    try {
      const ev = decodeEventLog({ abi: economyFactoryAbi, data: log.data, topics: log.topics });
      if (ev.eventName === 'EconomyCreated') {
        return {
          economy: ev.args.economy,
          token: ev.args.token,
          block: receipt.blockNumber,
          txHash: hash,
          gasUsed: receipt.gasUsed,
        };
      }
    } catch {
      continue; // a log of the token or the economy, not the factory's
    }
  }
  throw new FlywheelError(`Could not ${what}: no EconomyCreated event.`, {
    code: 'TX_FAILED',
    details: hash,
  });
}

/** Waits for a receipt (anvil may briefly not have one right after sending) and refuses reverted transactions. */
export async function waitFor(
  publicClient: PublicClient,
  hash: Hash,
  what: string,
): Promise<TransactionReceipt> {
  let receipt: TransactionReceipt;
  try {
    receipt = await publicClient.waitForTransactionReceipt({ hash, retryCount: 20 });
  } catch (err) {
    throw new FlywheelError(`Could not ${what}: no receipt.`, {
      code: 'RPC_FAILED',
      details: hash,
      cause: err,
    });
  }
  if (receipt.status !== 'success') {
    throw new FlywheelError(`Could not ${what}: the transaction reverted.`, {
      code: 'TX_FAILED',
      details: hash,
    });
  }
  return receipt;
}

/** A contract revert or RPC failure as a FlywheelError that names the revert reason (custom error name and args). */
export function txError(what: string, err: unknown): FlywheelError {
  if (err instanceof BaseError) {
    const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      const name = revert.data?.errorName;
      if (name) {
        const args = revert.data?.args ?? [];
        const words = contractErrorWords(name, args);
        return new FlywheelError(`Could not ${what}: ${words.sentence}`, {
          code: 'TX_FAILED',
          details: `${rawErrorText(name, args)}: ${err.shortMessage}`,
          ...(words.action !== undefined ? { action: words.action } : {}),
          cause: err,
        });
      }
      return new FlywheelError(`Could not ${what}: ${revert.reason ?? 'reverted'}.`, {
        code: 'TX_FAILED',
        details: err.shortMessage,
        cause: err,
      });
    }
    return new FlywheelError(`Could not ${what}.`, {
      code: 'RPC_FAILED',
      details: err.shortMessage,
      cause: err,
    });
  }
  return new FlywheelError(`Could not ${what}.`, { code: 'INTERNAL', cause: err });
}
