/**
 * `flywheel job post`, `flywheel job get` and `flywheel job cancel`: the requester's side of a market, by hand or
 * from tests.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Address, Hash, PublicClient } from 'viem';
import type { JobKind, VerificationPolicy } from '#shared/api/jobs';
import { declineReasonByCode, declineReasons } from '#shared/decline';
import { FlywheelError } from '#shared/errors';
import { describePolicy, parsePolicy } from '#shared/policy';
import { approveToken } from '../chain/actions/approveToken';
import { assign } from '../chain/actions/assign';
import { postJob } from '../chain/actions/postJob';
import { checkModelFile, type ModelFormat } from './modelFormat';
import { readJob } from '../chain/actions/readJob';
import { readJobPosted } from '../chain/actions/readJobPosted';
import { readModel } from '../chain/actions/readModel';
import { registerModel } from '../chain/actions/registerModel';
import { economyAbi, economyTokenAbi } from '../chain/artifacts';
import { isFinalJobStatus } from '../chain/enums';
import { formatTokenAmount, parseTokenAmount } from '../chain/presets';
import { cancelPostedJob, checkCancel } from '../jobs/cancel';
import { refundInfo } from '../jobs/refund';
import { referenceByHash } from '../engine/references';
import {
  isTextGenerationInput,
  MAX_STOP_STRINGS,
  MAX_TEMPERATURE,
  parseTextGenerationInput,
  readTextGenerationOutput,
  type TextGenerationInput,
} from '../engine/llama/format';
import { defaultLlamaLimits } from '../engine/llama/runtime';
import { readSafetensors } from '../engine/safetensors';
import type { Logger } from '../log';
import { cliBlobs, type CliBlobs } from './blobs';
import { resolveEconomy } from './economyRef';
import { openCliNetwork } from './network';
import { printResult, progress } from './output';
import { checkTextJob, textInputFromFlags } from './textJob';

export interface CommandContext {
  dataDir: string;
  log: Logger;
}

export const JOB_HELP = `Usage:
  flywheel job post --economy <address|name|genesis> --model <file.onnx> --input <file.safetensors> --fee <tokens>
                    [--deadline <s>] [--kind inference|fine-tune] [--policy <policy>] [--key-env VAR] [--json]
  flywheel job post --economy <address|name|genesis> --model <file.gguf> --prompt <text> --max-tokens <n> --fee <tokens>
                    [--per-token <tokens>] [--temperature <t>] [--seed <n>] [--stop <text>]... [--prompt-file <file>]
                    [--deadline <s>] [--policy logprob[:<abs>]] [--key-env VAR] [--json]
  flywheel job get <id> [--economy <address|name|genesis>] [--out <file>] [--wait <s>] [--json]   (default: genesis)
  flywheel job cancel <id> [--economy <address|name|genesis>] [--key-env VAR] [--json]            (default: genesis)

On the devnet the job is posted by the devnet's requester account and a model the economy lacks is registered by
the devnet's admin. On a custom network, --key-env names the environment variable holding the sending key.

--policy is how validators judge the model's results, given when the model is registered here: exact,
tolerance[:<abs>[,<rel>]] (default 1e-4 both), argmax[:<agreement %>] (default 99) or logprob[:<abs>]. A reference
model (resources/models.json) is registered with its own; a GGUF model with logprob (0.05); any other model with
tolerance 1e-4 unless told.

A text generation runs a GGUF model (llama.cpp) on a prompt:
  --prompt <text>        the text to continue (or --prompt-file <file>, UTF-8)
  --max-tokens <n>       the most tokens to generate, 1 to ${defaultLlamaLimits.maxNewTokens} (required)
  --temperature <t>      0 (default) always takes the likeliest token; up to ${MAX_TEMPERATURE} samples among the top 20
  --seed <n>             the sampler's seed, 0 to 4294967295 (default 0): the same seed, the same text
  --stop <text>          ends the text where it appears; up to ${MAX_STOP_STRINGS}, one flag each
  --per-token <tokens>   prices it per generated token: the economy escrows --fee + per-token × max tokens, pays
                         --fee plus per-token for each token generated, and refunds the rest to you
Before anything is stored or spent the model is checked as a provider would (a GGUF of an architecture llama.cpp
runs) and the prompt is counted with its tokenizer: the prompt and --max-tokens must fit the model's context.
A prepared text-generation input (safetensors with metadata max_tokens) may be given with --input instead of
--prompt; --max-tokens then must equal its max_tokens.
job get shows a text generation's text, the tokens it produced and, once finalized, what was paid and refunded.

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
 * --per-token's max tokens: null without --per-token; else the text generation's max_tokens (a text-generation input
 * is required), and --max-tokens with an --input file must say the same (a provider generates what the input asks).
 */
function perTokenMaxTokens(
  values: { 'per-token'?: string | undefined; 'max-tokens'?: string | undefined; input?: string | undefined },
  text: TextGenerationInput | null,
  textProblem: string | null,
): number | null {
  if (text && values['max-tokens'] !== undefined && values.input !== undefined) {
    if (Number(values['max-tokens']) !== text.maxTokens) {
      throw new FlywheelError(
        `--max-tokens ${values['max-tokens']} is not the input's max_tokens (${text.maxTokens}): the job pays for at most what it asks for.`,
        { code: 'BAD_INPUT', action: `Leave out --max-tokens, or give --max-tokens ${text.maxTokens}.` },
      );
    }
  }
  if (values['per-token'] === undefined) {
    if (values['max-tokens'] !== undefined && !text)
      throw new FlywheelError('--max-tokens goes with a text generation (--prompt) or --per-token.', {
        code: 'BAD_INPUT',
        action: JOB_HELP,
      });
    return null;
  }
  if (!text) {
    throw new FlywheelError(`--per-token prices a text generation, and ${values.input} is not one.`, {
      code: 'BAD_INPUT',
      details: textProblem ?? 'its metadata has no max_tokens',
      action:
        'Post a text generation with --prompt "…" --max-tokens <n> on a GGUF model, or leave out --per-token.',
    });
  }
  return text.maxTokens;
}

/** Refuses a model and an input that do not go together, and the flags that do not fit a text generation. */
function checkModelAndInput(
  values: { model?: string | undefined; kind?: string | undefined },
  format: ModelFormat,
  text: TextGenerationInput | null,
  textProblem: string | null,
  policyAsked: VerificationPolicy | null,
): void {
  if (format === 'gguf') {
    if (!text) {
      throw new FlywheelError(
        `${values.model} is a GGUF model (llama.cpp): its jobs are text generations, and the input is not one` +
          (textProblem ? ` (${textProblem}).` : '.'),
        { code: 'BAD_INPUT', action: 'Give --prompt "…" --max-tokens <n> instead of --input.' },
      );
    }
    if (values.kind !== 'inference') {
      throw new FlywheelError(`A text generation is posted as an inference job, not ${values.kind}.`, {
        code: 'BAD_INPUT',
        action: 'Leave out --kind.',
      });
    }
    if (policyAsked && policyAsked.rule !== 'logprob') {
      throw new FlywheelError(
        `A text generation is judged by re-scoring its tokens: --policy ${policyAsked.rule} cannot judge it.`,
        { code: 'BAD_INPUT', action: 'Use --policy logprob[:<abs>], or leave out --policy (logprob, 0.05).' },
      );
    }
  } else if (text) {
    throw new FlywheelError(`A text generation runs a GGUF model (llama.cpp), and ${values.model} is ONNX.`, {
      code: 'BAD_INPUT',
      action: 'Give --model a .gguf file, or an --input for the ONNX model instead of a prompt.',
    });
  } else if (policyAsked?.rule === 'logprob') {
    throw new FlywheelError('--policy logprob judges text generations (GGUF models), not ONNX outputs.', {
      code: 'BAD_INPUT',
      action: 'Use exact, tolerance[:<abs>[,<rel>]] or argmax[:<agreement %>].',
    });
  }
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
      prompt: { type: 'string' },
      'prompt-file': { type: 'string' },
      temperature: { type: 'string' },
      seed: { type: 'string' },
      stop: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  for (const name of ['economy', 'model', 'fee'] as const) {
    if (!values[name])
      throw new FlywheelError(`--${name} is required.`, { code: 'BAD_INPUT', action: JOB_HELP });
  }
  if (!values.input && values.prompt === undefined && values['prompt-file'] === undefined) {
    throw new FlywheelError('--input is required (or --prompt, for a text generation).', {
      code: 'BAD_INPUT',
      action: JOB_HELP,
    });
  }
  const kind = values.kind as JobKind;
  if (kind !== 'inference' && kind !== 'fine-tune') {
    throw new FlywheelError(`--kind must be inference or fine-tune, not "${values.kind}".`, {
      code: 'BAD_INPUT',
    });
  }
  const policyAsked = values.policy === undefined ? null : parsePolicy(values.policy);
  // Every flag of a text generation, before any file is read.
  const made = textInputFromFlags(values);
  const modelBytes = readFile(values.model!, 'model');
  // Before anything is stored or registered: a model is ONNX or GGUF, never any file.
  const format = checkModelFile(values.model!, modelBytes);
  const inputBytes = made?.bytes ?? readFile(values.input!, 'input');
  try {
    readSafetensors(inputBytes);
  } catch (err) {
    throw new FlywheelError(`${values.input} is not a safetensors file.`, {
      code: 'BAD_INPUT',
      details: (err as Error).message,
    });
  }
  let text = made?.input ?? null;
  let textProblem: string | null = null;
  if (!text && isTextGenerationInput(inputBytes)) {
    try {
      text = parseTextGenerationInput(inputBytes);
    } catch (err) {
      textProblem = (err as Error).message;
    }
  }
  const maxTokens = perTokenMaxTokens(values, text, textProblem);
  checkModelAndInput(values, format, text, textProblem, policyAsked);
  // What a provider's llama.cpp would refuse the job for, said now: nothing is stored or spent yet.
  const fit = text ? await checkTextJob(values.model!, text) : null;

  const net = await openCliNetwork({
    dataDir: ctx.dataDir,
    log: ctx.log,
    ...(values['key-env'] ? { keyEnv: values['key-env'] } : {}),
  });
  try {
    const ref = await resolveEconomy(net.publicClient, net.factory, values.economy!);
    const fee = parseTokenAmount(values.fee!, ref.decimals, 'fee');
    const params = await net.publicClient.readContract({
      address: ref.economy,
      abi: economyAbi,
      functionName: 'params',
    });
    if (fee < params.minFee) {
      throw new FlywheelError(
        `--fee must be at least ${formatTokenAmount(params.minFee, ref.decimals)} ${ref.symbol} here.`,
        { code: 'BAD_INPUT' },
      );
    }
    const perToken =
      maxTokens === null
        ? undefined
        : {
            pricePerToken: parseTokenAmount(values['per-token']!, ref.decimals, 'per-token'),
            maxTokens,
          };
    if (perToken && perToken.pricePerToken === 0n) {
      throw new FlywheelError('--per-token must be more than 0.', {
        code: 'BAD_INPUT',
        action: 'Leave out --per-token for a flat fee.',
      });
    }
    const deadlineS = values.deadline ? Number(values.deadline) : Math.max(60, params.minDeadlineS);
    if (!Number.isInteger(deadlineS) || deadlineS < params.minDeadlineS) {
      throw new FlywheelError(
        `--deadline must be a whole number of seconds, at least ${params.minDeadlineS} here.`,
        {
          code: 'BAD_INPUT',
        },
      );
    }
    const escrow = fee + (perToken ? perToken.pricePerToken * BigInt(perToken.maxTokens) : 0n);
    const requester = await net.requester();
    const balance = await net.publicClient.readContract({
      address: ref.token,
      abi: economyTokenAbi,
      functionName: 'balanceOf',
      args: [requester.tx.address],
    });
    if (balance < escrow) {
      const amount = (v: bigint) => `${formatTokenAmount(v, ref.decimals)} ${ref.symbol}`;
      throw new FlywheelError(
        `The job escrows ${amount(escrow)} and ${requester.tx.address} holds ${amount(balance)}.`,
        {
          code: 'BAD_INPUT',
          action: perToken
            ? 'Lower --fee, --per-token or --max-tokens, or fund the account.'
            : 'Lower --fee, or fund the account.',
        },
      );
    }
    const blobs = await cliBlobs(ctx.dataDir, net.settings, ctx.log);
    progress(`Storing the model and the input (${net.label})`);
    const model = await blobs.publish(modelBytes);
    const input = await blobs.publish(inputBytes);

    const registered = await readModel(
      { publicClient: net.publicClient },
      { economy: ref.economy, modelHash: model.hash },
    );
    // The policy the model is (or will be) judged by: the economy's record wins over --policy.
    const policy =
      registered?.policy ??
      policyAsked ??
      referenceByHash(model.hash)?.verification ??
      parsePolicy(format === 'gguf' ? 'logprob' : 'tolerance');
    if (!registered) {
      progress(`Registering the model ${model.hash} in ${ref.name} (verified by: ${describePolicy(policy)})`);
      const admin = await net.admin();
      const actual = await net.publicClient.readContract({
        address: ref.economy,
        abi: economyAbi,
        functionName: 'admin',
      });
      if (actual.toLowerCase() !== admin.tx.address.toLowerCase()) {
        throw new FlywheelError(`${ref.name} does not know this model, and only its admin can register it.`, {
          code: 'CONFLICT',
          details: `model ${model.hash}; admin ${actual}`,
          action: 'Ask the economy’s admin to register it, or post with --key-env naming the admin’s key.',
        });
      }
      await registerModel(admin, {
        economy: ref.economy,
        modelHash: model.hash,
        uri: model.uri,
        kind,
        policy,
      });
    } else if (registered.kind !== kind) {
      throw new FlywheelError(`${ref.name} has this model as a ${registered.kind} model, not ${kind}.`, {
        code: 'BAD_INPUT',
        action: `Use --kind ${registered.kind}.`,
      });
    }

    await approveToken(requester, { token: ref.token, spender: ref.economy });
    progress(
      `Posting the job in ${ref.name} for ${formatTokenAmount(escrow, ref.decimals)} ${ref.symbol}` +
        (perToken
          ? ` (${formatTokenAmount(fee, ref.decimals)} + ${formatTokenAmount(perToken.pricePerToken, ref.decimals)}` +
            ` a token, at most ${perToken.maxTokens} tokens; what is not generated comes back)`
          : ''),
    );
    const posted = await postJob(requester, {
      economy: ref.economy,
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
    await assign(requester, { economy: ref.economy, jobId: posted.jobId, drawBlock: posted.block }).catch(
      () => undefined,
    );
    printResult(
      {
        network: net.label,
        economy: ref.economy,
        economyName: ref.name,
        jobId: posted.jobId.toString(),
        kind,
        modelHash: model.hash,
        modelUri: model.uri,
        modelRegistered: !registered,
        policy: describePolicy(policy),
        inputHash: input.hash,
        inputUri: input.uri,
        ...(text && fit
          ? {
              textGeneration: true,
              promptTokens: fit.promptTokens,
              maxTokens: text.maxTokens,
              contextSize: fit.contextSize,
              temperature: text.temperature,
              seed: text.seed,
              ...(text.stop.length ? { stop: text.stop } : {}),
            }
          : {}),
        fee: formatTokenAmount(fee, ref.decimals),
        ...(perToken
          ? {
              perToken: formatTokenAmount(perToken.pricePerToken, ref.decimals),
              maxTokens: perToken.maxTokens,
            }
          : {}),
        escrow: formatTokenAmount(escrow, ref.decimals),
        token: ref.symbol,
        deadlineS,
        txHash: posted.hash,
      },
      values.json,
    );
  } finally {
    await net.close();
  }
}

/** The job id `flywheel job get|cancel <id>` names: digits (ids count per economy). */
function jobIdArg(positionals: string[], sub: 'get' | 'cancel'): string {
  const id = positionals[0];
  if (!id || !/^\d+$/.test(id))
    throw new FlywheelError(`Give the job id: flywheel job ${sub} <id> [--economy …]`, {
      code: 'BAD_INPUT',
      action: JOB_HELP,
    });
  return id;
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
  const id = jobIdArg(positionals, 'get');
  // Job ids count per economy; without --economy the id is the genesis economy's.
  const economyRef = values.economy ?? 'genesis';
  const waitS = values.wait ? Number(values.wait) : 0;
  if (!Number.isFinite(waitS) || waitS < 0)
    throw new FlywheelError('--wait takes seconds.', { code: 'BAD_INPUT' });

  const net = await openCliNetwork({ dataDir: ctx.dataDir, log: ctx.log });
  try {
    const ref = await resolveEconomy(net.publicClient, net.factory, economyRef);
    const jobId = BigInt(id);
    const client = { publicClient: net.publicClient };
    let job = await readJob(client, { economy: ref.economy, jobId });
    if (job.status === 'None')
      throw new FlywheelError(`${ref.name} has no job ${id}.`, { code: 'NOT_FOUND' });
    // --wait: until the job has an output (or is over), polling the chain.
    const end = Date.now() + waitS * 1000;
    const hasOutput = () => ['Submitted', 'Voting', 'Finalized', 'Rejected'].includes(job.status);
    while (!hasOutput() && !isFinalJobStatus(job.status) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 250));
      job = await readJob(client, { economy: ref.economy, jobId });
    }
    const posted = await readJobPosted(client, { economy: ref.economy, jobId });
    const results = await net.publicClient.getContractEvents({
      address: ref.economy,
      abi: economyAbi,
      eventName: 'ResultSubmitted',
      args: { jobId },
      fromBlock: posted.block,
      toBlock: 'latest',
    });
    const result = results.at(-1)?.args;
    const history = await jobHistory(net.publicClient, ref.economy, jobId, posted.block);
    const model = await readModel(client, { economy: ref.economy, modelHash: posted.modelHash });
    const params = await net.publicClient.readContract({
      address: ref.economy,
      abi: economyAbi,
      functionName: 'params',
    });
    let blobs: CliBlobs | null = null;
    let outputBytes: Uint8Array | null = null;
    const output = async (): Promise<Uint8Array> => {
      blobs ??= await cliBlobs(ctx.dataDir, net.settings, ctx.log);
      return (outputBytes ??= await blobs.fetch(result!.outputURI!, result!.outputHash as Hash));
    };
    let saved: string | undefined;
    if (values.out) {
      if (!result?.outputHash || !result.outputURI) {
        throw new FlywheelError(`Job ${id} has no output yet (it is ${job.status}).`, {
          code: 'NOT_FOUND',
          action: 'Try again later, or pass --wait <seconds>.',
        });
      }
      writeFileSync(values.out, await output());
      saved = values.out;
    }
    // A text generation (priced per token, or a model judged by its logprobs): its text, from the output.
    let generation: Record<string, unknown> | null = null;
    if ((job.maxTokens || model?.policy.rule === 'logprob') && result?.outputHash && result.outputURI) {
      try {
        const out = readTextGenerationOutput(await output());
        // Priced per token, `tokens` above is the count the result claims (validators check it is the output's).
        generation = {
          text: out.text,
          finishReason: out.finishReason,
          ...(job.maxTokens ? {} : { tokens: out.tokens.length }),
        };
      } catch (err) {
        generation = { text: null, textUnavailable: (err as Error).message.split('\n')[0] };
      }
    }
    const amount = (v: bigint) => formatTokenAmount(v, ref.decimals);
    // What the requester paid in the end: the escrow less what came back (the tokens not generated).
    const [tokensPaid] =
      job.status === 'Finalized' && job.maxTokens
        ? await net.publicClient.getContractEvents({
            address: ref.economy,
            abi: economyAbi,
            eventName: 'JobTokensPaid',
            args: { jobId },
            fromBlock: posted.block,
            toBlock: 'latest',
          })
        : [];
    const refunded =
      job.status === 'Finalized'
        ? (tokensPaid?.args.refund ?? 0n)
        : job.status === 'Refunded'
          ? posted.fee
          : null;
    printResult(
      {
        economy: ref.economy,
        economyName: ref.name,
        jobId: id,
        status: job.status,
        kind: posted.kind,
        provider: job.provider,
        requester: posted.requester,
        // Priced per token: the escrow is the fee (the base) plus per-token × max tokens.
        ...(job.maxTokens
          ? {
              fee: amount(posted.fee - job.pricePerToken * BigInt(job.maxTokens)),
              perToken: amount(job.pricePerToken),
              maxTokens: job.maxTokens,
              escrow: amount(posted.fee),
              // The tokens the result claims, which it is paid for.
              tokens: job.tokens,
            }
          : { fee: amount(posted.fee) }),
        ...(refunded !== null ? { paid: amount(posted.fee - refunded), refunded: amount(refunded) } : {}),
        ...(generation ?? {}),
        token: ref.symbol,
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
  const id = jobIdArg(positionals, 'cancel');
  const net = await openCliNetwork({
    dataDir: ctx.dataDir,
    log: ctx.log,
    ...(values['key-env'] ? { keyEnv: values['key-env'] } : {}),
  });
  try {
    const ref = await resolveEconomy(net.publicClient, net.factory, values.economy ?? 'genesis');
    const jobId = BigInt(id);
    const job = await readJob({ publicClient: net.publicClient }, { economy: ref.economy, jobId });
    if (job.status === 'None')
      throw new FlywheelError(`${ref.name} has no job ${id}.`, { code: 'NOT_FOUND' });
    const requester = await net.requester();
    checkCancel(job, jobId, requester.tx.address);
    const receipt = await cancelPostedJob(requester, { economy: ref.economy, jobId });
    const after = await readJob({ publicClient: net.publicClient }, { economy: ref.economy, jobId });
    printResult(
      {
        network: net.label,
        economy: ref.economy,
        economyName: ref.name,
        jobId: id,
        status: after.status,
        refunded: formatTokenAmount(job.fee, ref.decimals),
        token: ref.symbol,
        txHash: receipt.hash,
      },
      values.json,
    );
  } finally {
    await net.close();
  }
}
