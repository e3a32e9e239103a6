import { EventEmitter } from 'node:events';
import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { readProvider } from '../../../src/main/chain/actions/readProvider';
import { economyAbi } from '../../../src/main/chain/artifacts';
import { watchSleep } from '../../../src/main/shell/sleep';
import type { ProviderState } from '../../../src/shared/api';
import { useAnvil } from '../../helpers/anvil';
import { until } from '../../helpers/chain';
import { deployMarket, TOKEN, testWindows, type Market } from '../../helpers/market';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';

/**
 * "Leave cleanly" for OS sleep: the desktop shell hands Electron's powerMonitor to watchSleep; here an
 * EventEmitter stands in for it, with a real node on a real anvil. Suspend → paused on-chain (the switch stays on),
 * no job drawn while asleep; resume → active again by itself; shutdown → the app is asked to quit in order.
 */
describe('OS sleep pauses on-chain, waking resumes, real anvil and a real node', { timeout: 120_000 }, () => {
  const chain = useAnvil({ chainId: 31337 });
  let market: Market;
  let p: ProviderNode;
  const power = new EventEmitter();
  let quits = 0;
  let stop: () => void;

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl, {
      params: testWindows({ acceptWindowS: 10, minDeadlineS: 20 }),
    });
    p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 3 });
    await market.fund(market.genesis, p.address, 1_000n * TOKEN);
    await p.call('provider.join', { economy: market.genesis.economy, bond: (200n * TOKEN).toString() });
    await p.call('provider.start');
    await until('active on-chain', async () => (await standing()).status === 'Active', 20_000);
    // The OS's few seconds before sleep (SUSPEND_PAUSE_MS) are not what is tested here: on two loaded CI cores the
    // pause took longer than that to land, so the test gives it the time the waits below give it.
    stop = watchSleep(power, p.node.onchain.provider, {
      log: p.node.log,
      quit: () => quits++,
      pauseTimeoutMs: 20_000,
    });
  }, 60_000);
  afterAll(async () => {
    stop?.();
    await p?.stop();
    await market?.close();
  });

  const standing = () =>
    readProvider(market.requester, { economy: market.genesis.economy, account: getAddress(p.address) });

  it('suspend pauses on-chain and says so; nothing is drawn while asleep; resume brings it back', async () => {
    power.emit('suspend');
    await until('paused on-chain', async () => (await standing()).status === 'Paused', 20_000);
    const asleep = await p.call<ProviderState>('provider.get');
    expect(asleep).toMatchObject({
      status: 'held',
      reason: 'The computer is going to sleep: paused on-chain until it wakes',
    });

    const { hash: modelHash, uri } = await p.put(tinyModel());
    await market.registerModel(market.genesis.economy, tinyModel(), uri);
    const input = await p.put(tinyInput(1));
    const { jobId, drawn } = await market.postDrawn({
      economy: market.genesis.economy,
      modelHash,
      inputHash: input.hash,
      inputUri: input.uri,
      deadlineS: 30,
    });
    expect(drawn).toBe(false); // the only provider is paused: nobody can be drawn

    // A reconcile meanwhile (a timer, a settings change) does not undo the pause while asleep.
    await p.node.onchain.provider.reconcile();
    expect((await standing()).status).toBe('Paused');

    power.emit('resume');
    await until('active on-chain again', async () => (await standing()).status === 'Active', 20_000);
    await until(
      'providing',
      async () => (await p.call<ProviderState>('provider.get')).status === 'providing',
    );
    const s = await standing();
    expect({ bond: s.bond, strikes: s.strikes }).toEqual({ bond: 200n * TOKEN, strikes: 0 });
    // The post made while asleep is drawn now (the node itself asks for the draw of posted jobs).
    await until(
      'the job drawn',
      async () =>
        (await readJob(market.requester, { economy: market.genesis.economy, jobId })).status !== 'Posted',
      20_000,
    );
  });

  it('a resume that arrives while the pause is still in flight waits for it, then resumes', async () => {
    const from = await market.requester.publicClient.getBlockNumber();
    const events = async () =>
      (
        await market.requester.publicClient.getContractEvents({
          address: market.genesis.economy,
          abi: economyAbi,
          fromBlock: from,
          toBlock: 'latest',
        })
      )
        .filter((l) => l.blockNumber > from)
        .map((l) => l.eventName)
        .filter((n) => n === 'ProviderPaused' || n === 'ProviderResumed');
    power.emit('suspend');
    power.emit('resume');
    await until('paused, then resumed', async () => (await events()).includes('ProviderResumed'), 20_000);
    // The pause landed first and the resume after it: active, not left paused by a late pause.
    expect(await events()).toEqual(['ProviderPaused', 'ProviderResumed']);
    expect((await standing()).status).toBe('Active');
    await until(
      'providing',
      async () => (await p.call<ProviderState>('provider.get')).status === 'providing',
    );
  });

  it('a resume without a suspend does nothing; a shutdown asks the OS to wait and quits in order', () => {
    power.emit('resume');
    let prevented = false;
    power.emit('shutdown', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(quits).toBe(1);
  });
});
