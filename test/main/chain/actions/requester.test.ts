import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  toHex,
  type Address,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptJob } from '../../../../src/main/chain/actions/acceptJob';
import { approveToken } from '../../../../src/main/chain/actions/approveToken';
import { assign } from '../../../../src/main/chain/actions/assign';
import { cancelJob } from '../../../../src/main/chain/actions/cancelJob';
import { challenge } from '../../../../src/main/chain/actions/challenge';
import { commitChallenge } from '../../../../src/main/chain/actions/commitChallenge';
import { finalize } from '../../../../src/main/chain/actions/finalize';
import { postJob } from '../../../../src/main/chain/actions/postJob';
import { readJob } from '../../../../src/main/chain/actions/readJob';
import { readModel } from '../../../../src/main/chain/actions/readModel';
import { registerModel } from '../../../../src/main/chain/actions/registerModel';
import { registerValidator } from '../../../../src/main/chain/actions/registerValidator';
import { reportTimeout } from '../../../../src/main/chain/actions/reportTimeout';
import { resolveChallenge } from '../../../../src/main/chain/actions/resolveChallenge';
import { submitResult } from '../../../../src/main/chain/actions/submitResult';
import type { ActionClient } from '../../../../src/main/chain/actions/send';
import { transferToken } from '../../../../src/main/chain/actions/transferToken';
import { vote } from '../../../../src/main/chain/actions/vote';
import { economyAbi, economyTokenAbi } from '../../../../src/main/chain/artifacts';
import { createGenesis, deployFactory, devnetParams } from '../../../../src/main/chain/deploy';
import { TxManager } from '../../../../src/main/chain/tx/manager';
import { LogSink } from '../../../../src/main/log';
import { policyOf } from '../../../../src/shared/policy';
import { DEV_PRIVATE_KEYS, useAnvil } from '../../../helpers/anvil';
import { anvilControl } from '../../../helpers/chain';
import { sendAs } from '../../../helpers/market';
import { tempDir } from '../../../helpers/tmp';

const TOKEN = 10n ** 18n;
const log = new LogSink({ consoleLevel: 'silent' }).logger('test');
const accounts = DEV_PRIVATE_KEYS.map((k) => privateKeyToAccount(k));
const [ADMIN, REQUESTER, PROVIDER, VALIDATOR, VOTER] = [0, 1, 2, 3, 4];
const argmax99 = policyOf({ rule: 'argmax', minAgreementBps: 9_900 });

describe('requester, validator and admin actions on a real anvil', () => {
  const chain = useAnvil({ chainId: 31337 });
  const temp = tempDir();
  let publicClient: PublicClient;
  const clients: ActionClient[] = [];
  let economy: Address;
  let token: Address;
  const modelHash = keccak256(toHex('a model'));
  const inputHash = keccak256(toHex('an input'));

  /** The provider side is another part's actions; here the provider registers and submits by plain calls. */
  const asProvider = (functionName: string, args: unknown[]) =>
    sendAs(publicClient, chain.rpcUrl, accounts[PROVIDER]!, {
      address: economy,
      abi: economyAbi,
      functionName,
      args,
    });

  const job = (jobId: bigint) =>
    publicClient.readContract({ address: economy, abi: economyAbi, functionName: 'job', args: [jobId] });
  /** The provider's record in the economy (bond, strikes). */
  const provider = () =>
    publicClient.readContract({
      address: economy,
      abi: economyAbi,
      functionName: 'providerOf',
      args: [accounts[PROVIDER]!.address],
    });
  const claimable = (who: number) =>
    publicClient.readContract({
      address: economy,
      abi: economyAbi,
      functionName: 'claimable',
      args: [accounts[who]!.address],
    });

  async function postAndAssign(n: number): Promise<bigint> {
    const { jobId } = await postJob(clients[REQUESTER]!, {
      economy,
      kind: 'inference',
      modelHash,
      inputHash,
      inputUri: `blob:${inputHash}`,
      fee: TOKEN,
      deadlineS: devnetParams.minDeadlineS,
      key: `postJob:test:${n}`,
    });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
    await asProvider('assign', [jobId]);
    return jobId;
  }

  beforeAll(async () => {
    publicClient = createPublicClient({
      chain: foundry,
      transport: http(chain.rpcUrl),
      pollingInterval: 20,
    }) as PublicClient;
    const walletClient = createWalletClient({
      chain: foundry,
      transport: http(chain.rpcUrl),
      account: accounts[ADMIN]!,
    });
    const { factory } = await deployFactory({ publicClient, walletClient });
    ({ economy, token } = await createGenesis(
      { publicClient, walletClient },
      { factory, name: 'Genesis', symbol: 'GEN', creatorSupply: 1_000_000n * TOKEN },
    ));
    for (const account of accounts) {
      clients.push({
        publicClient,
        tx: await TxManager.open({
          client: publicClient,
          account,
          dataDir: temp.dir,
          log,
          pollingIntervalMs: 20,
        }),
      });
    }
    for (const i of [REQUESTER, PROVIDER, VALIDATOR, VOTER]) {
      await transferToken(clients[ADMIN]!, {
        token,
        to: accounts[i]!.address,
        amount: 10_000n * TOKEN,
        key: `fund:${i}`,
      });
      await approveToken(clients[i]!, { token, spender: economy });
    }
    await asProvider('register', [200n * TOKEN, 3, 4]);
  });

  afterAll(async () => {
    for (const c of clients) await c.tx.close();
    temp.cleanup();
  });

  it('registers a model once (admin only) with its policy, read back as registered', async () => {
    const model = {
      economy,
      modelHash,
      uri: `blob:${modelHash}`,
      kind: 'inference' as const,
      policy: argmax99,
    };
    const first = await registerModel(clients[ADMIN]!, model);
    expect(first.hash).toMatch(/^0x/);
    const again = await registerModel(clients[ADMIN]!, model);
    // The same key answers from the first transaction: nothing new is sent.
    expect(again.hash).toBe(first.hash);
    expect(await readModel(clients[ADMIN]!, { economy, modelHash })).toMatchObject({
      kind: 'inference',
      uri: `blob:${modelHash}`,
      policy: argmax99,
    });
    const other = keccak256(toHex('not the admin'));
    await expect(
      registerModel(clients[REQUESTER]!, { ...model, modelHash: other, uri: 'blob:x' }),
    ).rejects.toThrow(/NotAdmin/);
    // A rule without its figures is refused (an argmax policy that agrees on no rows checks nothing).
    await expect(
      registerModel(clients[ADMIN]!, {
        ...model,
        modelHash: keccak256(toHex('no figures')),
        policy: policyOf({ rule: 'argmax' }),
      }),
    ).rejects.toThrow(/InvalidPolicy/);
  });

  it('an approval already large enough sends nothing; a transfer moves tokens', async () => {
    expect(
      (await approveToken(clients[REQUESTER]!, { token, spender: economy, amount: TOKEN })).hash,
    ).toBeNull();
    const balance = () =>
      publicClient.readContract({
        address: token,
        abi: economyTokenAbi,
        functionName: 'balanceOf',
        args: [accounts[VOTER]!.address],
      });
    const before = await balance();
    await transferToken(clients[ADMIN]!, {
      token,
      to: accounts[VOTER]!.address,
      amount: 5n,
      key: 'fund:voter:extra',
    });
    expect(await balance()).toBe(before + 5n);
  });

  it('posts a job (fee escrowed, JobPosted gives the id) and refuses a deadline under the minimum', async () => {
    const jobId = await postAndAssign(1);
    expect((await job(jobId)).status).toBe(2); // Assigned
    await expect(
      postJob(clients[REQUESTER]!, {
        economy,
        kind: 'inference',
        modelHash,
        inputHash,
        inputUri: 'blob:x',
        fee: TOKEN,
        deadlineS: 1,
        key: 'postJob:test:short',
      }),
    ).rejects.toThrow(/DeadlineOutOfRange/);
    await expect(
      postJob(clients[REQUESTER]!, {
        economy,
        kind: 'inference',
        modelHash,
        inputHash,
        inputUri: 'blob:x',
        fee: devnetParams.minFee - 1n,
        deadlineS: devnetParams.minDeadlineS,
        key: 'postJob:test:dust',
      }),
    ).rejects.toThrow(/FeeTooLow/);
  });

  it('a draw that keeps nobody re-seeds the job instead of reverting (DrawMissed)', async () => {
    // The only provider posts this job itself, and a requester is never drawn for its own job.
    const { jobId, block } = await postJob(clients[PROVIDER]!, {
      economy,
      kind: 'inference',
      modelHash,
      inputHash,
      inputUri: 'blob:x',
      fee: TOKEN,
      deadlineS: devnetParams.minDeadlineS,
      key: 'postJob:test:own',
    });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
    const drawn = await assign(clients[REQUESTER]!, { economy, jobId, drawBlock: block });
    expect(drawn).toMatchObject({ outcome: 'missed', provider: null });
    const after = await readJob(clients[REQUESTER]!, { economy, jobId });
    expect(after.status).toBe('Posted');
    expect(after.drawBlock).toBe(drawn.nextDrawBlock);
    expect(after.drawBlock).toBe(drawn.receipt!.blockNumber);
  });

  it('finalizes a submitted job after its challenge window; finalizing again sends nothing', async () => {
    const jobId = await postAndAssign(2);
    await asProvider('submitResult', [jobId, keccak256(toHex('right')), 'blob:right']);
    await expect(finalize(clients[REQUESTER]!, { economy, jobId })).rejects.toThrow(
      /ChallengeWindowOpen|would fail/,
    );
    await anvilControl(chain.rpcUrl).increaseTime({ seconds: devnetParams.challengeWindowS + 1 });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
    expect((await finalize(clients[REQUESTER]!, { economy, jobId })).hash).toMatch(/^0x/);
    expect((await job(jobId)).status).toBe(5); // Finalized
    expect((await finalize(clients[VOTER]!, { economy, jobId })).hash).toBeNull();
  });

  it('a job priced per token escrows base + price × max tokens and pays for the tokens its result claims', async () => {
    const price = TOKEN / 100n;
    const { jobId } = await postJob(clients[REQUESTER]!, {
      economy,
      kind: 'inference',
      modelHash,
      inputHash,
      inputUri: `blob:${inputHash}`,
      fee: TOKEN,
      perToken: { pricePerToken: price, maxTokens: 100 },
      deadlineS: devnetParams.minDeadlineS,
      key: 'postJob:test:per-token',
    });
    const posted = await readJob(clients[REQUESTER]!, { economy, jobId });
    expect(posted).toMatchObject({
      fee: TOKEN + 100n * price,
      pricePerToken: price,
      maxTokens: 100,
      tokens: 0,
    });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
    await asProvider('assign', [jobId]);
    const output = { outputHash: keccak256(toHex('forty tokens')), outputUri: 'blob:forty' };
    // More tokens than the job pays for: refused in simulation, nothing is sent.
    await expect(
      submitResult(clients[PROVIDER]!, { economy, jobId, ...output, tokens: 101 }),
    ).rejects.toThrow(/TooManyTokens/);
    await asProvider('submitResultTokens', [jobId, output.outputHash, output.outputUri, 40]);
    expect((await readJob(clients[REQUESTER]!, { economy, jobId })).tokens).toBe(40);
    const [requesterBefore, providerBefore] = [await claimable(REQUESTER), await claimable(PROVIDER)];
    await anvilControl(chain.rpcUrl).increaseTime({ seconds: devnetParams.challengeWindowS + 1 });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
    await finalize(clients[REQUESTER]!, { economy, jobId });
    const paid = TOKEN + 40n * price;
    const protocolFee = (paid * BigInt(devnetParams.protocolFeeBps)) / 10_000n;
    expect((await claimable(PROVIDER)) - providerBefore).toBe(paid - protocolFee);
    expect((await claimable(REQUESTER)) - requesterBefore).toBe(60n * price); // the 60 tokens not produced
  });

  it('reports a job never accepted in its accept window as a no-show: re-opened, no slash, no strike', async () => {
    const jobId = await postAndAssign(5);
    const { deadline, acceptWindowEndsAt } = await job(jobId);
    await expect(reportTimeout(clients[VOTER]!, { economy, jobId, deadline })).rejects.toThrow(
      /DeadlineNotReached/,
    );
    const before = await provider();
    await anvilControl(chain.rpcUrl).setNextBlockTimestamp({ timestamp: acceptWindowEndsAt + 1n });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
    const { receipt } = await reportTimeout(clients[VOTER]!, { economy, jobId, deadline });
    expect(receipt?.status).toBe('success');
    expect((await job(jobId)).status).toBe(1); // Posted again, without this provider
    expect(await provider()).toMatchObject({ bond: before.bond, strikes: before.strikes });
  });

  it('reports a missed deadline: the provider gets a strike and the job is re-opened', async () => {
    const jobId = await postAndAssign(3);
    const { deadline, assignedAt } = await job(jobId);
    // Accepted: from now on a missed deadline is this provider's, and slashed. Accepting again sends nothing.
    const accepted = await acceptJob(clients[PROVIDER]!, { economy, jobId, assignedAt: Number(assignedAt) });
    expect(accepted.hash).toMatch(/^0x/);
    expect((await job(jobId)).accepted).toBe(true);
    expect(
      (await acceptJob(clients[PROVIDER]!, { economy, jobId, assignedAt: Number(assignedAt) })).hash,
    ).toBe(accepted.hash);
    await anvilControl(chain.rpcUrl).increaseTime({ seconds: devnetParams.minDeadlineS + 1 });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
    const { receipt } = await reportTimeout(clients[VOTER]!, { economy, jobId, deadline });
    expect(receipt?.status).toBe('success');
    const after = await job(jobId);
    expect(after.status).toBe(1); // Posted again, the provider excluded
    expect((await provider()).strikes).toBe(1);
    // Someone else reporting the same deadline finds it done on-chain and sends nothing.
    expect((await reportTimeout(clients[REQUESTER]!, { economy, jobId, deadline })).hash).toBeNull();
  });

  it('commit → challenge → vote → resolve rejects a wrong result and refunds the requester', async () => {
    await registerValidator(clients[VALIDATOR]!, { economy, bond: devnetParams.validatorMinBond });
    const registered = await registerValidator(clients[VOTER]!, {
      economy,
      bond: devnetParams.validatorMinBond,
    });
    expect(registered.hash).not.toBeNull();
    // Registered already: recognised on-chain, nothing sent.
    expect(
      (await registerValidator(clients[VOTER]!, { economy, bond: devnetParams.validatorMinBond })).hash,
    ).toBeNull();
    await anvilControl(chain.rpcUrl).increaseTime({ seconds: 2 });
    const jobId = await postAndAssign(4);
    await asProvider('submitResult', [jobId, keccak256(toHex('wrong')), 'blob:wrong']);
    const { salt } = await commitChallenge(clients[VALIDATOR]!, { economy, jobId });
    await challenge(clients[VALIDATOR]!, { economy, jobId, salt, evidenceUri: 'blob:evidence' });
    expect((await job(jobId)).status).toBe(4); // Voting
    const voted = await vote(clients[VOTER]!, { economy, jobId, resultValid: false });
    expect((await vote(clients[VOTER]!, { economy, jobId, resultValid: false })).hash).toBe(voted.hash);
    await expect(resolveChallenge(clients[REQUESTER]!, { economy, jobId })).rejects.toThrow(/VoteOpen/);
    await anvilControl(chain.rpcUrl).increaseTime({ seconds: devnetParams.voteWindowS + 1 });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
    const before = await claimable(REQUESTER);
    await resolveChallenge(clients[REQUESTER]!, { economy, jobId });
    expect((await job(jobId)).status).toBe(6); // Rejected
    expect(await claimable(REQUESTER)).toBe(before + TOKEN); // the fee comes back to the requester
  });

  it('cancels a job nobody was drawn for, 256 blocks after its last draw block', async () => {
    const { jobId } = await postJob(clients[REQUESTER]!, {
      economy,
      kind: 'inference',
      modelHash,
      inputHash,
      inputUri: 'blob:x',
      fee: TOKEN,
      deadlineS: 30,
      key: 'postJob:test:unassignable',
    });
    await expect(cancelJob(clients[REQUESTER]!, { economy, jobId })).rejects.toThrow(/would fail/);
    await anvilControl(chain.rpcUrl).mine({ blocks: 257 });
    await cancelJob(clients[REQUESTER]!, { economy, jobId });
    expect((await job(jobId)).status).toBe(7); // Refunded
  });
});
