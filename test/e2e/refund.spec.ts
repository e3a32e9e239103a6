import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { keccak256 } from 'viem';
import { startAnvil, type AnvilProcess } from '../../src/main/chain/anvil';
import { approveToken } from '../../src/main/chain/actions/approveToken';
import { postJob } from '../../src/main/chain/actions/postJob';
import { readAccount } from '../../src/main/chain/actions/readAccount';
import { readJob } from '../../src/main/chain/actions/readJob';
import { defaultSettings } from '../../src/shared/api/settings';
import { DEV_PRIVATE_KEYS } from '../helpers/anvil';
import { anvilControl, devAccount } from '../helpers/chain';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';
import { actor, deployMarket, TOKEN, type Market } from '../helpers/market';
import { tempDir } from '../helpers/tmp';
import { api } from './api';

/**
 * "Requesters get their money back", in a real Chromium against the real headless shell on a real anvil
 * (a custom network in Settings): the shell's wallet posted a job nobody can be drawn for; its page says from which
 * block it can be cancelled with the button greyed, and once the chain is there the button takes the fee back.
 */
test.describe.configure({ mode: 'serial' });

const data = tempDir('flywheel-refund-e2e-');
const PASSPHRASE = 'refund passphrase 42';
let anvil: AnvilProcess | undefined;
let market: Market | undefined;
let shell: HeadlessProcess | undefined;

test.afterAll(async () => {
  await shell?.stop();
  await market?.close();
  await anvil?.stop();
  data.cleanup();
});

test('a stuck job of the wallet: "Can cancel from block N", then the cancel button refunds it', async ({
  page,
}) => {
  test.setTimeout(120_000);
  anvil = await startAnvil({ chainId: 31337 });
  market = await deployMarket(anvil.rpcUrl);
  const economy = market.genesis.economy;
  writeFileSync(
    join(data.dir, 'settings.json'),
    JSON.stringify({
      ...defaultSettings,
      network: {
        kind: 'custom',
        label: 'Test chain',
        rpcUrl: anvil.rpcUrl,
        chainId: 31337,
        factory: market.factory,
        blobStore: { kind: 'local' },
      },
    }),
  );
  shell = await startHeadless({ dataDir: data.dir });
  await page.goto(shell.url);
  await expect(page.getByTestId('connection')).toHaveText('Connected');
  await api(page, 'wallet.import', { privateKey: DEV_PRIVATE_KEYS[4], passphrase: PASSPHRASE });

  // The wallet (dev key 4) posts a job; no provider is registered, so nobody can ever be drawn for it.
  // Nobody ever fetches them: the model and input are only hashes here.
  const modelHash = await market.registerModel(
    economy,
    new TextEncoder().encode('refund e2e model'),
    'blob:model',
  );
  await market.fund(market.genesis, devAccount(4).address, 10n * TOKEN);
  const poster = await actor(anvil.rpcUrl, 4);
  let jobId: bigint;
  try {
    await approveToken(poster, { token: market.genesis.token, spender: economy });
    const input = new TextEncoder().encode('refund e2e input');
    ({ jobId } = await postJob(poster, {
      economy,
      kind: 'inference',
      modelHash,
      inputHash: keccak256(input),
      inputUri: 'blob:input',
      fee: 2n * TOKEN,
      deadlineS: 60,
      key: 'refund-e2e-post',
    }));
  } finally {
    await poster.close();
  }
  const from = (await readJob(market.requester, { economy, jobId })).drawBlock + 257n;

  await page.goto(`${shell.origin}/#/jobs/${economy}:${jobId}`);
  const card = page.getByRole('region', { name: 'Declines and refund' });
  await expect(card.getByTestId('job-refund')).toContainText(`You can cancel it from block ${from}`, {
    timeout: 30_000,
  });
  const button = card.getByRole('button', { name: 'Cancel the job and take the fee back' });
  await expect(button).toBeDisabled();
  await expect(card).toContainText(`Can cancel from block ${from}.`);

  await anvilControl(anvil.rpcUrl).mine({ blocks: 257 });
  await page.reload();
  await expect(button).toBeEnabled({ timeout: 30_000 });
  await button.click();
  await expect(card.getByTestId('job-refund')).toHaveText(
    'Cancelled by you: the fee went to your claimable balance. Withdraw it from Earnings.',
    { timeout: 30_000 },
  );
  await expect(button).toHaveCount(0);
  expect((await readJob(market.requester, { economy, jobId })).status).toBe('Refunded');
  const account = await readAccount(market.requester, { economy, account: devAccount(4).address });
  expect(account.claimable).toBe(2n * TOKEN);
});
