import { join } from 'node:path';
import { keccak256, toHex, type Address, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkPenalty, Penalty } from '../../../src/shared/api';
import { defaultSettings } from '../../../src/shared/api/settings';
import { policyOf } from '../../../src/shared/policy';
import { BlobStore } from '../../../src/main/blobs/store';
import { approveToken } from '../../../src/main/chain/actions/approveToken';
import { challenge } from '../../../src/main/chain/actions/challenge';
import { commitChallenge } from '../../../src/main/chain/actions/commitChallenge';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { registerProvider } from '../../../src/main/chain/actions/registerProvider';
import { registerValidator } from '../../../src/main/chain/actions/registerValidator';
import { reportTimeout } from '../../../src/main/chain/actions/reportTimeout';
import { resolveChallenge } from '../../../src/main/chain/actions/resolveChallenge';
import { sendCall, type ActionClient } from '../../../src/main/chain/actions/send';
import { submitResult } from '../../../src/main/chain/actions/submitResult';
import { vote } from '../../../src/main/chain/actions/vote';
import { economyAbi } from '../../../src/main/chain/artifacts';
import { devnetParams } from '../../../src/main/chain/deploy';
import { ChainService } from '../../../src/main/chain/chainService';
import { EventFeed } from '../../../src/main/chain/sync/feed';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { EventBus } from '../../../src/main/events';
import { Journal } from '../../../src/main/jobs/journal';
import { LogSink } from '../../../src/main/log';
import { evidenceReader, modelPolicyReader } from '../../../src/main/penalties/evidence';
import { PenaltiesService } from '../../../src/main/penalties/penaltiesService';
import { buildEvidence, encodeEvidence } from '../../../src/main/verification/evidence';
import { falsifyOutput } from '../../../src/main/verification/falsify';
import { compareOutputs } from '../../../src/main/verification/policy';
import { Wallet } from '../../../src/main/wallet/wallet';
import { DEV_PRIVATE_KEYS, useAnvil } from '../../helpers/anvil';
import { anvilControl, until } from '../../helpers/chain';
import { actor, deployMarket, TOKEN, type Market } from '../../helpers/market';
import { memoryKeyProtector } from '../../helpers/memoryKeyProtector';
import { tinyModel } from '../../helpers/provider';
import { tempDir } from '../../helpers/tmp';

/**
 * The penalties service over the node's real event copy of a real anvil: a provider lets one job pass without
 * accepting it (a no-show), loses a challenge of a wrong result (the challenger's evidence fetched and put in
 * words, with the vote), misses an accepted job's deadline, and loses a second challenge whose evidence cannot be
 * fetched — its third strike jails it.
 */
const sink = new LogSink({ consoleLevel: 'silent' });
const argmax99 = policyOf({ rule: 'argmax', minAgreementBps: 9_900 });
const params = { acceptWindowS: 10, minDeadlineS: 30, challengeWindowS: 30, voteWindowS: 10 };
type Actor = ActionClient & { close(): Promise<void> };

/** A softmax over 10 classes for 40 rows: the kind of output an argmax policy judges. */
function softmaxOutput(): Uint8Array {
  const rows = 40;
  const p = new Float32Array(rows * 10);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < 10; c++) p[r * 10 + c] = c === (r * 3) % 10 ? 0.82 : 0.02;
  }
  return writeSafetensors([tensorOf('probs', 'F32', [1, rows, 10], p)]);
}

describe('penalties service', { timeout: 120_000 }, () => {
  const chain = useAnvil({ chainId: 31337 });
  const temp = tempDir('flywheel-penalties-service-');
  let market: Market;
  let economy: Address;
  let provider: Actor;
  let validators: Actor[];
  let blobs: BlobStore;
  let modelHash: Hash;
  let chainService: ChainService;
  let feed: EventFeed;
  let service: PenaltiesService;
  const events = new EventBus();
  const pushed: Penalty[] = [];
  events.subscribe((m) => m.name === 'penalties.added' && pushed.push(m.payload as Penalty));
  const jobs: Record<'noShow' | 'lost' | 'timeout' | 'unfetchable', bigint> = {
    noShow: 0n,
    lost: 0n,
    timeout: 0n,
    unfetchable: 0n,
  };
  const right = softmaxOutput();
  const wrong = falsifyOutput(right, argmax99);

  async function later(seconds: number) {
    await anvilControl(chain.rpcUrl).increaseTime({ seconds });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
  }

  async function drawn(): Promise<bigint> {
    const input = keccak256(toHex(`input ${Math.random()}`));
    const { jobId, drawn } = await market.postDrawn({
      economy,
      modelHash,
      inputHash: input,
      inputUri: 'blob:input',
      deadlineS: 30,
    });
    expect(drawn).toBe(true);
    return jobId;
  }

  async function accept(jobId: bigint) {
    await sendCall({
      client: provider,
      abi: economyAbi,
      address: economy,
      functionName: 'acceptJob',
      args: [jobId],
      key: `accept:${jobId}`,
      label: 'accept',
    });
  }

  /** The provider submits a wrong output; validator 0 challenges it with `evidenceUri`, the others vote; resolved. */
  async function lostChallenge(
    evidenceUri: (jobId: bigint, output: Hash) => Promise<string>,
  ): Promise<bigint> {
    const jobId = await drawn();
    await accept(jobId);
    const output = await blobs.put(wrong);
    await submitResult(provider, { economy, jobId, outputHash: output.hash, outputUri: output.uri });
    const { salt } = await commitChallenge(validators[0]!, { economy, jobId });
    await challenge(validators[0]!, {
      economy,
      jobId,
      salt,
      evidenceUri: await evidenceUri(jobId, output.hash),
    });
    for (const v of validators.slice(1)) await vote(v, { economy, jobId, resultValid: false });
    await later(params.voteWindowS + 1);
    await resolveChallenge(market.requester, { economy, jobId });
    expect((await readJob(provider, { economy, jobId })).status).toBe('Rejected');
    return jobId;
  }

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl, { params });
    economy = market.genesis.economy;
    blobs = new BlobStore({
      root: join(temp.dir, 'blobs'),
      settings: () => defaultSettings,
      log: sink.logger('b'),
    });
    const model = tinyModel();
    modelHash = await market.registerModel(
      economy,
      model,
      (await blobs.put(model)).uri,
      'inference',
      argmax99,
    );
    provider = await actor(chain.rpcUrl, 2);
    validators = [await actor(chain.rpcUrl, 5), await actor(chain.rpcUrl, 6), await actor(chain.rpcUrl, 7)];
    for (const a of [provider, ...validators]) {
      await market.fund(market.genesis, a.tx.address, 1_000n * TOKEN);
      await approveToken(a, { token: market.genesis.token, spender: economy });
    }
    await registerProvider(provider, { economy, bond: 200n * TOKEN, kinds: ['inference'], capacity: 4 });
    for (const v of validators) await registerValidator(v, { economy, bond: devnetParams.validatorMinBond });

    // The node's side: its event copy of the chain, its (empty) job journal, its blob store.
    const wallet = await Wallet.open({
      dir: join(temp.dir, 'wallet'),
      protector: memoryKeyProtector(),
      payoutAddress: () => null,
      log: sink.logger('wallet'),
    });
    await wallet.import({ privateKey: DEV_PRIVATE_KEYS[3] });
    chainService = new ChainService({ dataDir: temp.dir, wallet, events, log: sink.logger('chain') });
    await chainService.connect(market.endpoint());
    const account = () => provider.tx.address;
    feed = new EventFeed({ chain: chainService, dataDir: temp.dir, log: sink.logger('feed'), account });
    service = new PenaltiesService({
      feed,
      journal: Journal.open(Journal.path(temp.dir), { log: sink.logger('journal') }),
      events,
      account,
      jailStrikes: async () => devnetParams.jailStrikes,
      readEvidence: evidenceReader(blobs),
      policy: modelPolicyReader(chainService),
    });

    // A job drawn for it that it never accepts: a no-show once the accept window is over.
    jobs.noShow = await drawn();
    await later(params.acceptWindowS + 1);
    const noShow = await readJob(provider, { economy, jobId: jobs.noShow });
    await reportTimeout(market.requester, { economy, jobId: jobs.noShow, deadline: BigInt(noShow.deadline) });

    // A wrong result, challenged with evidence that is in the blob store.
    jobs.lost = await lostChallenge(async (jobId, output) => {
      const verdict = compareOutputs(argmax99, { bytes: wrong, hash: output }, { bytes: right });
      const job = {
        economy,
        jobId,
        provider: provider.tx.address,
        challenger: validators[0]!.tx.address,
        modelHash,
        inputHash: keccak256(toHex('input')),
        submittedUri: `blob:${output}`,
        referenceUri: null,
      };
      return (await blobs.put(encodeEvidence(buildEvidence(job, verdict)))).uri;
    });

    // An accepted job whose deadline passes.
    jobs.timeout = await drawn();
    await accept(jobs.timeout);
    await later(31);
    const late = await readJob(provider, { economy, jobId: jobs.timeout });
    await reportTimeout(market.requester, { economy, jobId: jobs.timeout, deadline: BigInt(late.deadline) });

    // A wrong result challenged with evidence nobody stored: the third strike.
    jobs.unfetchable = await lostChallenge(async () => `blob:${keccak256(toHex('evidence nobody kept'))}`);
    await until('the node’s copy of every event', async () => {
      await feed.refresh();
      return (feed.sync?.all() ?? []).some((l) => l.name === 'ProviderJailed');
    });
  }, 120_000);

  afterAll(async () => {
    service?.close();
    feed?.close();
    await chainService?.close();
    for (const a of [provider, ...(validators ?? [])]) await a?.close();
    await market?.close();
    temp.cleanup();
  });

  const penalty = (list: Penalty[], kind: Penalty['kind'], jobId: bigint) =>
    list.find((p) => p.kind === kind && p.jobId === String(jobId));

  it('names a lost challenge’s rule and gives its evidence in words: the policy, the figures, the vote', async () => {
    const list = await service.list();
    const lost = penalty(list, 'challenge-lost', jobs.lost)!;
    const collateral = 5n * TOKEN; // max(2 × the 2-token fee, the 5-token minimum)
    expect(lost).toMatchObject({ economy, amount: collateral.toString() });
    expect(lost.evidence.rule).toBe('lost-challenge');
    const split = lost.evidence.split!;
    expect(BigInt(split.burned) + BigInt(split.toWinner) + BigInt(split.toVoters)).toBe(collateral);
    expect(BigInt(split.toVoters)).toBeGreaterThan(0n);
    const c = lost.evidence.challenge!;
    expect(c).toMatchObject({
      challenger: validators[0]!.tx.address,
      policy: 'argmax agreement ≥ 99 %',
      unavailable: null,
      policyMismatch: null,
      vote: {
        validWeight: '0',
        invalidWeight: (devnetParams.challengeBond + 2n * devnetParams.validatorMinBond).toString(),
        quorum: ((3n * devnetParams.validatorMinBond * BigInt(devnetParams.quorumBps)) / 10_000n).toString(),
        quorumMet: true,
        resultValid: false,
      },
    });
    expect(c.evidenceUri).toMatch(/^blob:0x[0-9a-f]{64}$/);
    expect(c.figures).toMatch(/^agreement \d+(\.\d)? % < 99 % \(\d+ of 40 rows differ\)$/);
    expect(c.detail).toMatch(
      /^first differing row probs\[0, \d+\]: largest value at \d, the re-run’s at \d$/,
    );
    expect(c.submittedHash).toBe(keccak256(wrong));
    expect(c.referenceHash).toBe(keccak256(right));
    expect(lost.evidence.reason).toBe(
      `validators voted the result invalid (policy: argmax agreement ≥ 99 %): ${c.figures}`,
    );
    expect(lost.advice).toMatch(/failed the model’s policy \(argmax agreement ≥ 99 %\)/);
  });

  it('says plainly when a challenge’s evidence cannot be fetched, and still shows the policy and the vote', async () => {
    const lost = penalty(await service.list(), 'challenge-lost', jobs.unfetchable)!;
    const c = lost.evidence.challenge!;
    expect(c.unavailable).toMatch(
      /^The challenger’s evidence \(blob:0x[0-9a-f]{64}\) could not be fetched or read: That blob is not in the local store\.$/,
    );
    expect(c).toMatchObject({ policy: 'argmax agreement ≥ 99 %', figures: null, vote: { quorumMet: true } });
    expect(lost.evidence.reason).toBe('validators voted the result invalid');
  });

  it('tells a missed deadline’s slash from a lost challenge, and lists the no-show, strikes and the jail', async () => {
    const list = await service.list();
    const slash = penalty(list, 'slash', jobs.timeout)!;
    expect(slash.evidence).toMatchObject({
      rule: 'missed-deadline',
      reason: 'SLA collateral taken for a missed deadline',
    });
    expect(BigInt(slash.evidence.split!.toRequester) + BigInt(slash.evidence.split!.toTreasury)).toBe(
      BigInt(slash.amount!),
    );
    expect(penalty(list, 'timeout', jobs.timeout)!.evidence).toMatchObject({ submittedAt: null });
    expect(penalty(list, 'no-show', jobs.noShow)!.evidence.reason).toBe(
      '1 in a row without accepting (the provider is paused at 3)',
    );
    expect(list.filter((p) => p.kind === 'strike').map((p) => p.evidence.reason)).toEqual([
      'strike 3 of 3',
      'strike 2 of 3',
      'strike 1 of 3',
    ]);
    expect(list[0]!.kind).toBe('jail');
    // The jail names the strikes behind it: one missed deadline, two results voted invalid.
    expect(list[0]!.evidence.reason).toMatch(
      / after 3 strikes: 1 missed deadline and 2 results voted invalid$/,
    );
    // The strike that jailed says so; only the one before it warns.
    const strikeAdvice = list.filter((p) => p.kind === 'strike').map((p) => p.advice);
    expect(strikeAdvice[0]).toMatch(/^This strike reached the economy’s limit: the provider was jailed/);
    expect(strikeAdvice[1]).toMatch(/^One more missed deadline or invalid result jails this provider/);
    // Newest first.
    expect([...list].sort((a, b) => b.block - a.block || 0).map((p) => p.id)).toEqual(list.map((p) => p.id));
    // Each was also pushed the moment the node's copy saw it.
    await until('every penalty pushed', () => pushed.length >= list.length);
    expect(new Set(pushed.map((p) => p.id))).toEqual(new Set(list.map((p) => p.id)));
    expect(
      pushed.find((p) => p.kind === 'challenge-lost' && p.jobId === String(jobs.lost))!.evidence.challenge,
    ).toMatchObject({ policy: 'argmax agreement ≥ 99 %', unavailable: null });
  });

  it('shows other providers’ lost challenges with their figures, and missed deadlines, across the network', async () => {
    const other = new PenaltiesService({
      feed,
      journal: { get: () => undefined },
      events,
      account: () => market.requester.tx.address,
      jailStrikes: async () => devnetParams.jailStrikes,
      readEvidence: evidenceReader(blobs),
      policy: modelPolicyReader(chainService),
    });
    let seen: NetworkPenalty[] = [];
    try {
      seen = await other.network();
    } finally {
      other.close();
    }
    const byJob = (jobId: bigint) => seen.find((p) => p.jobId === String(jobId));
    expect(byJob(jobs.lost)).toMatchObject({ kind: 'challenge-lost', rule: 'lost-challenge' });
    expect(byJob(jobs.lost)!.reason).toMatch(
      /^validators voted its result invalid \(policy: argmax agreement ≥ 99 %\): agreement [\d.]+ % < 99 % \(\d+ of 40 rows differ\)$/,
    );
    expect(byJob(jobs.timeout)).toMatchObject({
      kind: 'slash',
      rule: 'missed-deadline',
      reason: 'it missed the deadline',
    });
    const jail = seen.find((p) => p.kind === 'jail')!;
    expect(jail.provider).toBe(provider.tx.address);
    expect(jail.reason).toBe('3 strikes: 1 missed deadline and 2 results voted invalid');
    // A no-show is no slash: it is not among them.
    expect(byJob(jobs.noShow)).toBeUndefined();
  });
});
