import { createServer } from 'node:net';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import { privateKeyToAccount, generatePrivateKey } from 'viem/accounts';
import { afterAll, describe, expect, it } from 'vitest';
import { economyAbi, economyFactoryAbi } from '../../../src/main/chain/artifacts';
import { approveToken } from '../../../src/main/chain/actions/approveToken';
import { postJob } from '../../../src/main/chain/actions/postJob';
import { readParams } from '../../../src/main/chain/deploy';
import { quickDevnetParams } from '../../../src/main/chain/presets';
import { devnetAccount } from '../../../src/main/devnet/accounts';
import { readBook } from '../../../src/main/devnet/book';
import { resetDevnet } from '../../../src/main/devnet/control';
import { tokenBalance, WELCOME_NATIVE, WELCOME_TOKENS } from '../../../src/main/devnet/fund';
import { readRunning } from '../../../src/main/devnet/running';
import { tempDir } from '../../helpers/tmp';
import { devnetIn } from './helpers';

const TOKEN = 10n ** 18n;

describe('the embedded devnet on a real anvil', () => {
  const temp = tempDir('flywheel-devnet-');
  const dataDir = temp.dir;
  afterAll(() => temp.cleanup());

  const client = (rpcUrl: string) =>
    createPublicClient({ transport: http(rpcUrl), pollingInterval: 20 }) as PublicClient;
  const user = privateKeyToAccount(generatePrivateKey()).address;
  let jobId = 0n;
  let first: { factory: Address; economies: Address[]; block: bigint; chainId: number };

  it('boots on a fresh data folder: factory, genesis and two forks, models, providers, progress per step', async () => {
    const steps: string[] = [];
    const devnet = await devnetIn(dataDir, { onProgress: (p) => steps.push(p.id) });
    const started = Date.now();
    const endpoint = await devnet.start();
    try {
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(steps).toEqual(expect.arrayContaining(['chain', 'deploy', 'models', 'providers', 'forks']));
      expect(endpoint.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoint.isDevnet).toBe(true);
      const pc = client(endpoint.rpcUrl);
      expect(await pc.getChainId()).toBe(endpoint.chainId);
      const book = devnet.book;
      expect(book.economies.map((e) => e.role)).toEqual(['genesis', 'low-fee', 'high-emission']);
      const listed = await pc.readContract({
        address: book.factory!,
        abi: economyFactoryAbi,
        functionName: 'economies',
      });
      expect(listed.map((a) => a.toLowerCase())).toEqual(book.economies.map((e) => e.economy.toLowerCase()));

      // Parameters: genesis has the devnet's short windows; the forks differ where they say they do.
      const [genesis, lite, boost] = book.economies;
      expect((await readParams(pc, genesis!.economy)).challengeWindowS).toBe(
        quickDevnetParams.challengeWindowS,
      );
      expect((await readParams(pc, lite!.economy)).protocolFeeBps).toBe(100);
      expect((await readParams(pc, boost!.economy)).emissionPerEpoch).toBe(5_000n * TOKEN);
      const lineage = await pc.readContract({
        address: boost!.economy,
        abi: economyAbi,
        functionName: 'lineage',
      });
      expect(lineage.parent.toLowerCase()).toBe(genesis!.economy.toLowerCase());
      expect(BigInt(lineage.allocationRoot)).not.toBe(0n);
      expect(existsSync(join(devnet.layout.snapshotsDir, boost!.snapshotFile!))).toBe(true);

      // Every model is registered in genesis and seen by the forks; its bytes are in the blob store.
      expect(book.models.map((m) => m.id)).toEqual(['ocr-rec', 'ocr-det', 'vad', 'finetune', 'llm']);
      for (const m of book.models) {
        const seen = await pc.readContract({
          address: boost!.economy,
          abi: economyAbi,
          functionName: 'model',
          args: [m.hash],
        });
        expect(seen.found).toBe(true);
        expect(existsSync(join(dataDir, 'blobs', m.hash.slice(2)))).toBe(true);
      }
      // The simulated providers are bonded where they serve; in the snapshot fork with their claimed allocation.
      const ada = devnetAccount('providerAda').address;
      const inGenesis = await pc.readContract({
        address: genesis!.economy,
        abi: economyAbi,
        functionName: 'providerOf',
        args: [ada],
      });
      expect(inGenesis.status).toBe(1);
      const inBoost = await pc.readContract({
        address: boost!.economy,
        abi: economyAbi,
        functionName: 'providerOf',
        args: [ada],
      });
      expect(inBoost.bond).toBe(inGenesis.bond);
      expect(
        await pc.readContract({
          address: boost!.economy,
          abi: economyAbi,
          functionName: 'allocationClaimed',
          args: [ada],
        }),
      ).toBe(true);

      // The user's wallet gets its welcome funds once.
      expect(await devnet.fund(user)).toBe(true);
      expect(await devnet.fund(user)).toBe(false);
      expect(await pc.getBalance({ address: user })).toBe(WELCOME_NATIVE);
      for (const e of book.economies) expect(await tokenBalance(pc, e.token, user)).toBe(WELCOME_TOKENS);

      // A job, to see it again after the restart.
      const requester = await devnet.actors.get('requester');
      await approveToken(requester, { token: genesis!.token, spender: genesis!.economy });
      const vad = book.models.find((m) => m.id === 'vad')!;
      const posted = await postJob(requester, {
        economy: genesis!.economy,
        kind: 'inference',
        modelHash: vad.hash,
        inputHash: vad.hash,
        inputUri: vad.uri,
        fee: TOKEN,
        deadlineS: 60,
        key: 'devnet-test-post',
      });
      jobId = posted.jobId;

      expect(readRunning(devnet.layout.runningFile)?.rpcUrl).toBe(endpoint.rpcUrl);
      first = {
        factory: book.factory!,
        economies: book.economies.map((e) => e.economy),
        block: await pc.getBlockNumber(),
        chainId: book.chainId,
      };
    } finally {
      await devnet.stop();
    }
    expect(readRunning(devnet.layout.runningFile)).toBeNull();
    expect(readBook(devnet.layout.bookFile)?.status).toBe('ready');
  }, 60_000);

  it('restarts from its saved state: same factory, economies, chain id, blocks, balances and jobs; nothing redeployed', async () => {
    const steps: string[] = [];
    const devnet = await devnetIn(dataDir, { onProgress: (p) => steps.push(p.id) });
    const endpoint = await devnet.start();
    try {
      expect(steps).toEqual(['chain']);
      const pc = client(endpoint.rpcUrl);
      expect(endpoint.chainId).toBe(first.chainId);
      expect(endpoint.factory.toLowerCase()).toBe(first.factory.toLowerCase());
      expect(devnet.book.economies.map((e) => e.economy)).toEqual(first.economies);
      expect(await pc.getBlockNumber()).toBeGreaterThanOrEqual(first.block);
      for (const e of devnet.book.economies)
        expect(await tokenBalance(pc, e.token, user)).toBe(WELCOME_TOKENS);
      expect(await devnet.fund(user)).toBe(false);
      const job = await pc.readContract({
        address: first.economies[0]!,
        abi: economyAbi,
        functionName: 'job',
        args: [jobId],
      });
      expect(job.requester).toBe(devnetAccount('requester').address);
      expect(job.fee).toBe(TOKEN);
    } finally {
      await devnet.stop();
    }
  }, 60_000);

  it('says so when its port is taken, and starts nothing', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    try {
      const devnet = await devnetIn(dataDir, { port });
      await expect(devnet.start()).rejects.toMatchObject({
        code: 'CONFLICT',
        shortMessage: expect.stringContaining(`Port ${port}`),
      });
      expect(readRunning(devnet.layout.runningFile)).toBeNull();
    } finally {
      server.close();
    }
  }, 30_000);

  it('a damaged state file is reported with the reset to run, and left as it is', async () => {
    const other = tempDir('flywheel-devnet-damaged-');
    try {
      const devnet = await devnetIn(other.dir);
      await devnet.start();
      await devnet.stop();
      const stateFile = devnet.layout.stateFile;
      writeFileSync(stateFile, '{"block": [1, 2');
      const again = await devnetIn(other.dir);
      await expect(again.start()).rejects.toMatchObject({
        code: 'IO_FAILED',
        action: expect.stringContaining('devnet reset'),
      });
      expect(readFileSync(stateFile, 'utf8')).toBe('{"block": [1, 2');
    } finally {
      other.cleanup();
    }
  }, 60_000);

  it('reset keeps the old devnet as a copy and the next start deploys a new one with a new chain id', async () => {
    const { keptAt } = await resetDevnet(dataDir);
    expect(keptAt).toMatch(/devnet\.reset-/);
    expect(readBook(join(keptAt!, 'devnet.json'))?.factory).toBe(first.factory);
    expect(existsSync(join(keptAt!, 'anvil-state.json'))).toBe(true);
    expect(readdirSync(dataDir).filter((n) => n.startsWith('devnet'))).toEqual([
      expect.stringMatching(/^devnet\.reset-/),
    ]);
    const devnet = await devnetIn(dataDir);
    const endpoint = await devnet.start();
    try {
      expect(endpoint.chainId).not.toBe(first.chainId);
      expect(devnet.book.economies).toHaveLength(3);
    } finally {
      await devnet.stop();
    }
  }, 60_000);

  it('refuses to reset a running devnet', async () => {
    const devnet = await devnetIn(dataDir);
    await devnet.start();
    const running = readRunning(devnet.layout.runningFile)!;
    try {
      // As another process sees it: a live process (this test's parent) serves the devnet.
      writeFileSync(devnet.layout.runningFile, JSON.stringify({ ...running, pid: process.ppid }));
      await expect(resetDevnet(dataDir)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(existsSync(devnet.layout.bookFile)).toBe(true);
    } finally {
      writeFileSync(devnet.layout.runningFile, JSON.stringify(running));
      await devnet.stop();
    }
    expect(readRunning(devnet.layout.runningFile)).toBeNull();
  }, 60_000);
});
