import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address, Hash } from 'viem';
import { approveToken } from '../../../src/main/chain/actions/approveToken';
import { assign } from '../../../src/main/chain/actions/assign';
import { declineJob } from '../../../src/main/chain/actions/declineJob';
import { postJob } from '../../../src/main/chain/actions/postJob';
import { readAccount } from '../../../src/main/chain/actions/readAccount';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { registerProvider } from '../../../src/main/chain/actions/registerProvider';
import type { ActionClient } from '../../../src/main/chain/actions/send';
import type { StoredLog } from '../../../src/main/chain/sync/storedLog';
import { refundInfo } from '../../../src/main/jobs/refund';
import type { DeclineReasonName } from '../../../src/shared/decline';
import type { JobDetail } from '../../../src/shared/api';
import { useAnvil } from '../../helpers/anvil';
import { anvilControl } from '../../helpers/chain';
import { actor, deployMarket, TOKEN, type Market } from '../../helpers/market';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';

/**
 * "Requesters get their money back": a job every provider declined is refunded by itself at the
 * economy's maxDeclines (3 here), each decline's reason shown; a job nobody can be drawn for any more (fewer
 * providers than maxDeclines, all of them declined) stays Posted and its requester cancels it from this node.
 * Real anvil, real contracts, a real node whose wallet posts the job.
 */
describe('a requester gets the fee back: refunded at maxDeclines, or cancelled', { timeout: 120_000 }, () => {
  const chain = useAnvil({ chainId: 31337 });
  let market: Market;
  let node: ProviderNode;
  let providers: (ActionClient & { close(): Promise<void> })[] = [];
  let modelHash: Hash;
  const input = { hash: '0x' as Hash, uri: '' };

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl);
    const economy = market.genesis.economy;
    // The node's wallet (dev key 4) posts jobs as a requester; it is not a provider anywhere.
    node = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 4 });
    await market.fund(market.genesis, node.address, 100n * TOKEN);
    const model = await node.put(tinyModel());
    modelHash = await market.registerModel(economy, tinyModel(), model.uri);
    Object.assign(input, await node.put(tinyInput(1)));
    providers = [await actor(chain.rpcUrl, 5), await actor(chain.rpcUrl, 6), await actor(chain.rpcUrl, 7)];
    for (const a of providers) {
      await market.fund(market.genesis, a.tx.address, 1_000n * TOKEN);
      await approveToken(a, { token: market.genesis.token, spender: economy });
    }
  }, 60_000);
  afterAll(async () => {
    for (const a of providers) await a.close();
    await node?.stop();
    await market?.close();
  });

  const economy = () => market.genesis.economy;
  const detail = (jobId: bigint) => node.call<JobDetail>('jobs.get', { key: `${economy()}:${jobId}` });

  /** Posts from the node's own wallet, through its own transaction manager. */
  async function postFromNode(): Promise<bigint> {
    const sender = await node.node.onchain.chain.actionClient();
    await approveToken(sender, { token: market.genesis.token, spender: economy() });
    const { jobId } = await postJob(sender, {
      economy: economy(),
      kind: 'inference',
      modelHash,
      inputHash: input.hash,
      inputUri: input.uri,
      fee: 2n * TOKEN,
      deadlineS: 60,
      key: `refund-test:${Math.random()}`,
    });
    return jobId;
  }

  /** Draws the job and has whichever provider was drawn decline it with `reason`; false when nobody was drawn. */
  async function drawAndDecline(jobId: bigint, reason: DeclineReasonName): Promise<boolean> {
    for (let i = 0; i < 3; i++) {
      const job = await readJob(market.requester, { economy: economy(), jobId });
      if (job.status !== 'Posted') break;
      await assign(market.requester, { economy: economy(), jobId, drawBlock: job.drawBlock });
    }
    const job = await readJob(market.requester, { economy: economy(), jobId });
    if (job.status !== 'Assigned') return false;
    const drawn = providers.find((a) => a.tx.address.toLowerCase() === job.provider!.toLowerCase())!;
    await declineJob(drawn, { economy: economy(), jobId, reason });
    return true;
  }

  it('a job its only provider declined stays Posted; the node says when it can be cancelled, then cancels it', async () => {
    await registerProvider(providers[0]!, {
      economy: economy(),
      bond: 200n * TOKEN,
      kinds: ['inference'],
      capacity: 4,
    });
    const jobId = await postFromNode();
    expect(await drawAndDecline(jobId, 'INPUT_INVALID')).toBe(true);
    // Nobody else is eligible: each further draw keeps nobody, the job stays Posted with its fee held.
    expect(await drawAndDecline(jobId, 'INPUT_INVALID')).toBe(false);
    const chainJob = await readJob(market.requester, { economy: economy(), jobId });
    expect(chainJob.status).toBe('Posted');

    let d = await detail(jobId);
    expect(d.status).toBe('Posted');
    expect(d.declines).toEqual([
      expect.objectContaining({
        provider: expect.stringMatching(new RegExp(providers[0]!.tx.address, 'i')),
        reason: 'INPUT_INVALID',
        label: 'Input invalid',
      }),
    ]);
    const from = chainJob.drawBlock + 257n;
    expect(d.refund).toMatchObject({
      yours: true,
      maxDeclines: 3,
      cancellable: false,
      cancellableFromBlock: from.toString(),
    });
    expect(d.refund.text).toMatch(
      /^1 of 3 declines, no-shows or timeouts so far\. Refunded by itself at the 3rd decline/,
    );
    expect(d.refund.text).toContain(`You can cancel it from block ${from}`);

    // Too early: the contract's rule in words, not a bare revert.
    await expect(node.call('jobs.cancel', { key: `${economy()}:${jobId}` })).rejects.toMatchObject({
      code: 'CONFLICT',
      shortMessage: expect.stringContaining(`cannot be cancelled yet: it can be from block ${from}`),
    });

    await anvilControl(chain.rpcUrl).mine({ blocks: 257 });
    d = await detail(jobId);
    expect(d.refund).toMatchObject({ cancellable: true, cancellableFromBlock: null });
    expect(d.refund.text).toContain('You can cancel it now to take the fee back.');

    const before = await readAccount(market.requester, { economy: economy(), account: node.address });
    d = await node.call<JobDetail>('jobs.cancel', { key: `${economy()}:${jobId}` });
    expect(d.status).toBe('Refunded');
    expect(d.refund).toMatchObject({ cancellable: false, yours: true });
    expect(d.refund.text).toBe(
      'Cancelled by you: the fee went to your claimable balance. Withdraw it from Earnings.',
    );
    const after = await readAccount(market.requester, { economy: economy(), account: node.address });
    expect(after.claimable - before.claimable).toBe(2n * TOKEN);

    // A second cancel says what happened instead of sending anything.
    await expect(node.call('jobs.cancel', { key: `${economy()}:${jobId}` })).rejects.toMatchObject({
      code: 'CONFLICT',
      shortMessage: `Job ${jobId} was already refunded.`,
    });
  });

  it('a job every provider declined is refunded by itself at maxDeclines, each reason shown', async () => {
    for (const a of providers.slice(1))
      await registerProvider(a, {
        economy: economy(),
        bond: 200n * TOKEN,
        kinds: ['inference'],
        capacity: 4,
      });
    // Posted by someone else: this node sees the reasons and the refund, and cannot cancel it.
    const jobId = await market.post({
      economy: economy(),
      modelHash,
      inputHash: input.hash,
      inputUri: input.uri,
    });
    const reasons: DeclineReasonName[] = ['INPUT_INVALID', 'DEADLINE_INFEASIBLE', 'OVER_CAPACITY'];
    for (const reason of reasons) expect(await drawAndDecline(jobId, reason)).toBe(true);
    expect((await readJob(market.requester, { economy: economy(), jobId })).status).toBe('Refunded');

    const d = await detail(jobId);
    expect(d.status).toBe('Refunded');
    expect(d.declines.map((x) => x.label)).toEqual(['Input invalid', 'Deadline infeasible', 'Over capacity']);
    expect(new Set(d.declines.map((x) => x.provider.toLowerCase())).size).toBe(3);
    expect(d.refund).toMatchObject({ yours: false, cancellable: false, maxDeclines: 3 });
    expect(d.refund.text).toBe(
      'Refunded by itself after 3 declines, no-shows or timeouts (this economy refunds at the 3rd decline, no-show or timeout): the fee went to the requester’s claimable balance.',
    );
    await expect(node.call('jobs.cancel', { key: `${economy()}:${jobId}` })).rejects.toMatchObject({
      code: 'CONFLICT',
      shortMessage: expect.stringMatching(
        new RegExp(`^Job ${jobId} is not yours: only its requester 0x[0-9a-fA-F]{40} can cancel it\\.$`),
      ),
    });
  });
});

describe('refundInfo: the fee in words for each state', () => {
  const me = '0x00000000000000000000000000000000000000aa' as Address;
  const other = '0x00000000000000000000000000000000000000bb' as Address;
  let n = 0;
  const log = (name: string, tx = `0x${(++n).toString(16).padStart(64, '0')}`): StoredLog => ({
    id: `${n}`,
    address: other,
    block: n,
    blockHash: tx as Hash,
    logIndex: 0,
    tx: tx as Hash,
    t: n,
    name,
    args: {},
  });
  const base = { requester: me, me, maxDeclines: 3, drawBlock: null, latestBlock: null };

  it('a rejected result, a finalized job and one being worked on', () => {
    expect(refundInfo({ ...base, status: 'Rejected', events: [] }).text).toBe(
      'The result was rejected: the fee went back to your claimable balance.',
    );
    expect(refundInfo({ ...base, status: 'Finalized', events: [] }).text).toMatch(/paid the provider/);
    expect(refundInfo({ ...base, status: 'Assigned', events: [] }).text).toMatch(
      /refunded by itself at the 3rd decline, no-show or timeout\.$/,
    );
  });

  it('16 draws that kept nobody make a Posted job cancellable at once, before the block delay', () => {
    const misses = Array.from({ length: 16 }, () => log('DrawMissed'));
    const posted = { ...base, status: 'Posted' as const, drawBlock: 100n, latestBlock: 120n };
    expect(refundInfo({ ...posted, events: misses.slice(1) })).toMatchObject({
      cancellable: false,
      cancellableFromBlock: '357',
    });
    expect(refundInfo({ ...posted, events: misses })).toMatchObject({
      cancellable: true,
      cancellableFromBlock: null,
    });
    // Someone else's job: never cancellable from here, the rule still said.
    const theirs = refundInfo({ ...posted, me: other, events: misses });
    expect(theirs.cancellable).toBe(false);
    expect(theirs.text).toContain('its requester can cancel it now');
  });

  it('a refund in the same transaction as the last no-show is the automatic one', () => {
    const tx = `0x${'f'.repeat(64)}`;
    const events = [log('JobDeclined'), log('JobTimedOut'), log('JobNoShow', tx), log('JobRefunded', tx)];
    expect(refundInfo({ ...base, status: 'Refunded', events }).text).toMatch(
      /^Refunded by itself after 3 declines/,
    );
  });
});
