import { encodeFunctionData } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { economyAbi } from '../../../../src/main/chain/artifacts';
import { approveToken } from '../../../../src/main/chain/actions/approveToken';
import { pauseProvider } from '../../../../src/main/chain/actions/pauseProvider';
import { readProvider } from '../../../../src/main/chain/actions/readProvider';
import { registerProvider } from '../../../../src/main/chain/actions/registerProvider';
import { resumeProvider } from '../../../../src/main/chain/actions/resumeProvider';
import { GAS_HEADROOM, withMargin } from '../../../../src/main/chain/tx/fees';
import { useAnvil } from '../../../helpers/anvil';
import { anvilControl, until } from '../../../helpers/chain';
import { actor, deployMarket, TOKEN, type Market } from '../../../helpers/market';

type Actor = Awaited<ReturnType<typeof actor>>;

/**
 * The gas a call needs can grow between its estimate and its block: the economy's emission settles on every change
 * of a provider's standing, and the first settle in a later second credits and mints. On a busy machine a second
 * passes between the two, and a `pause` sent on a bare 20 % margin reverted (a clean stop then left the provider
 * active on-chain). Played here on a real anvil with time held still for the estimate and moved on for the block.
 */
describe('gas for work that starts between the estimate and the block', { timeout: 60_000 }, () => {
  const chain = useAnvil({ chainId: 31337 });
  let market: Market;
  let ctl: ReturnType<typeof anvilControl>;
  let bare: Actor;
  let usual: Actor;

  beforeAll(async () => {
    ctl = anvilControl(chain.rpcUrl);
    market = await deployMarket(chain.rpcUrl);
    bare = await actor(chain.rpcUrl, 5, { gasHeadroom: 0n });
    usual = await actor(chain.rpcUrl, 6);
    for (const a of [bare, usual]) {
      await market.fund(market.genesis, a.tx.address, 1_000n * TOKEN);
      await approveToken(a, { token: market.genesis.token, spender: market.genesis.economy });
      await registerProvider(a, {
        economy: market.genesis.economy,
        bond: 200n * TOKEN,
        kinds: ['inference'],
        capacity: 2,
      });
    }
  }, 60_000);
  afterAll(async () => {
    await bare?.close();
    await usual?.close();
    await market?.close();
  });

  const status = async (a: Actor) =>
    (await readProvider(a, { economy: market.genesis.economy, account: a.tx.address })).status;

  /**
   * Pauses `a` with its estimate made in the second of its last settle (a resume) and its block a minute later.
   * Returns the estimate the sender saw and what the pause came to.
   */
  async function pauseAMinuteAfterTheEstimate(a: Actor) {
    const economy = market.genesis.economy;
    await pauseProvider(a, { economy });
    await ctl.setBlockTimestampInterval({ interval: 0 }); // blocks and estimates keep the last block's time
    try {
      await resumeProvider(a, { economy });
      const estimate = await a.publicClient.estimateGas({
        account: a.tx.address,
        to: economy,
        data: encodeFunctionData({ abi: economyAbi, functionName: 'pause' }),
      });
      await ctl.setAutomine(false);
      const sent = pauseProvider(a, { economy }).then(
        (r) => ({ ok: true as const, gasUsed: r.receipt!.gasUsed }),
        (err: Error) => ({ ok: false as const, err }),
      );
      await until('the pause in the mempool', () => a.tx.pending()[0]?.attempts.length === 1);
      const { timestamp } = await a.publicClient.getBlock();
      await ctl.setNextBlockTimestamp({ timestamp: timestamp + 60n });
      await ctl.mine({ blocks: 1 });
      return { estimate, outcome: await sent };
    } finally {
      await ctl.setAutomine(true);
      await ctl.removeBlockTimestampInterval();
    }
  }

  it('on the estimate and its margin alone, the pause runs out of gas in its block, and the error says so', async () => {
    const { estimate, outcome } = await pauseAMinuteAfterTheEstimate(bare);
    expect(outcome.ok).toBe(false);
    const limit = withMargin(estimate, 20);
    expect(outcome.ok ? null : outcome.err.message).toContain(
      `It ran out of gas: the work cost more in its block than its ${limit} gas limit allowed.`,
    );
    expect(await status(bare)).toBe('Active');
  });

  it('with the headroom, it lands, using more than the estimate and its margin', async () => {
    const { estimate, outcome } = await pauseAMinuteAfterTheEstimate(usual);
    expect(outcome).toMatchObject({ ok: true });
    const used = outcome.ok ? outcome.gasUsed : 0n;
    expect(used).toBeGreaterThan(withMargin(estimate, 20));
    expect(used).toBeLessThanOrEqual(withMargin(estimate, 20, GAS_HEADROOM));
    expect(await status(usual)).toBe('Paused');
    console.log(
      `pause: estimated ${estimate} gas in the second of the last settle, used ${used} a minute later`,
    );
  });
});
