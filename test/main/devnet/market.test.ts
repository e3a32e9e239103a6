import { describe, expect, it } from 'vitest';
import { economyAbi } from '../../../src/main/chain/artifacts';
import { devnetAccount } from '../../../src/main/devnet/accounts';
import { cpuDevice, createEngine } from '../../../src/main/engine/engine';
import { withLanguageModels } from '../../../src/main/engine/llama/runtime';
import { anvilControl, devClient } from '../../helpers/chain';
import { quietLog, useDevnet } from './helpers';

/**
 * The demo market on a real anvil with the real engine: Ada always right, Babbage always wrong, Curie always late
 * (the rates forced to 1), the validator checking every result. Chain time is moved forward while it runs, so
 * challenge windows, votes and deadlines pass in seconds.
 */
describe('the demo market', () => {
  const net = useDevnet({
    prefix: 'flywheel-market-',
    market: {
      // As the node builds it: text-generation jobs (the devnet's llama) run on llama.cpp.
      engine: () =>
        withLanguageModels(createEngine({ devices: [cpuDevice()], limits: {}, log: quietLog }), {
          log: quietLog,
        }),
      options: {
        paceFactor: 0.25,
        roundMs: 300,
        validatorSampleRate: 1,
        // Every sampled result checked at once: this test is about the market's outcomes, not the budget.
        validatorBudget: { jobsPerHour: 100_000, maxEngineSharePct: 100 },
        keeperDrawAfterS: 0,
        assignDelayMs: 0,
        providers: { runSeconds: [0.2, 0.5], misbehaviour: { sloppy: 1, late: 1 } },
      },
    },
    timeoutMs: 60_000,
  });

  it('draws providers for real jobs, finalizes right results, rejects a wrong one and slashes a missed deadline', async () => {
    const pc = devClient(net.endpoint.rpcUrl);
    const genesis = net.devnet.book.economies.find((e) => e.role === 'genesis')!.economy;
    const anvil = anvilControl(net.devnet.rpcUrl!);
    const events = async () => {
      const logs = await pc.getContractEvents({ address: genesis, abi: economyAbi, fromBlock: 0n });
      return {
        assigned: logs.filter((l) => l.eventName === 'JobAssigned'),
        finalized: logs.filter((l) => l.eventName === 'JobFinalized'),
        rejected: logs.filter((l) => l.eventName === 'JobRejected'),
        timedOut: logs.filter((l) => l.eventName === 'JobTimedOut'),
        slashed: logs.filter((l) => l.eventName === 'ProviderSlashed'),
      };
    };
    const end = Date.now() + 120_000;
    let seen = await events();
    while (!(seen.finalized.length && seen.rejected.length && seen.timedOut.length)) {
      if (Date.now() > end)
        throw new Error(`not every outcome happened: ${JSON.stringify(net.market.upkeep.counts)}`);
      await new Promise((r) => setTimeout(r, 1000));
      // Four seconds of chain time per second: windows of 10–30 s pass within a few seconds.
      await anvil.increaseTime({ seconds: 3 });
      seen = await events();
    }
    const ada = devnetAccount('providerAda').address;
    const babbage = devnetAccount('providerBabbage').address;
    const curie = devnetAccount('providerCurie').address;
    // Competition is real: the draw picked more than one provider.
    expect(new Set(seen.assigned.map((l) => (l.args as { provider: string }).provider)).size).toBeGreaterThan(
      1,
    );
    const by = (logs: { args: unknown }[]) => logs.map((l) => (l.args as { provider: string }).provider);
    // Right results are never rejected; a wrong one is, once a validator's re-run catches it. Validation is a
    // re-run inside the challenge window, so on a loaded machine a wrong result may now and then slip through
    // unchecked (as on a real network, where checks are a sample): only Ada's right results must all stand.
    expect(by(seen.finalized)).toContain(ada);
    expect(by(seen.rejected).every((p) => p === babbage)).toBe(true);
    expect(by(seen.rejected)).toContain(babbage);
    expect(by(seen.finalized)).not.toContain(curie);
    expect(seen.timedOut.map((l) => (l.args as { provider: string }).provider)).toContain(curie);
    const slashedProviders = new Set(seen.slashed.map((l) => (l.args as { provider: string }).provider));
    expect(slashedProviders).toEqual(new Set([babbage, curie]));
    expect(net.market.validators.counts.challenged).toBeGreaterThan(0);
    // A rejected job refunds its requester.
    const refunded = (
      await pc.getContractEvents({
        address: genesis,
        abi: economyAbi,
        eventName: 'JobRefunded',
        fromBlock: 0n,
      })
    ).map((l) => l.args.requester);
    expect(refunded).toContain(devnetAccount('requester').address);
  }, 150_000);
});
