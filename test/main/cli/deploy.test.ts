import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { EconomySummary } from '../../../src/shared/api';
import { productionParams } from '../../../src/main/chain/presets';
import { createNode, type FlywheelNode } from '../../../src/main/node';
import { confBackend, createSettingsStore } from '../../../src/main/settings/store';
import { DEV_PRIVATE_KEYS, useAnvil } from '../../helpers/anvil';
import { until } from '../../helpers/chain';
import { tinyInput, tinyModel } from '../../helpers/provider';
import { tempDir } from '../../helpers/tmp';
import { quietLog } from '../devnet/helpers';
import { flywheel, jobPost } from './helpers';

/**
 * `flywheel deploy` against a chain started apart from the app (a plain anvil, as a public testnet would be), then
 * a node whose settings name that custom network: it connects there — and starts no devnet — and the requester
 * CLI posts on it with a key from the environment.
 */
describe('deploying to a custom EVM network and using it', () => {
  const chain = useAnvil({ chainId: 31337 });
  const temp = tempDir('flywheel-custom-');
  let node: FlywheelNode | undefined;
  let deployed: {
    factory: `0x${string}`;
    genesis: `0x${string}`;
    chainId: number;
    settings: { network: unknown };
  };
  const env = { DEPLOY_KEY: DEV_PRIVATE_KEYS[0] };

  afterAll(async () => {
    await node?.close();
    temp.cleanup();
  });

  it('deploys the factory and a genesis economy with production parameters', async () => {
    const run = await flywheel(
      [
        'deploy',
        '--rpc',
        chain.rpcUrl,
        '--key-env',
        'DEPLOY_KEY',
        '--name',
        'Testnet Flywheel',
        '--symbol',
        'TFLY',
        '--label',
        'Local testnet',
        '--json',
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    deployed = run.json();
    expect(deployed.chainId).toBe(31337);
    expect(deployed.factory).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const params = (run.json() as { params: { challengeWindowS: number; unbondingPeriodS: number } }).params;
    expect(params.challengeWindowS).toBe(productionParams.challengeWindowS);
    expect(params.unbondingPeriodS).toBe(7 * 24 * 3600);
    expect(deployed.settings.network).toMatchObject({
      kind: 'custom',
      rpcUrl: chain.rpcUrl,
      chainId: 31337,
      factory: deployed.factory,
    });
  }, 60_000);

  it('refuses a key that is not there, and an RPC that does not answer', async () => {
    const noKey = await flywheel(['deploy', '--rpc', chain.rpcUrl, '--key-env', 'NOT_SET_ANYWHERE']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/NOT_SET_ANYWHERE is empty or not set/);
    const noRpc = await flywheel(['deploy', '--rpc', 'http://127.0.0.1:9', '--key-env', 'DEPLOY_KEY'], env);
    expect(noRpc.stderr).toMatch(/Nothing answers JSON-RPC/);
  }, 60_000);

  it('a node set to that network connects to it and lists its economy; the CLI posts there', async () => {
    const settings = createSettingsStore(
      () => confBackend(temp.dir),
      quietLog,
      join(temp.dir, 'settings.json'),
    );
    settings.update({ network: deployed.settings.network as never });
    node = await createNode({
      dataDir: temp.dir,
      shell: 'headless',
      consoleLogLevel: 'silent',
      heartbeatMs: 60_000,
      devnet: 'run',
    });
    await until('the custom network', () => node!.status().network.connected, 20_000);
    expect(node.status().network).toMatchObject({ kind: 'custom', label: 'Local testnet', chainId: 31337 });
    expect(node.devnet.devnet).toBeNull();
    const envelope = await node.dispatch('economies.list', {}, { bridge: 'test' });
    expect(envelope.ok).toBe(true);
    expect((envelope as { result: EconomySummary[] }).result.map((e) => e.name)).toEqual([
      'Testnet Flywheel',
    ]);

    const files = tempDir('flywheel-custom-files-');
    try {
      writeFileSync(join(files.dir, 'm.onnx'), tinyModel());
      writeFileSync(join(files.dir, 'x.safetensors'), tinyInput(1));
      const job = {
        dataDir: temp.dir,
        economy: 'TFLY',
        model: join(files.dir, 'm.onnx'),
        input: join(files.dir, 'x.safetensors'),
        fee: '2',
      };
      const post = await flywheel(
        jobPost(job, '--deadline', '900', '--key-env', 'DEPLOY_KEY', '--json'),
        env,
      );
      expect(post.code, post.stderr).toBe(0);
      const posted = post.json<{ jobId: string; modelRegistered: boolean; network: string }>();
      expect(posted).toMatchObject({ modelRegistered: true, network: 'Local testnet' });
      const get = await flywheel([
        'job',
        'get',
        posted.jobId,
        '--economy',
        'genesis',
        '--data-dir',
        temp.dir,
        '--json',
      ]);
      // Nobody provides on this fresh network: the job waits for a provider.
      expect(get.json()).toMatchObject({ status: 'Posted', outputHash: null });
      const noKey = await flywheel(jobPost(job));
      expect(noKey.stderr).toMatch(/needs a key to send with[\s\S]*--key-env/);
    } finally {
      files.cleanup();
    }
  }, 90_000);
});
