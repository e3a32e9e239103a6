import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address } from 'viem';
import { beforeAll, describe, expect, it } from 'vitest';
import { assign } from '../../../src/main/chain/actions/assign';
import { declineJob } from '../../../src/main/chain/actions/declineJob';
import { pauseProvider } from '../../../src/main/chain/actions/pauseProvider';
import { readJob } from '../../../src/main/chain/actions/readJob';
import type { Devnet } from '../../../src/main/devnet/devnet';
import { cast } from '../../../src/main/devnet/market/cast';
import { GraphBuilder } from '../../../src/main/engine/onnx/builder';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { anvilControl, devAccount } from '../../helpers/chain';
import { useDevnet } from '../devnet/helpers';
import { flywheel, jobPost } from './helpers';

/** A model the devnet never registered: y = x + 1. */
function plusOneModel(): Uint8Array {
  const g = new GraphBuilder('cli_cancel_plus_one');
  const x = g.input('x', 'float', [1, 2]);
  const one = g.constant('one', 'float', [1, 2], [1, 1]);
  g.op('Add', [x, one], {}, 'y');
  g.output('y', 'float', [1, 2]);
  return g.build();
}

/**
 * The requester gets its money back, against a real devnet with no market running (nobody serves, so the job's fate
 * is driven here with the providers' own accounts): a decline shows with its reason in `job get`, a Posted job has
 * no deadline, `job cancel` says from which block it may cancel, and cancels from there with the fee refunded.
 */
describe('flywheel job cancel on the devnet', () => {
  const net = useDevnet({ prefix: 'flywheel-cli-cancel-', timeoutMs: 90_000 });
  const dataDir = net.dataDir;
  const model = join(dataDir, 'plus-one.onnx');
  const input = join(dataDir, 'x.safetensors');
  let devnet: Devnet;
  let economy: Address;

  beforeAll(() => {
    writeFileSync(model, plusOneModel());
    writeFileSync(input, writeSafetensors([tensorOf('x', 'F32', [1, 2], Float32Array.from([1, 2]))]));
    devnet = net.devnet;
    economy = devnet.book.economies.find((e) => e.role === 'genesis')!.economy;
  });

  const cli = (...args: string[]) => flywheel([...args, '--data-dir', dataDir]);

  it('shows declines with their reasons, refuses an early cancel with its block, then refunds the fee', async () => {
    const post = await flywheel(jobPost({ dataDir, economy: 'genesis', model, input, fee: '1' }, '--json'));
    expect(post.code, post.stderr).toBe(0);
    const jobId = BigInt(post.json<{ jobId: string }>().jobId);
    const publicClient = devnet.actors.publicClient;
    const anvil = anvilControl(devnet.rpcUrl!);
    const providers = await Promise.all(
      cast.filter((p) => p.economies.includes('genesis')).map((p) => devnet.actors.get(p.role)),
    );

    // Drawn (the CLI asked for the draw; a draw that kept nobody is asked again), then declined for a reason.
    let declined = false;
    for (let i = 0; i < 20 && !declined; i++) {
      const job = await readJob({ publicClient }, { economy, jobId });
      if (job.status === 'Assigned') {
        const drawn = providers.find((p) => p.tx.address.toLowerCase() === job.provider!.toLowerCase())!;
        await declineJob(drawn, { economy, jobId, reason: 'FETCH_FAILED' });
        declined = true;
      } else {
        await anvil.mine({ blocks: 1 });
        await assign(providers[0]!, { economy, jobId, drawBlock: job.drawBlock }).catch(() => undefined);
      }
    }
    expect(declined).toBe(true);
    // Nobody serves from now on: the job waits, Posted, for a draw that cannot land.
    for (const p of providers) await pauseProvider(p, { economy });

    const get = await cli('job', 'get', jobId.toString(), '--json');
    expect(get.code, get.stderr).toBe(0);
    const job = get.json<Record<string, unknown>>();
    expect(job.status).toBe('Posted');
    expect(job).not.toHaveProperty('deadline');
    expect(job.declines).toEqual([
      expect.objectContaining({
        reason: 'Fetch failed',
        meaning: expect.stringMatching(/unreachable/),
      }),
    ]);
    expect(job.noShows).toEqual([]);
    // How the fee comes back: not by itself (one decline of the 3 that refund it), so by a cancel from a block.
    expect(job.refund).toMatch(
      /^1 of 3 declines, no-shows or timeouts so far\. Refunded by itself at the 3rd .*; its requester can cancel it from block \d+/,
    );

    const early = await cli('job', 'cancel', jobId.toString());
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /cannot be cancelled yet: it can be from block \d+ \(now \d+, \d+ blocks to go\)/,
    );
    const from = BigInt(/from block (\d+)/.exec(early.stderr)![1]!);

    // Someone else's key is refused in words, before anything is sent.
    const stranger = await flywheel(
      ['job', 'cancel', jobId.toString(), '--data-dir', dataDir, '--key-env', 'STRANGER_KEY'],
      { STRANGER_KEY: `0x${Buffer.from(devAccount(7).getHdKey().privateKey!).toString('hex')}` },
    );
    expect(stranger.stderr).toMatch(/is not yours: only its requester/);

    const now = await publicClient.getBlockNumber();
    if (from > now + 1n) await anvil.mine({ blocks: Number(from - now - 1n) });
    const cancel = await cli('job', 'cancel', jobId.toString(), '--json');
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.json()).toMatchObject({ status: 'Refunded', refunded: '1', jobId: jobId.toString() });
    expect((await readJob({ publicClient }, { economy, jobId })).status).toBe('Refunded');

    const again = await cli('job', 'cancel', jobId.toString());
    expect(again.stderr).toMatch(/already refunded/);
    const refunded = await cli('job', 'get', jobId.toString(), '--json');
    expect(refunded.json<{ refund: string }>().refund).toBe(
      'Cancelled by its requester: the fee went to the requester’s claimable balance.',
    );
  }, 180_000);
});
