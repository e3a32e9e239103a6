import { expect, test } from '@playwright/test';
import type { EarningsReport, EconomySummary, JobSummary } from '../../src/shared/api';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';
import { tempDir } from '../helpers/tmp';
import { api } from './api';
import { nav, timings } from './page';

/**
 * The first-run story in a real Chromium against the real headless shell on a fresh data folder, as `npm start`
 * gives it: the node starts the embedded devnet (anvil, contracts, the demo market); the user opens the dashboard,
 * runs a benchmark, makes a wallet, joins the genesis economy and switches Provide GPU on; jobs arrive and
 * finalize and claimable grows; the economies compare side by side; the user switches to a fork, sees earnings per
 * economy and withdraws, and the token balance moves. Then the shell restarts on the same folder and all of it is
 * still there. Every click is the UI's; the API is only read to check numbers.
 */

test.describe.configure({ mode: 'serial' });

const data = tempDir('flywheel-story-');
const PASSPHRASE = 'story passphrase 42';
let shell: HeadlessProcess | undefined;

test.afterAll(async () => {
  await shell?.stop();
  data.cleanup();
});

const byName = (economies: EconomySummary[], name: string) => economies.find((e) => e.name === name)!;

const timing = timings('story');

test('first run: benchmark, wallet, join genesis, provide, jobs finalize, compare, move the bond to a fork, withdraw', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const started = Date.now();
  shell = await startHeadless({ dataDir: data.dir, env: { FLYWHEEL_HEARTBEAT_MS: '1000' } });
  await page.goto(shell.url);
  await expect(page.getByTestId('connection')).toHaveText('Connected');

  // The benchmark runs while the devnet deploys and the wallet is made.
  const bench = page.getByRole('region', { name: 'Benchmark' });
  await bench.getByRole('button', { name: 'Run quick' }).click();

  await nav(page, 'Settings');
  const wallet = page.getByRole('region', { name: 'Wallet' });
  await expect(wallet).toContainText('No wallet yet');
  await wallet.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await wallet.getByLabel('Passphrase again').fill(PASSPHRASE);
  await wallet.getByRole('button', { name: 'Create wallet' }).click();
  await expect(wallet.getByTestId('wallet-address')).toHaveText(/^0x[0-9a-fA-F]{40}$/, { timeout: 30_000 });
  const address = (await wallet.getByTestId('wallet-address').textContent())!;

  await nav(page, 'Dashboard');
  const status = page.getByTestId('node-status');
  await expect(status).toContainText('Devnet (local)');
  await expect(status).toContainText('Devnet ready', { timeout: 60_000 });
  await expect(page.getByTestId('block')).not.toContainText('not connected');
  timing('npm start → devnet ready', started);
  await expect(bench.getByTestId('score')).toHaveText(/^[\d,]+$/, { timeout: 120_000 });
  timing('npm start → benchmark done', started);

  // The devnet paid the new wallet its welcome tokens: join the genesis economy with twice the minimum bond.
  await nav(page, 'Economies');
  await expect(page.getByRole('button', { name: 'Join Flywheel…', exact: true })).toBeVisible({
    timeout: 30_000,
  });
  await expect
    .poll(
      async () =>
        BigInt(byName(await api(page, 'economies.list'), 'Flywheel').membership.walletBalance ?? '0'),
      {
        timeout: 30_000,
      },
    )
    .toBeGreaterThan(0n);
  await page.getByRole('button', { name: 'Join Flywheel…', exact: true }).click();
  const join = page.getByTestId('join-panel');
  await join.getByLabel('Bond (FLY)').fill('200');
  await join.getByRole('checkbox').check();
  await join.getByRole('button', { name: /^Bond 200 FLY and join$/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Joined Flywheel.' })).toBeVisible({
    timeout: 30_000,
  });

  await nav(page, 'Dashboard');
  await page.getByTestId('provide-switch').click();
  await expect(page.getByTestId('provider-status')).toContainText('Providing', { timeout: 30_000 });
  const providing = Date.now();
  timing('npm start → providing in genesis', started);

  // Jobs are drawn for this machine, run on its engine, and finalize after the challenge window.
  const feed = page.getByTestId('job-feed');
  await expect(feed).toBeVisible({ timeout: 60_000 });
  timing('providing → first job assigned', providing);
  await expect(feed.getByText('Finalized').first()).toBeVisible({ timeout: 90_000 });
  timing('providing → first job finalized', providing);
  timing('npm start → first job finalized', started);
  const genesis = byName(await api(page, 'economies.list'), 'Flywheel');
  const claimable = async () => {
    const report = await api<EarningsReport>(page, 'earnings.get');
    return BigInt(report.economies.find((e) => e.economy === genesis.economy)?.claimable ?? '0');
  };
  await expect.poll(claimable).toBeGreaterThan(0n);
  const first = await claimable();
  // More jobs finalize: claimable keeps growing.
  await expect.poll(claimable, { timeout: 90_000 }).toBeGreaterThan(first);
  timing('npm start → claimable grew again', started);
  await page.screenshot({ path: test.info().outputPath('dashboard.png'), fullPage: true });

  // A job this machine ran, opened from the Jobs page: its outcome and a look at what the engine produced.
  const mine = await api<JobSummary[]>(page, 'jobs.list', { mine: true, limit: 50 });
  const done = mine.find((j) => j.status === 'Finalized' && j.local?.step === 'finalized');
  expect(done, JSON.stringify(mine.map((j) => [j.jobId, j.status, j.local?.step]))).toBeDefined();
  await nav(page, 'Jobs');
  await page
    .getByTestId('job-table')
    .getByRole('link', { name: `${done!.modelName ?? done!.kind} #${done!.jobId}`, exact: true })
    .first()
    .click();
  await expect(page.getByTestId('outcome')).toContainText('went to your claimable balance');
  // Text for recognition, boxed regions for detection, speech on a timeline for VAD, a loss curve for fine-tunes,
  // the generated text for a language model's job (the devnet posts those too).
  const preview = page.locator(
    ['ocr-text', 'text-regions', 'vad-timeline', 'loss-curve', 'generated-text']
      .map((id) => `[data-testid="${id}"]`)
      .join(', '),
  );
  await expect(preview.first()).toBeVisible();
  if ((await preview.first().getAttribute('data-testid')) === 'ocr-text')
    await expect(preview.first()).not.toHaveText('(no text found)');
  await page.screenshot({ path: test.info().outputPath('job-detail.png'), fullPage: true });

  // Compare the economies, then switch to the low-fee fork (the genesis bond unbonds).
  await nav(page, 'Economies');
  const comparison = page.getByTestId('comparison');
  for (const name of ['Flywheel', 'Flywheel Lite', 'Flywheel Boost'])
    await expect(comparison).toContainText(name);
  await page.screenshot({ path: test.info().outputPath('economies.png'), fullPage: true });
  // Each other economy's column offers "Move from Flywheel…"; the first is the low-fee fork's (lineage order).
  await page.locator(`[data-move-from="${genesis.economy}"]`).first().click();
  const movePanel = page.getByTestId('join-panel');
  await expect(movePanel).toContainText('Move from Flywheel to Flywheel Lite');
  await movePanel.getByRole('checkbox').check();
  await movePanel.getByRole('button', { name: /and move$/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Moved to Flywheel Lite.' })).toBeVisible({
    timeout: 30_000,
  });
  await expect
    .poll(async () => byName(await api(page, 'economies.list'), 'Flywheel').membership.status)
    .toBe('exiting');
  expect(byName(await api(page, 'economies.list'), 'Flywheel Lite').membership.status).toBe('active');
  await expect(page.getByTestId('unbonding')).toBeVisible();

  // Earnings per economy, then withdraw what genesis paid: the tokens land in the wallet.
  await nav(page, 'Earnings');
  const table = page.getByTestId('economy-earnings');
  await expect(table).toContainText('Flywheel');
  await expect(table).toContainText('Flywheel Lite');
  const before = BigInt(
    byName(await api(page, 'economies.list'), 'Flywheel').membership.walletBalance ?? '0',
  );
  await page.getByRole('button', { name: 'Withdraw from Flywheel', exact: true }).click();
  const withdraw = page.getByTestId('withdraw-panel');
  await withdraw
    .getByRole('button', { name: /^Withdraw/ })
    .first()
    .click();
  await expect(withdraw.getByRole('status')).toContainText(/Sent 1 withdrawal/, { timeout: 30_000 });
  await expect
    .poll(
      async () =>
        BigInt(byName(await api(page, 'economies.list'), 'Flywheel').membership.walletBalance ?? '0'),
      {
        timeout: 30_000,
      },
    )
    .toBeGreaterThan(before);
  const report = await api<EarningsReport>(page, 'earnings.get');
  expect(BigInt(report.economies.find((e) => e.economy === genesis.economy)!.withdrawn)).toBeGreaterThan(0n);
  await page.screenshot({ path: test.info().outputPath('earnings.png'), fullPage: true });
  await nav(page, 'Dashboard');
  await expect(page.getByTestId('provider-status')).toContainText('Providing');
  await page.screenshot({ path: test.info().outputPath('dashboard-end.png'), fullPage: true });
  expect(report.economies.find((e) => e.economyName === 'Flywheel Lite')).toBeDefined();
  expect(address).toMatch(/^0x/);
  timing('whole first run', started);
});

test('after a restart everything is still there: economies, bonds, jobs, earnings, the wallet', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(shell!.url);
  const before = {
    economies: await api<EconomySummary[]>(page, 'economies.list'),
    earnings: await api<EarningsReport>(page, 'earnings.get'),
    jobs: await api<JobSummary[]>(page, 'jobs.list', { mine: true }),
  };
  const stopping = shell!;
  // The data folder is the test's: stopping keeps it.
  await stopping.stop();
  shell = await startHeadless({
    dataDir: data.dir,
    env: { FLYWHEEL_HEARTBEAT_MS: '1000' },
    waitFor: /Devnet ready\./,
  });
  await page.goto(shell.url);
  await expect(page.getByTestId('node-status')).toContainText('Devnet ready', { timeout: 30_000 });

  // The passphrase keystore stays locked after a restart until the user unlocks it.
  await nav(page, 'Settings');
  const wallet = page.getByRole('region', { name: 'Wallet' });
  await wallet.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await wallet.getByRole('button', { name: 'Unlock' }).click();
  await expect(wallet.getByRole('button', { name: 'Lock the wallet' })).toBeVisible({ timeout: 30_000 });

  // The stop paused Flywheel Lite on-chain; the unlock resumes it by itself, one transaction later.
  await expect
    .poll(
      async () =>
        byName(await api<EconomySummary[]>(page, 'economies.list'), 'Flywheel Lite').membership.status,
      { timeout: 30_000 },
    )
    .toBe('active');
  const economies = await api<EconomySummary[]>(page, 'economies.list');
  expect(economies.map((e) => e.economy).sort()).toEqual(before.economies.map((e) => e.economy).sort());
  expect(byName(economies, 'Flywheel').membership.status).toBe('exiting');
  const earnings = await api<EarningsReport>(page, 'earnings.get');
  const withdrawn = (r: EarningsReport) => r.economies.find((e) => e.economyName === 'Flywheel')!.withdrawn;
  expect(withdrawn(earnings)).toBe(withdrawn(before.earnings));
  const jobs = await api<JobSummary[]>(page, 'jobs.list', { mine: true });
  const finalized = before.jobs.filter((j) => j.status === 'Finalized').map((j) => j.key);
  expect(jobs.map((j) => j.key)).toEqual(expect.arrayContaining(finalized));

  await nav(page, 'Earnings');
  await expect(page.getByTestId('economy-earnings')).toContainText('Flywheel Lite');
  await page.screenshot({ path: test.info().outputPath('earnings-after-restart.png'), fullPage: true });
});
