import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EconomySummary, NodePhase } from '../../../src/shared/api';
import { tokenBalance, WELCOME_TOKENS } from '../../../src/main/devnet/fund';
import { createNode, type FlywheelNode } from '../../../src/main/node';
import { until } from '../../helpers/chain';
import { memoryKeyProtector } from '../../helpers/memoryKeyProtector';
import { tempDir } from '../../helpers/tmp';
import { flywheel } from '../cli/helpers';

/**
 * The node as the app starts it on a fresh data folder: the devnet comes up in the background with a phase per
 * step, the chain service connects to it, a wallet is made without a passphrase (a keychain is there) and paid
 * its welcome funds, and the on-chain calls answer with the devnet's three economies.
 */
describe('a node on the default network starts the devnet', () => {
  const temp = tempDir('flywheel-devnet-node-');
  let node: FlywheelNode;
  const phases: NodePhase[] = [];

  beforeAll(async () => {
    node = await createNode({
      dataDir: temp.dir,
      shell: 'headless',
      consoleLogLevel: 'silent',
      keyProtector: memoryKeyProtector(),
      heartbeatMs: 60_000,
      devnet: 'run',
    });
    node.events.subscribe((m) => {
      if (m.name === 'node.status') phases.push(m.payload.phase);
    });
  });
  afterAll(async () => {
    await node?.close();
    temp.cleanup();
  });

  it('reports each step, connects, funds a keychain wallet and lists the economies', async () => {
    await until('the devnet to be ready', () => node.status().phase.id === 'ready', 60_000);
    expect(phases.map((p) => p.id)).toEqual(
      expect.arrayContaining([
        'chain',
        'deploy',
        'models',
        'providers',
        'forks',
        'connect',
        'wallet',
        'market',
        'ready',
      ]),
    );
    expect(phases.every((p) => p.state !== 'failed')).toBe(true);
    const status = node.status();
    expect(status.network).toMatchObject({ kind: 'devnet', connected: true, label: 'Devnet (local)' });
    expect(status.network.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);

    const wallet = node.wallet.info();
    expect(wallet).toMatchObject({ exists: true, locked: false, protection: 'os-keychain' });
    const envelope = await node.dispatch('economies.list', {}, { bridge: 'test' });
    expect(envelope.ok).toBe(true);
    const economies = (envelope as { result: EconomySummary[] }).result;
    expect(economies.map((e) => e.name).sort()).toEqual(['Flywheel', 'Flywheel Boost', 'Flywheel Lite']);
    const client = node.onchain.chain.client();
    await until(
      'the welcome funds',
      async () => {
        for (const e of economies)
          if ((await tokenBalance(client, e.token.address, wallet.address!)) < WELCOME_TOKENS) return false;
        return true;
      },
      20_000,
    );
    expect(node.devnet.devnet?.market).not.toBeNull();
  }, 90_000);

  it('the user’s own claim path: bond in genesis, fork with a stake snapshot, claim the allocation', async () => {
    const call = async <T>(name: string, params: Record<string, unknown> = {}): Promise<T> => {
      const envelope = await node.dispatch(name as never, params as never, { bridge: 'test' });
      if (!envelope.ok) throw new Error(envelope.error.shortMessage);
      return envelope.result as T;
    };
    const economies = await call<EconomySummary[]>('economies.list');
    const genesis = economies.find((e) => e.parent === null)!;
    const bond = (150n * 10n ** 18n).toString();
    await call('provider.join', { economy: genesis.economy, bond });
    const fork = await flywheel([
      'fork',
      'create',
      '--data-dir',
      temp.dir,
      '--parent',
      'genesis',
      '--name',
      'Mine',
      '--symbol',
      'MINE',
      '--snapshot',
      '--json',
    ]);
    expect(fork.code, fork.stderr).toBe(0);
    const { economy } = fork.json<{ economy: `0x${string}` }>();
    await until(
      'the fork to show the wallet’s allocation',
      async () => {
        const mine = (await call<EconomySummary[]>('economies.list')).find(
          (e) => e.economy.toLowerCase() === economy.toLowerCase(),
        );
        return mine?.membership.forkAllocation?.amount === bond;
      },
      30_000,
    );
    await call('provider.claimForkAllocation', { economy });
    const claimed = (await call<EconomySummary>('economies.get', { economy: economy })).membership
      .forkAllocation;
    expect(claimed).toEqual({ amount: bond, claimed: true });
  }, 90_000);
});
