import { createWalletClient, encodeFunctionData, http, keccak256, parseEther, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TxFailedError } from '../../../../src/main/chain/tx/errors';
import { TxManager, type TxManagerOptions } from '../../../../src/main/chain/tx/manager';
import { TxStore } from '../../../../src/main/chain/tx/store';
import { LogSink } from '../../../../src/main/log';
import { useAnvil } from '../../../helpers/anvil';
import { anvilControl, devAccount, devClient, until } from '../../../helpers/chain';
import { probeAbi, probeBytecode } from '../../../helpers/probeContract';
import { tempDir } from '../../../helpers/tmp';

const id = (s: string) => `0x${Buffer.from(s.padEnd(32, '\0')).toString('hex')}` as const;

const sink = new LogSink({ consoleLevel: 'silent' });
const dirs: (() => void)[] = [];
const managers: TxManager[] = [];
afterAll(async () => {
  for (const m of managers) await m.close();
  for (const d of dirs) d();
});

function dataDir() {
  const { dir, cleanup } = tempDir('flywheel-tx-');
  dirs.push(cleanup);
  return dir;
}

async function open(
  rpcUrl: string,
  options: Partial<TxManagerOptions> & { account: TxManagerOptions['account']; dataDir: string },
) {
  const m = await TxManager.open({
    client: devClient(rpcUrl),
    log: sink.logger('tx'),
    pollingIntervalMs: 20,
    ...options,
  });
  managers.push(m);
  return m;
}

async function noncesOf(rpcUrl: string, hashes: `0x${string}`[]) {
  const client = devClient(rpcUrl);
  return Promise.all(hashes.map(async (hash) => (await client.getTransaction({ hash })).nonce));
}

describe('transaction manager on an automining anvil', () => {
  const chain = useAnvil();
  const sink9 = devAccount(9).address;
  let probe: Address;

  beforeAll(async () => {
    // Deployed by its own account so the accounts under test start at nonce 0.
    const wallet = createWalletClient({ account: devAccount(8), transport: http(chain.rpcUrl) });
    const hash = await wallet.deployContract({ abi: probeAbi, bytecode: probeBytecode, chain: null });
    probe = (await devClient(chain.rpcUrl).waitForTransactionReceipt({ hash })).contractAddress!;
  });

  it('sends concurrent transfers with contiguous nonces, each confirmed once', async () => {
    const account = devAccount(1);
    const m = await open(chain.rpcUrl, { account, dataDir: dataDir() });
    const outcomes = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => m.submit({ key: `pay:${i}`, to: sink9, value: 1000n + BigInt(i) })),
    );
    const hashes = outcomes.map((o) => (o.status === 'confirmed' ? o.hash : '0x'));
    expect(outcomes.every((o) => o.status === 'confirmed')).toBe(true);
    expect((await noncesOf(chain.rpcUrl, hashes as `0x${string}`[])).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(await devClient(chain.rpcUrl).getTransactionCount({ address: account.address })).toBe(5);
    expect(m.all().map((r) => r.state)).toEqual(Array(5).fill('confirmed'));
  });

  it('recognises an action already done: same key answered from disk, a pre-send check, a revert re-checked', async () => {
    const account = devAccount(2);
    const client = devClient(chain.rpcUrl);
    const dir = dataDir();
    const act = (s: string) => encodeFunctionData({ abi: probeAbi, functionName: 'act', args: [id(s)] });
    const isDone = (s: string) => () =>
      client.readContract({ address: probe, abi: probeAbi, functionName: 'done', args: [id(s)] });
    const m = await open(chain.rpcUrl, { account, dataDir: dir });

    const first = await m.submit({ key: 'act:a', to: probe, data: act('a'), alreadyDone: isDone('a') });
    expect(first.status).toBe('confirmed');
    expect(await m.submit({ key: 'act:a', to: probe, data: act('a') })).toMatchObject({
      status: 'confirmed',
      nonce: 0,
    });

    // Another key for the same action: the pre-send check sees it done and nothing is sent.
    expect(
      await m.submit({ key: 'act:a:again', to: probe, data: act('a'), alreadyDone: isDone('a') }),
    ).toEqual({
      status: 'alreadyDone',
      key: 'act:a:again',
    });
    // A check that says "not done" first, but the simulation reverts: asked again, it says done.
    let asked = 0;
    const late = async () => asked++ > 0 && (await isDone('a')());
    expect((await m.submit({ key: 'act:a:late', to: probe, data: act('a'), alreadyDone: late })).status).toBe(
      'alreadyDone',
    );
    // Without a check the simulation's revert is the answer, and no nonce is used.
    const err = await m.submit({ key: 'act:a:blind', to: probe, data: act('a') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TxFailedError);
    expect(err).toMatchObject({ code: 'TX_FAILED' });
    expect((err as TxFailedError).shortMessage).toMatch(/^The transaction would fail: .*revert/);
    // With the contract's ABI the revert is named.
    await expect(
      m.submit({ key: 'act:a:named', to: probe, data: act('a'), abi: probeAbi }),
    ).rejects.toMatchObject({
      shortMessage: 'The contract refused: AlreadyDone().',
      details: 'The transaction would fail: AlreadyDone()',
    });
    expect(await client.getTransactionCount({ address: account.address })).toBe(1);

    // After a restart the record answers: nothing is sent again.
    await m.close();
    const again = await open(chain.rpcUrl, { account, dataDir: dir });
    expect(await again.submit({ key: 'act:a', to: probe, data: act('a') })).toMatchObject({
      status: 'confirmed',
      hash: (first as { hash: string }).hash,
    });
    expect(await again.submit({ key: 'act:b', to: probe, data: act('b') })).toMatchObject({
      status: 'confirmed',
      nonce: 1,
    });
    expect(await client.getTransactionCount({ address: account.address })).toBe(2);
  });

  it('frees the nonce of a transaction the node refuses', async () => {
    const account = devAccount(3);
    const m = await open(chain.rpcUrl, { account, dataDir: dataDir() });
    await m.submit({ key: 'ok:0', to: sink9, value: 1n });
    const refused = await m
      .submit({ key: 'too-little-gas', to: sink9, value: 1n, gas: 20_000n })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'TX_FAILED' });
    expect((refused as Error).message).toMatch(/refused.*intrinsic gas too low/);
    expect(m.get('too-little-gas')?.state).toBe('failed');
    const next = await m.submit({ key: 'ok:1', to: sink9, value: 1n });
    expect(next).toMatchObject({ status: 'confirmed', nonce: 1 });
  });

  it('tells onSent each signed hash before broadcasting; if onSent fails nothing is sent and the nonce stays free', async () => {
    const account = devAccount(5);
    const client = devClient(chain.rpcUrl);
    const m = await open(chain.rpcUrl, { account, dataDir: dataDir() });
    const seen: { hash: string; nonce: number; onChain: boolean }[] = [];
    const outcome = await m.submit({
      key: 'journaled',
      to: sink9,
      value: 1n,
      onSent: async (hash, nonce) => {
        const onChain = await client.getTransaction({ hash }).then(
          () => true,
          () => false,
        );
        seen.push({ hash, nonce, onChain });
      },
    });
    expect(seen).toEqual([{ hash: (outcome as { hash: string }).hash, nonce: 0, onChain: false }]);

    const err = await m
      .submit({
        key: 'journal-full',
        to: sink9,
        value: 1n,
        onSent: () => {
          throw new Error('disk full');
        },
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('disk full');
    expect(m.get('journal-full')?.state).toBe('failed');
    expect(await m.submit({ key: 'next', to: sink9, value: 1n })).toMatchObject({
      status: 'confirmed',
      nonce: 1,
    });
  });

  it('reports an on-chain revert with its receipt and keeps nonces contiguous', async () => {
    const account = devAccount(4);
    const m = await open(chain.rpcUrl, { account, dataDir: dataDir() });
    const data = encodeFunctionData({ abi: probeAbi, functionName: 'fail' });
    // An explicit gas limit skips the simulation, so the revert happens on-chain.
    const err = await m.submit({ key: 'boom', to: probe, data, gas: 60_000n }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TxFailedError);
    expect((err as TxFailedError).shortMessage).toMatch(/^The transaction reverted \(.*key /);
    expect((err as TxFailedError).receipt?.status).toBe('reverted');
    expect(m.get('boom')?.state).toBe('reverted');
    expect(await m.submit({ key: 'after', to: sink9, value: 1n })).toMatchObject({
      status: 'confirmed',
      nonce: 1,
    });
    // With simulation the revert costs no nonce at all.
    await expect(m.submit({ key: 'boom:simulated', to: probe, data })).rejects.toMatchObject({
      code: 'TX_FAILED',
    });
    expect(await m.submit({ key: 'after:2', to: sink9, value: 1n })).toMatchObject({
      status: 'confirmed',
      nonce: 2,
    });

    // Why it reverted, from the call replayed on its block's state: the contract's error, named with the ABI,
    // in the error, the record and the log (a receipt has no reason; the usual one is a race lost in the block).
    const act = encodeFunctionData({ abi: probeAbi, functionName: 'act', args: [id('raced')] });
    await m.submit({ key: 'act:raced', to: probe, data: act });
    const lost = await m
      .submit({ key: 'act:raced:again', to: probe, data: act, gas: 60_000n, abi: probeAbi, label: 'Act' })
      .catch((e: unknown) => e);
    expect(lost).toMatchObject({
      shortMessage:
        'The transaction reverted (Act, key act:raced:again): The contract refused: AlreadyDone().',
      details: 'Reverted on-chain: AlreadyDone()',
    });
    expect(m.get('act:raced:again')).toMatchObject({
      state: 'reverted',
      error: 'Reverted on-chain: AlreadyDone()',
    });
    // A request that can tell its action is done, which was not done when it was sent: the race was lost, the
    // action is done, and that is the answer (the gas spent is in the record).
    let asked = 0;
    const doneByThen = async () =>
      asked++ > 0 &&
      (await devClient(chain.rpcUrl).readContract({
        address: probe,
        abi: probeAbi,
        functionName: 'done',
        args: [id('raced')],
      }));
    expect(
      await m.submit({
        key: 'act:raced:late',
        to: probe,
        data: act,
        gas: 60_000n,
        abi: probeAbi,
        alreadyDone: doneByThen,
      }),
    ).toEqual({ status: 'alreadyDone', key: 'act:raced:late' });
    expect(m.get('act:raced:late')).toMatchObject({
      state: 'done',
      error: 'Reverted on-chain: AlreadyDone() (another transaction had done it first)',
    });
    expect(m.get('act:raced:late')?.hash).toMatch(/^0x/);
    // Too little gas for the work: said as such.
    const starved = await m
      .submit({
        key: 'act:starved',
        to: probe,
        data: encodeFunctionData({ abi: probeAbi, functionName: 'act', args: [id('starved')] }),
        gas: 22_000n,
      })
      .catch((e: unknown) => e);
    expect(starved).toMatchObject({ details: 'Reverted on-chain: out of gas (22000 of 22000)' });
    expect((starved as TxFailedError).shortMessage).toMatch(
      /ran out of gas: it used all of its 22000 gas limit\.$/,
    );
  });
});

describe('transaction manager with mining by hand (mempool, drops, bumps, restarts)', () => {
  const chain = useAnvil({ args: ['--no-mining'] });
  const to = devAccount(9).address;
  const mine = () => anvilControl(chain.rpcUrl).mine({ blocks: 1 });
  const pendingIn = async (hash: `0x${string}`) =>
    (await devClient(chain.rpcUrl).getTransaction({ hash })).blockNumber === null;

  it('counts a transaction only after the configured confirmations', async () => {
    const account = devAccount(6);
    const m = await open(chain.rpcUrl, { account, dataDir: dataDir(), confirmations: 3 });
    let settled = false;
    const outcome = m.submit({ key: 'deep', to, value: 3n }).finally(() => (settled = true));
    await until('sent', () => m.pending().length === 1);
    await until('in the mempool', () => pendingIn(m.pending()[0]!.attempts[0]!.hash).catch(() => false));
    await mine();
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    expect(m.get('deep')?.state).toBe('pending');
    await mine();
    expect(await outcome).toMatchObject({ status: 'confirmed', nonce: 0 });
  });

  it('re-tracks pending transactions after a restart and sends nothing again', async () => {
    const account = devAccount(1);
    const dir = dataDir();
    const m = await open(chain.rpcUrl, { account, dataDir: dir });
    const keys = ['r:0', 'r:1', 'r:2'];
    const waiting = keys.map((key) => m.submit({ key, to, value: 5n }).catch((e: unknown) => e));
    await until(
      'three transactions in the mempool',
      () => m.pending().length === 3 && m.pending().every((r) => r.attempts.length === 1),
    );
    await until('broadcast', async () =>
      (await Promise.all(m.pending().map((r) => pendingIn(r.attempts[0]!.hash).catch(() => false)))).every(
        Boolean,
      ),
    );
    const hashes = keys.map((key) => m.get(key)!.attempts[0]!.hash);
    await m.close();
    for (const w of await Promise.all(waiting)) expect(w).toMatchObject({ code: 'UNAVAILABLE' });

    const again = await open(chain.rpcUrl, { account, dataDir: dir });
    expect(again.pending().map((r) => r.nonce)).toEqual([0, 1, 2]);
    const outcomes = Promise.all(keys.map((key) => again.submit({ key, to, value: 5n })));
    await mine();
    const done = await outcomes;
    expect(done.map((o) => (o.status === 'confirmed' ? o.hash : null))).toEqual(hashes);
    const block = await devClient(chain.rpcUrl).getBlock({ includeTransactions: true });
    expect(
      block.transactions.filter((t) => t.from.toLowerCase() === account.address.toLowerCase()),
    ).toHaveLength(3);
    expect(await devClient(chain.rpcUrl).getTransactionCount({ address: account.address })).toBe(3);
  });

  it('broadcasts a transaction written down just before a crash, once', async () => {
    const account = devAccount(2);
    const dir = dataDir();
    const client = devClient(chain.rpcUrl);
    // What a crash between the write-ahead record and the broadcast leaves: a signed transaction nobody has seen.
    const fees = await client.estimateFeesPerGas();
    const raw = await account.signTransaction({
      chainId: 31337,
      type: 'eip1559',
      nonce: 0,
      to,
      value: 7n,
      gas: 21_000n,
      ...fees,
    });
    const hash = keccak256(raw);
    const store = TxStore.open(TxStore.path(dir, 31337, account.address), { log: sink.logger('tx') });
    store.write({
      v: 1,
      key: 'crashed',
      state: 'pending',
      from: account.address,
      chainId: 31337,
      request: { to, value: '7', gas: '21000' },
      nonce: 0,
      attempts: [
        {
          hash,
          raw,
          maxFeePerGas: String(fees.maxFeePerGas),
          maxPriorityFeePerGas: String(fees.maxPriorityFeePerGas),
          at: Date.now(),
        },
      ],
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });
    store.close();
    await expect(client.getTransaction({ hash })).rejects.toThrow();

    const m = await open(chain.rpcUrl, { account, dataDir: dir });
    await until('re-broadcast', () => pendingIn(hash).catch(() => false));
    const outcome = m.submit({ key: 'crashed', to, value: 7n });
    await mine();
    expect(await outcome).toMatchObject({ status: 'confirmed', hash, nonce: 0 });
    expect(await client.getTransactionCount({ address: account.address })).toBe(1);
  });

  it('broadcasts again a transaction dropped from the mempool', async () => {
    const account = devAccount(3);
    const m = await open(chain.rpcUrl, { account, dataDir: dataDir(), dropCheckMs: 100 });
    const outcome = m.submit({ key: 'dropped', to, value: 9n });
    await until('sent', () => m.pending().length === 1);
    const hash = m.pending()[0]!.attempts[0]!.hash;
    await until('in the mempool', () => pendingIn(hash).catch(() => false));
    await anvilControl(chain.rpcUrl).dropTransaction({ hash });
    await expect(devClient(chain.rpcUrl).getTransaction({ hash })).rejects.toThrow();
    await until('back in the mempool', () => pendingIn(hash).catch(() => false));
    await mine();
    expect(await outcome).toMatchObject({ status: 'confirmed', hash, nonce: 0 });
  });

  it('replaces a stuck transaction with the same nonce and fees at least 12.5 % higher', async () => {
    const account = devAccount(4);
    const m = await open(chain.rpcUrl, { account, dataDir: dataDir(), bumpAfterMs: 250 });
    const outcome = m.submit({ key: 'stuck', to, value: 11n });
    await until('two replacements', () => (m.get('stuck')?.attempts.length ?? 0) >= 3);
    const attempts = m.get('stuck')!.attempts;
    for (let i = 1; i < attempts.length; i++) {
      expect(BigInt(attempts[i]!.maxFeePerGas) * 1000n).toBeGreaterThanOrEqual(
        BigInt(attempts[i - 1]!.maxFeePerGas) * 1125n,
      );
      expect(BigInt(attempts[i]!.maxPriorityFeePerGas) * 1000n).toBeGreaterThanOrEqual(
        BigInt(attempts[i - 1]!.maxPriorityFeePerGas) * 1125n,
      );
    }
    await mine();
    const done = await outcome;
    expect(done.status).toBe('confirmed');
    const mined = await devClient(chain.rpcUrl).getTransaction({
      hash: (done as { hash: `0x${string}` }).hash,
    });
    expect(mined.nonce).toBe(0);
    expect(attempts.map((a) => a.hash)).toContain(mined.hash);
    expect(mined.maxFeePerGas).toBeGreaterThan(BigInt(attempts[0]!.maxFeePerGas));
    expect(await devClient(chain.rpcUrl).getTransactionCount({ address: account.address })).toBe(1);
  });

  it('cancels the nonce of a dropped transaction that can no longer be sent, so later ones are not stuck', async () => {
    const account = devAccount(5);
    const control = anvilControl(chain.rpcUrl);
    const m = await open(chain.rpcUrl, { account, dataDir: dataDir(), dropCheckMs: 100 });
    const big = m.submit({ key: 'big', to, value: parseEther('5') }).catch((e: unknown) => e);
    await until('sent', () => m.pending().length === 1);
    const hash = m.pending()[0]!.attempts[0]!.hash;
    await until('in the mempool', () => pendingIn(hash).catch(() => false));
    // The transfer leaves the pool and the account can no longer pay it.
    await control.dropTransaction({ hash });
    await control.setBalance({ address: account.address, value: parseEther('1') });
    await until('a cancel attempt', () => m.get('big')?.attempts.at(-1)?.cancel === true);
    const next = m.submit({ key: 'after-cancel', to, value: 1n });
    await until('both sent', () => m.pending().length === 2);
    await mine();
    const err = await big;
    expect(err).toMatchObject({ code: 'TX_FAILED', shortMessage: 'Cancelled: it could no longer be sent.' });
    expect(m.get('big')?.state).toBe('failed');
    expect(await next).toMatchObject({ status: 'confirmed', nonce: 1 });
  });
});
