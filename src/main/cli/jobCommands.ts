/**
 * `flywheel job post`, `flywheel job get` and `flywheel job cancel`: the requester's side of a market, by hand or
 * from tests.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Address, Hash, PublicClient } from 'viem';
import type { JobKind } from '../../shared/api/jobs';
import { declineReasonByCode, declineReasons } from '../../shared/decline';
import { FlywheelError } from '../../shared/errors';
import { describePolicy, parsePolicy } from '../../shared/policy';
import { approveToken } from '../chain/actions/approveToken';
import { assign } from '../chain/actions/assign';
import { cancelJob } from '../chain/actions/cancelJob';
import { postJob } from '../chain/actions/postJob';
import { checkModelFile } from './modelFormat';
import { readJob } from '../chain/actions/readJob';
import { readJobPosted } from '../chain/actions/readJobPosted';
import { readModel } from '../chain/actions/readModel';
import { registerModel } from '../chain/actions/registerModel';
import { economyAbi } from '../chain/artifacts';
import { isFinalJobStatus } from '../chain/enums';
import { formatTokenAmount, parseTokenAmount } from '../chain/presets';
import { refundInfo } from '../jobs/refund';
import { referenceByHash } from '../engine/references';
import { parseTextGenerationInput } from '../engine/llama/format';
import { readSafetensors } from '../engine/safetensors';
import type { Logger } from '../log';
import { cliBlobs } from './blobs';
import { resolveEconomy } from './economyRef';
import { openCliNetwork } from './network';
import { printResult, progress } from './output';

export interface CommandContext {
  dataDir: string;
  log: Logger;
}

export const JOB_HELP = `Usage:
  flywheel job post --economy <id|name|genesis> --model <file.onnx|file.gguf> --input <file.safetensors> --fee <tokens>
                    [--deadline <s>] [--kind inference|fine-tune] [--policy <policy>] [--key-env VAR] [--json]
                    [--per-token <tokens> [--max-tokens <n>]]
  flywheel job get <id> [--economy <id|name|genesis>] [--out <file>] [--wait <s>] [--json]   (default: genesis)
  flywheel job cancel <id> [--economy <id|name|genesis>] [--key-env VAR] [--json]            (default: genesis)

On the devnet the job is posted by the devnet's requester account and a model the economy lacks is registered by
the devnet's admin. On a custom network, --key-env names the environment variable holding the sending key.

--policy is how validators judge the model's results, given when the model is registered here: exact,
tolerance[:<abs>[,<rel>]] (default 1e-4 both), argmax[:<agreement %>] (default 99) or logprob[:<abs>]. A reference
model (resources/models.json) is registered with its own; any other model with tolerance 1e-4 unless told.

--per-token prices a text generation (an input with max_tokens) per generated token: the economy escrows
--fee + per-token × max tokens, pays --fee plus per-token for each token the result holds, and refunds the rest.
--max-tokens defaults to the input's max_tokens and must equal it when given.

cancel takes the fee back of your own job that nobody was assigned to: from 256 blocks after its last draw block,
or at once after 16 draws that kept nobody. A job is refunded by itself at the economy's maxDeclines-th decline,
no-show or timeout (3 on the devnet); one that fewer providers could take (all of them declined) waits for cancel.
job get says which applies (its refund line).
`;

function readFile(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new FlywheelError(`Cannot read the ${what} file ${path}.`, { code: 'BAD_INPUT', cause: err });
  }
}

/**
 * --per-token's max tokens: null without --per-token; else the input's max_tokens (a text-generation input is
 * required), and --max-tokens must say the same (a provider generates what the input asks for).
 */
function perTokenMaxTokens(
  values: { 'per-token'?: string | undefined; 'max-tokens'?: string | undefined; input?: string | undefined },
  inputBytes: Uint8Array,
): number | null {
  if (values['per-token'] === undefined) {
    if (values['max-tokens'] !== undefined)
      throw new FlywheelError('--max-tokens goes with --per-token.', { code: 'BAD_INPUT', action: JOB_HELP });
    return null;
  }
  let asked: number;
  try {
    asked = parseTextGenerationInput(inputBytes).maxTokens;
  } catch (err) {
    throw new FlywheelError(`--per-token prices a text generation, and ${values.input} is not one.`, {
      code: 'BAD_INPUT',
      details: (err as Error).message,
    });
  }
  if (values['max-tokens'] !== undefined && Number(values['max-tokens']) !== asked) {
    throw new FlywheelError(
      `--max-tokens ${values['max-tokens']} is not the input's max_tokens (${asked}): the job pays for at most what it asks for.`,
      { code: 'BAD_INPUT', action: `Leave out --max-tokens, or give --max-tokens ${asked}.` },
    );
  }
  if (asked > 2 ** 32 - 1)
    throw new FlywheelError(`The input's max_tokens (${asked}) is over 4294967295.`, { code: 'BAD_INPUT' });
  return asked;
}

export async function jobPostCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      economy: { type: 'string' },
      model: { type: 'string' },
      input: { type: 'string' },
      fee: { type: 'string' },
      deadline: { type: 'string' },
      kind: { type: 'string', default: 'inference' },
      policy: { type: 'string' },
      'key-env': { type: 'string' },
      'per-token': { type: 'string' },
      'max-tokens': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  for (const name of ['economy', 'model', 'input', 'fee'] as const) {
    if (!values[name])
      throw new FlywheelError(`--${name} is required.`, { code: 'BAD_INPUT', action: JOB_HELP });
  }
  const kind = values.kind as JobKind;
  if (kind !== 'inference' && kind !== 'fine-tune') {
    throw new FlywheelError(`--kind must be inference or fine-tune, not "${values.kind}".`, {
      code: 'BAD_INPUT',
    });
  }
  const policyAsked = values.policy === undefined ? null : parsePolicy(values.policy);
  const modelBytes = readFile(values.model!, 'model');
  // Before anything is stored or registered: a model is ONNX or GGUF, never any file.
  checkModelFile(values.model!, modelBytes);
  const inputBytes = readFile(values.input!, 'input');
  try {
    readSafetensors(inputBytes);
  } catch (err) {
    throw new FlywheelError(`${values.input} is not a safetensors file.`, {
      code: 'BAD_INPUT',
      details: (err as Error).message,
    });
  }

  const maxTokens = perTokenMaxTokens(values, inputBytes);

  const net = await openCliNetwork({
    dataDir: ctx.dataDir,
    log: ctx.log,
    ...(values['key-env'] ? { keyEnv: values['key-env'] } : {}),
  });
  try {
    const economy = await resolveEconomy(net.publicClient, net.factory, values.economy!);
    const fee = parseTokenAmount(values.fee!, economy.decimals, 'fee');
    const params = await net.publicClient.readContract({
      address: economy.id,
      abi: economyAbi,
      functionName: 'params',
    });
    if (fee < params.minFee) {
      throw new FlywheelError(
        `--fee must be at least ${formatTokenAmount(params.minFee, economy.decimals)} ${economy.symbol} here.`,
        { code: 'BAD_INPUT' },
      );
    }
    const perToken =
      maxTokens === null
        ? undefined
        : {
            pricePerToken: parseTokenAmount(values['per-token']!, economy.decimals, 'per-token'),
            maxTokens,
          };
    const deadlineS = values.deadline ? Number(values.deadline) : Math.max(60, params.minDeadlineS);
    if (!Number.isInteger(deadlineS) || deadlineS < params.minDeadlineS) {
      throw new FlywheelError(
        `--deadline must be a whole number of seconds, at least ${params.minDeadlineS} here.`,
        {
          code: 'BAD_INPUT',
        },
      );
    }
    const blobs = await cliBlobs(ctx.dataDir, net.settings, ctx.log);
    progress(`Storing the model and the input (${net.label})`);
    const model = await blobs.publish(modelBytes);
    const input = await blobs.publish(inputBytes);

    const registered = await readModel(
      { publicClient: net.publicClient },
      { economy: economy.id, modelHash: model.hash },
    );
    // The policy the model is (or will be) judged by: the economy's record wins over --policy.
    const policy =
      registered?.policy ??
      policyAsked ??
      referenceByHash(model.hash)?.verification ??
      parsePolicy('tolerance');
    if (!registered) {
      progress(
        `Registering the model ${model.hash} in ${economy.name} (verified by: ${describePolicy(policy)})`,
      );
      const admin = await net.admin();
      const actual = await net.publicClient.readContract({
        address: economy.id,
        abi: economyAbi,
        functionName: 'admin',
      });
      if (actual.toLowerCase() !== admin.tx.address.toLowerCase()) {
        throw new FlywheelError(
          `${economy.name} does not know this model, and only its admin can register it.`,
          {
            code: 'CONFLICT',
            details: `model ${model.hash}; admin ${actual}`,
            action: 'Ask the economy’s admin to register it, or post with --key-env naming the admin’s key.',
          },
        );
      }
      await registerModel(admin, {
        economy: economy.id,
        modelHash: model.hash,
        uri: model.uri,
        kind,
        policy,
      });
    } else if (registered.kind !== kind) {
      throw new FlywheelError(`${economy.name} has this model as a ${registered.kind} model, not ${kind}.`, {
        code: 'BAD_INPUT',
        action: `Use --kind ${registered.kind}.`,
      });
    }

    const requester = await net.requester();
    await approveToken(requester, { token: economy.token, spender: economy.id });
    const escrow = fee + (perToken ? perToken.pricePerToken * BigInt(perToken.maxTokens) : 0n);
    progress(
      `Posting the job in ${economy.name} for ${formatTokenAmount(escrow, economy.decimals)} ${economy.symbol}` +
        (perToken
          ? ` (${formatTokenAmount(fee, economy.decimals)} + ${formatTokenAmount(perToken.pricePerToken, economy.decimals)}` +
            ` a token, at most ${perToken.maxTokens} tokens; what is not generated comes back)`
          : ''),
    );
    const posted = await postJob(requester, {
      economy: economy.id,
      kind,
      modelHash: model.hash,
      inputHash: input.hash,
      inputUri: input.uri,
      fee,
      ...(perToken ? { perToken } : {}),
      deadlineS,
      key: `cli-post:${randomUUID()}`,
    });
    // Ask for the draw now; if nobody is eligible yet, providers' nodes and the devnet keeper try again.
    await assign(requester, { economy: economy.id, jobId: posted.jobId, drawBlock: posted.block }).catch(
      () => undefined,
    );
    printResult(
      {
        network: net.label,
        economy: economy.id,
        economyName: economy.name,
        jobId: posted.jobId.toString(),
        kind,
        modelHash: model.hash,
        modelUri: model.uri,
        modelRegistered: !registered,
        policy: describePolicy(policy),
        inputHash: input.hash,
        inputUri: input.uri,
        fee: formatTokenAmount(fee, economy.decimals),
        ...(perToken
          ? {
              perToken: formatTokenAmount(perToken.pricePerToken, economy.decimals),
              maxTokens: perToken.maxTokens,
              escrow: formatTokenAmount(escrow, economy.decimals),
            }
          : {}),
        token: economy.symbol,
        deadlineS,
        txHash: posted.hash,
      },
      values.json,
    );
  } finally {
    await net.close();
  }
}

export async function jobGetCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      economy: { type: 'string' },
      out: { type: 'string' },
      wait: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const id = positionals[0];
  if (!id || !/^\d+$/.test(id))
    throw new FlywheelError('Give the job id: flywheel job get <id> [--economy …]', {
      code: 'BAD_INPUT',
      action: JOB_HELP,
    });
  // Job ids count per economy; without --economy the id is the genesis economy's.
  const economyRef = values.economy ?? 'genesis';
  const waitS = values.wait ? Number(values.wait) : 0;
  if (!Number.isFinite(waitS) || waitS < 0)
    throw new FlywheelError('--wait takes seconds.', { code: 'BAD_INPUT' });

  const net = await openCliNetwork({ dataDir: ctx.dataDir, log: ctx.log });
  try {
    const economy = await resolveEconomy(net.publicClient, net.factory, economyRef);
    const jobId = BigInt(id);
    const client = { publicClient: net.publicClient };
    let job = await readJob(client, { economy: economy.id, jobId });
    if (job.status === 'None')
      throw new FlywheelError(`${economy.name} has no job ${id}.`, { code: 'NOT_FOUND' });
    // --wait: until the job has an output (or is over), polling the chain.
    const end = Date.now() + waitS * 1000;
    const hasOutput = () => ['Submitted', 'Voting', 'Finalized', 'Rejected'].includes(job.status);
    while (!hasOutput() && !isFinalJobStatus(job.status) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 250));
      job = await readJob(client, { economy: economy.id, jobId });
    }
    const posted = await readJobPosted(client, { economy: economy.id, jobId });
    const results = await net.publicClient.getContractEvents({
      address: economy.id,
      abi: economyAbi,
      eventName: 'ResultSubmitted',
      args: { jobId },
      fromBlock: posted.block,
      toBlock: 'latest',
    });
    const result = results.at(-1)?.args;
    const history = await jobHistory(net.publicClient, economy.id, jobId, posted.block);
    const model = await readModel(client, { economy: economy.id, modelHash: posted.modelHash });
    const params = await net.publicClient.readContract({
      address: economy.id,
      abi: economyAbi,
      functionName: 'params',
    });
    let saved: string | undefined;
    if (values.out) {
      if (!result?.outputHash || !result.outputURI) {
        throw new FlywheelError(`Job ${id} has no output yet (it is ${job.status}).`, {
          code: 'NOT_FOUND',
          action: 'Try again later, or pass --wait <seconds>.',
        });
      }
      const blobs = await cliBlobs(ctx.dataDir, net.settings, ctx.log);
      const bytes = await blobs.fetch(result.outputURI, result.outputHash as Hash);
      writeFileSync(values.out, bytes);
      saved = values.out;
    }
    printResult(
      {
        economy: economy.id,
        economyName: economy.name,
        jobId: id,
        status: job.status,
        kind: posted.kind,
        provider: job.provider,
        requester: posted.requester,
        fee: formatTokenAmount(posted.fee, economy.decimals),
        // Priced per token: the fee above is the whole escrow; paid for the tokens the result claims.
        ...(job.maxTokens
          ? {
              perToken: formatTokenAmount(job.pricePerToken, economy.decimals),
              maxTokens: job.maxTokens,
              tokens: job.tokens,
            }
          : {}),
        token: economy.symbol,
        modelHash: posted.modelHash,
        verifiedBy: model ? describePolicy(model.policy) : null,
        inputHash: posted.inputHash,
        inputUri: posted.inputUri,
        outputHash: result?.outputHash ?? null,
        outputUri: result?.outputURI ?? null,
        // Times only where the job has them: a Posted job has no deadline yet.
        ...(job.deadline ? { deadline: job.deadline } : {}),
        ...(job.challengeWindowEndsAt ? { challengeWindowEndsAt: job.challengeWindowEndsAt } : {}),
        ...(job.status === 'Posted' ? { drawBlock: job.drawBlock.toString() } : {}),
        declines: history.declines,
        noShows: history.noShows,
        // How the fee comes back: by itself at maxDeclines, or by `job cancel` from a block.
        refund: refundInfo({
          status: job.status as Exclude<typeof job.status, 'None'>, // None was refused above
          requester: posted.requester,
          me: null,
          events: history.events,
          maxDeclines: params.maxDeclines,
          drawBlock: job.status === 'Posted' ? job.drawBlock : null,
          latestBlock: job.status === 'Posted' ? await net.publicClient.getBlockNumber() : null,
        }).text,
        ...(saved ? { savedTo: saved } : {}),
      },
      values.json,
    );
  } finally {
    await net.close();
  }
}

/** A decline or a no-show as `job get` shows it. */
interface JobMiss {
  provider: string;
  block: string;
}

/**
 * Why the job is not done yet, from its events: each decline with its reason in words (shared/decline.ts), and each
 * provider that was drawn but never accepted (a no-show: re-drawn, nobody slashed).
 */
async function jobHistory(
  publicClient: PublicClient,
  economy: Address,
  jobId: bigint,
  fromBlock: bigint,
): Promise<{
  declines: (JobMiss & { reason: string; meaning: string | null })[];
  noShows: JobMiss[];
  /** The events that decide how the fee comes back (refundInfo), chain order. */
  events: { name: string; tx: Hash }[];
}> {
  const range = { address: economy, abi: economyAbi, args: { jobId }, fromBlock, toBlock: 'latest' } as const;
  const [declined, noShow, timedOut, refunded, missed] = await Promise.all([
    publicClient.getContractEvents({ ...range, eventName: 'JobDeclined' }),
    publicClient.getContractEvents({ ...range, eventName: 'JobNoShow' }),
    publicClient.getContractEvents({ ...range, eventName: 'JobTimedOut' }),
    publicClient.getContractEvents({ ...range, eventName: 'JobRefunded' }),
    publicClient.getContractEvents({ ...range, eventName: 'DrawMissed' }),
  ]);
  const events = [...declined, ...noShow, ...timedOut, ...refunded, ...missed]
    .sort((a, b) => Number(a.blockNumber - b.blockNumber) || a.logIndex - b.logIndex)
    .map((e) => ({ name: e.eventName, tx: e.transactionHash }));
  return {
    events,
    declines: declined.map((e) => {
      const code = Number(e.args.reason ?? 0);
      const name = declineReasonByCode(code);
      return {
        provider: e.args.provider ?? '',
        block: e.blockNumber.toString(),
        reason: name ? declineReasons[name].label : `Unknown reason ${code}`,
        meaning: name ? declineReasons[name].meaning : null,
      };
    }),
    noShows: noShow.map((e) => ({ provider: e.args.provider ?? '', block: e.blockNumber.toString() })),
  };
}

export async function jobCancelCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      economy: { type: 'string' },
      'key-env': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const id = positionals[0];
  if (!id || !/^\d+$/.test(id))
    throw new FlywheelError('Give the job id: flywheel job cancel <id> [--economy …]', {
      code: 'BAD_INPUT',
      action: JOB_HELP,
    });
  const net = await openCliNetwork({
    dataDir: ctx.dataDir,
    log: ctx.log,
    ...(values['key-env'] ? { keyEnv: values['key-env'] } : {}),
  });
  try {
    const economy = await resolveEconomy(net.publicClient, net.factory, values.economy ?? 'genesis');
    const jobId = BigInt(id);
    const job = await readJob({ publicClient: net.publicClient }, { economy: economy.id, jobId });
    if (job.status === 'None')
      throw new FlywheelError(`${economy.name} has no job ${id}.`, { code: 'NOT_FOUND' });
    const requester = await net.requester();
    // The contract's own checks, said first in words (the revert would only name them).
    if (job.requester.toLowerCase() !== requester.tx.address.toLowerCase()) {
      throw new FlywheelError(`Job ${id} is not yours: only its requester ${job.requester} can cancel it.`, {
        code: 'CONFLICT',
        details: `NotRequester; you are ${requester.tx.address}`,
      });
    }
    if (job.status !== 'Posted') {
      throw new FlywheelError(
        job.status === 'Refunded'
          ? `Job ${id} was already refunded.`
          : `Job ${id} is ${job.status}: only a job still waiting for a provider (Posted) can be cancelled.`,
        { code: 'CONFLICT', details: `WrongJobStatus(${job.status})` },
      );
    }
    let receipt;
    try {
      receipt = await cancelJob(requester, { economy: economy.id, jobId });
    } catch (err) {
      const early = /CancelTooEarly\(\d+, (\d+)\)/.exec((err as Error).message);
      if (!early) throw err;
      const now = await net.publicClient.getBlockNumber();
      const from = BigInt(early[1]!);
      throw new FlywheelError(
        `Job ${id} cannot be cancelled yet: it is cancellable from block ${from} (now ${now}, ${from - now} blocks to go), or at once after 16 draws that kept nobody.`,
        {
          code: 'CONFLICT',
          details: `CancelTooEarly(${id}, ${from})`,
          action: 'A draw may still assign it in the meantime; try again from that block.',
        },
      );
    }
    const after = await readJob({ publicClient: net.publicClient }, { economy: economy.id, jobId });
    printResult(
      {
        network: net.label,
        economy: economy.id,
        economyName: economy.name,
        jobId: id,
        status: after.status,
        refunded: formatTokenAmount(job.fee, economy.decimals),
        token: economy.symbol,
        txHash: receipt.hash,
      },
      values.json,
    );
  } finally {
    await net.close();
  }
}
