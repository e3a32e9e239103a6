import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParams } from '../../../src/main/chain/deploy';
import { cpuDevice, createEngine } from '../../../src/main/engine/engine';
import { GraphBuilder } from '../../../src/main/engine/onnx/builder';
import { asFloat32, readSafetensors, tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { tempDir } from '../../helpers/tmp';
import { ownJobsMarket, quietLog, useDevnet } from '../devnet/helpers';
import { flywheel, jobPost, type JobPostFlags } from './helpers';

/** A model the devnet never registered: y = x · W with a fixed 4×2 W. */
function affineModel(): Uint8Array {
  const g = new GraphBuilder('cli_test_affine');
  const x = g.input('x', 'float', [1, 4]);
  const w = g.constant('w', 'float', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  g.op('MatMul', [x, w], {}, 'y');
  g.output('y', 'float', [1, 2]);
  return g.build();
}

/**
 * The requester CLI against a running devnet (its simulated providers serve the job on the real engine): a job on
 * an ONNX model the devnet did not register is posted, served, and its output read back; a fork is made; mistakes
 * are refused with what to do.
 */
describe('flywheel job / fork / devnet on the devnet', () => {
  const net = useDevnet({
    prefix: 'flywheel-cli-',
    market: {
      engine: () => createEngine({ devices: [cpuDevice()], limits: {}, log: quietLog }),
      // Only the CLI's job, served right: this test reads the output back.
      options: ownJobsMarket,
    },
    timeoutMs: 60_000,
  });
  const dataDir = net.dataDir;
  const files = tempDir('flywheel-cli-files-');
  const model = join(files.dir, 'affine.onnx');
  const input = join(files.dir, 'x.safetensors');

  beforeAll(() => {
    writeFileSync(model, affineModel());
    writeFileSync(input, writeSafetensors([tensorOf('x', 'F32', [1, 4], Float32Array.from([1, 0, 2, 1]))]));
  });

  afterAll(() => {
    files.cleanup();
  });

  /** `flywheel job post` of the affine model on this input in genesis for 1 token, unless `flags` say otherwise. */
  const post = (flags: Partial<JobPostFlags>, ...extra: string[]) =>
    flywheel(jobPost({ dataDir, economy: 'genesis', model, input, fee: '1', ...flags }, ...extra));

  it('posts a job on an unregistered model and reads its output back', async () => {
    const run = await post({ fee: '1.5' }, '--policy', 'tolerance:1e-3', '--json');
    expect(run.code, run.stderr).toBe(0);
    const posted = run.json<{ jobId: string; modelRegistered: boolean; fee: string; economyName: string }>();
    expect(posted).toMatchObject({
      modelRegistered: true,
      fee: '1.5',
      economyName: 'Flywheel',
      policy: 'each value within 1e-3 absolute or 1e-3 relative',
    });

    const out = join(files.dir, 'y.safetensors');
    const get = await flywheel([
      'job',
      'get',
      posted.jobId,
      '--economy',
      'Flywheel',
      '--data-dir',
      dataDir,
      '--wait',
      '40',
      '--out',
      out,
      '--json',
    ]);
    expect(get.code, get.stderr).toBe(0);
    const job = get.json<{
      status: string;
      outputHash: string;
      outputUri: string;
      provider: string;
      savedTo: string;
      verifiedBy: string;
    }>();
    expect(['Submitted', 'Finalized']).toContain(job.status);
    expect(job.verifiedBy).toBe('each value within 1e-3 absolute or 1e-3 relative');
    expect(job.provider).toMatch(/^0x/);
    expect(job.outputUri).toBe(`blob:${job.outputHash}`);
    // y = x · W for x = [1, 0, 2, 1]: [1 + 10 + 7, 2 + 12 + 8].
    const y = readSafetensors(new Uint8Array(readFileSync(out))).tensors.find((t) => t.name === 'y')!;
    expect([...asFloat32(y)]).toEqual([18, 22]);
    // Without --economy the id is the genesis economy's.
    const plain = await flywheel(['job', 'get', posted.jobId, '--data-dir', dataDir, '--json']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.json<{ outputHash: string }>().outputHash).toBe(job.outputHash);

    // The model is registered now: a second post does not register it again.
    const again = await post({ economy: 'FLY' }, '--json');
    expect(again.json()).toMatchObject({ modelRegistered: false });
  }, 120_000);

  it('forks an economy with other parameters and a stake snapshot', async () => {
    const run = await flywheel([
      'fork',
      'create',
      '--data-dir',
      dataDir,
      '--parent',
      'genesis',
      '--name',
      'Flywheel Quick',
      '--symbol',
      'QUICK',
      '--param',
      'challengeWindowS=5',
      '--param',
      'minBond=20',
      // The v2 fields fork like the rest: an amount in tokens, a share in basis points.
      '--param',
      'minFee=0.5',
      '--param',
      'quorumBps=4000',
      '--snapshot',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const fork = run.json<{
      economy: `0x${string}`;
      snapshotRoot: string;
      overrides: Record<string, string>;
    }>();
    expect(fork.snapshotRoot).toMatch(/^0x[0-9a-f]{64}$/);
    const client = net.devnet.actors.publicClient;
    const params = await readParams(client, fork.economy);
    expect(params.challengeWindowS).toBe(5);
    expect(params.minBond).toBe(20n * 10n ** 18n);
    expect(params.minFee).toBe(5n * 10n ** 17n);
    expect(params.quorumBps).toBe(4000);
    const status = await flywheel(['devnet', 'status', '--data-dir', dataDir, '--json']);
    expect(status.json<{ running: boolean }>().running).toBe(true);
  }, 60_000);

  it('refuses bad input with what to do, before sending anything', async () => {
    const badFee = await post({ fee: 'a lot' });
    expect(badFee.code).toBe(1);
    expect(badFee.stderr).toMatch(/fee must be a number of tokens like 1.5/);
    const dust = await post({ fee: '0.01' });
    expect(dust.stderr).toMatch(/--fee must be at least 0.1 FLY here/);
    const badPolicy = await post({}, '--policy', 'fuzzy');
    expect(badPolicy.stderr).toMatch(/Cannot read the policy "fuzzy": no rule "fuzzy"/);
    const unknown = await post({ economy: 'Nowhere' });
    expect(unknown.stderr).toMatch(/No economy "Nowhere"[\s\S]*Flywheel Lite/);
    const notSafetensors = await post({ input: model });
    expect(notSafetensors.stderr).toMatch(/is not a safetensors file/);
    const unknownParam = await flywheel([
      'fork',
      'create',
      '--data-dir',
      dataDir,
      '--parent',
      'genesis',
      '--name',
      'X',
      '--symbol',
      'X',
      '--param',
      'speed=9',
    ]);
    expect(unknownParam.stderr).toMatch(/Unknown parameter "speed"/);
  }, 60_000);

  it('says the devnet is not running, and how to start it, in a data folder where it is not', async () => {
    const other = tempDir('flywheel-cli-idle-');
    try {
      const run = await post({ dataDir: other.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/The devnet is not running[\s\S]*flywheel devnet up/);
    } finally {
      other.cleanup();
    }
  }, 30_000);
});
