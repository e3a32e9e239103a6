import { keccak256, type Address, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDetail, JobSummary, NodeStatus } from '../../../src/shared/api';
import { unixfsParams } from '../../../src/main/blobs/unixfsCid';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { useAnvil } from '../../helpers/anvil';
import { until } from '../../helpers/chain';
import { startIpfsNode, type IpfsNode } from '../../helpers/ipfsNode';
import { deployMarket, TOKEN, type Market, testWindows } from '../../helpers/market';
import { startProviderNode, wideModel, type ProviderNode } from '../../helpers/provider';

const N = 100_000;

/**
 * A custom network from the settings (the node connects by itself) whose blob store is IPFS: models and inputs are
 * fetched by CID through a trustless gateway on loopback, every block checked; outputs are published through the
 * node's Kubo RPC API.
 */
describe('jobs whose model and input live on IPFS', { timeout: 180_000 }, () => {
  const chain = useAnvil({ chainId: 31337 });
  let market: Market;
  let ipfs: IpfsNode;
  let p: ProviderNode;
  let economy: Address;
  /** Blocks the gateway corrupts on the way out (a lying gateway). */
  const tampered = new Set<string>();

  beforeAll(async () => {
    // Windows long enough for a real network's pace (heads polled every 2 s, 20 s allowed for a transaction).
    market = await deployMarket(chain.rpcUrl, {
      params: testWindows({ acceptWindowS: 60, minDeadlineS: 120 }),
    });
    economy = market.genesis.economy;
    ipfs = await startIpfsNode({
      tamper: (cid, bytes) => {
        if (!tampered.has(cid.toString())) return bytes;
        const copy = new Uint8Array(bytes);
        copy[100] = copy[100]! ^ 0xff;
        return copy;
      },
    });
    p = await startProviderNode({
      keyIndex: 4,
      settings: {
        network: {
          kind: 'custom',
          label: 'Test network',
          rpcUrl: chain.rpcUrl,
          chainId: 31337,
          factory: market.factory,
          blobStore: { kind: 'ipfs', apiUrl: ipfs.url, gatewayUrl: ipfs.url },
        },
      },
    });
    await market.fund(market.genesis, p.address, 1_000n * TOKEN);
    await p.call('provider.join', { economy, bond: (300n * TOKEN).toString() });
    await p.call('provider.start');
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
    await ipfs?.stop();
    await market?.close();
  });

  async function add(bytes: Uint8Array): Promise<{ hash: Hash; uri: string; cid: string }> {
    const cid = await ipfs.add(bytes, new URLSearchParams(unixfsParams.kuboQuery));
    return { hash: keccak256(bytes), uri: `ipfs://${cid}`, cid: cid.toString() };
  }

  const input = (seed: number) =>
    writeSafetensors([
      tensorOf(
        'x',
        'F32',
        [1, N],
        Float32Array.from({ length: N }, (_, i) => (i % 97) + seed),
      ),
    ]);

  /** Registers model `seed` (added already), adds input `seed` and posts a job on them that is drawn at once. */
  async function postDrawn(seed: number, model: { uri: string; hash: Hash }): Promise<bigint> {
    await market.registerModel(economy, wideModel(N, seed), model.uri);
    const data = await add(input(seed));
    const { jobId, drawn } = await market.postDrawn({
      economy,
      modelHash: model.hash,
      inputHash: data.hash,
      inputUri: data.uri,
      deadlineS: 120,
    });
    expect(drawn).toBe(true);
    return jobId;
  }

  it('connects from the settings and runs a job fetched by CID, publishing the output to IPFS', async () => {
    const status = await p.call<NodeStatus>('node.status');
    expect(status.network).toMatchObject({
      kind: 'custom',
      label: 'Test network',
      connected: true,
      chainId: 31337,
    });
    const model = await add(wideModel(N, 1));
    expect(ipfs.blocks.size).toBeGreaterThan(2); // a DAG of several blocks, each checked against its CID
    const jobId = await postDrawn(1, model);
    await until(
      'the job finalized',
      async () =>
        (await p.call<JobSummary[]>('jobs.list', { mine: true })).some(
          (j) => j.jobId === String(jobId) && j.status === 'Finalized',
        ),
      90_000,
    );
    const detail = await p.call<JobDetail>('jobs.get', { key: `${economy}:${jobId}` });
    expect(detail.outputUri).toMatch(/^ipfs:\/\/b/);
    // The published output is on the IPFS node, and its bytes are what was submitted.
    expect(ipfs.requests.some((r) => r.startsWith('POST /api/v0/add'))).toBe(true);
    expect(ipfs.requests).toContain(`GET /ipfs/${model.cid}?format=car&dag-scope=all`);
  });

  it('refuses a model block a lying gateway altered, and declines the job (no slash)', async () => {
    const before = new Set(ipfs.blocks.keys());
    const model = await add(wideModel(N, 2));
    // One of this model's leaves (not the root) is changed whenever the gateway sends it.
    const leaf = [...ipfs.blocks.keys()].find((k) => !before.has(k) && k !== model.cid)!;
    tampered.add(leaf);
    const jobId = await postDrawn(2, model);
    await until(
      'the decline',
      async () => {
        const job = (await p.call<JobSummary[]>('jobs.list', { mine: true })).find(
          (j) => j.jobId === String(jobId),
        );
        return job?.local?.step === 'declined' && job.status === 'Posted';
      },
      60_000,
    );
    const job = (await p.call<JobSummary[]>('jobs.list', { mine: true })).find(
      (j) => j.jobId === String(jobId),
    )!;
    expect(job.local?.declineReason).toBe('FETCH_FAILED');
    expect(job.local?.error).toMatch(/does not match its CID/);
  });
});
