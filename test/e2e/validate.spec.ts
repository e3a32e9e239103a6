import { expect, test } from '@playwright/test';
import type { EconomySummary, ValidatorState } from '../../src/shared/api';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';
import { tempDir } from '../helpers/tmp';
import { api } from './api';
import { nav, timings } from './page';

/**
 * The validator in a real Chromium against the real headless shell on the embedded devnet (anvil, the contracts,
 * the demo market): the user opens Validate, reads the risk before bonding, bonds as a validator in the genesis
 * economy from the page, sets the sampling to every result, switches validation on, and sees the node's own checks
 * of the market's results appear — re-run on this machine's engine and judged by the model's policy, with their
 * evidence — then a wrong result caught: the check that disagrees, its challenge from commit to reveal, the votes,
 * and the outcome (Rejected, the provider slashed, this validator paid), on the Validate page and on the job's page.
 * The devnet's knobs make that certain rather than a matter of chance: Babbage is wrong every time and the devnet's
 * own sampler re-runs nothing, so the challenge is the user's node's and the devnet's three validators vote on it
 * after their own re-runs. Every click is the UI's; the API is only read to wait for the devnet and to report.
 */
test.describe.configure({ mode: 'serial' });

const data = tempDir('flywheel-validate-e2e-');
const PASSPHRASE = 'validate passphrase 42';
let shell: HeadlessProcess | undefined;

test.afterAll(async () => {
  await shell?.stop();
  data.cleanup();
});

const timing = timings('validate');

test('bond as a validator from the Validate page, switch on, see the node check the market’s results and catch a wrong one', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const started = Date.now();
  shell = await startHeadless({
    dataDir: data.dir,
    waitFor: /Devnet ready/,
    timeoutMs: 120_000,
    env: { FLYWHEEL_DEVNET_WRONG_RATE: '1', FLYWHEEL_DEVNET_SAMPLE_RATE: '0' },
  });
  await page.goto(shell.url);
  await expect(page.getByTestId('connection')).toHaveText('Connected');
  // The wallet is made through the API: the first-run story makes one through Settings.
  await api(page, 'wallet.create', { passphrase: PASSPHRASE });
  const flywheel = async () =>
    (await api<EconomySummary[]>(page, 'economies.list')).find((e) => e.name === 'Flywheel');
  await expect
    .poll(async () => BigInt((await flywheel())?.membership.walletBalance ?? '0'), { timeout: 60_000 })
    .toBeGreaterThan(0n);
  timing('start → wallet funded', started);

  await nav(page, 'Validate');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Validate');
  await expect(page.getByTestId('validator-status')).toContainText('Off: this node checks no new results.');
  await expect(page.getByTestId('validator-checks')).toHaveCount(0);
  await page.getByRole('button', { name: 'Validate in Flywheel…', exact: true }).click();
  const join = page.getByTestId('validator-join-panel');
  // The risk before bonding, from the economy's parameters at the bond typed.
  const risk = join.getByTestId('validator-risk');
  await expect(risk).toContainText(
    /A vote against the outcome costs [\d.]+ % of the vote's weight: [\d.]+ FLY/,
  );
  await join.getByLabel('Validator bond (FLY)').fill('150');
  await expect(risk).toContainText('with a bond of 150 FLY');
  const bond = join.getByRole('button', { name: 'Bond 150 FLY as a validator' });
  await expect(bond).toBeDisabled();
  await join.getByRole('checkbox').check();
  await expect(bond).toBeEnabled();
  await bond.click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Bonded as a validator in Flywheel.' }),
  ).toBeVisible({
    timeout: 30_000,
  });
  const card = page.getByTestId('validator-economy').filter({ hasText: 'Flywheel' }).first();
  await expect(card).toContainText('validating');
  await expect(card).toContainText('Validator bond150 FLY');

  // The sampling rate and the budget from the page: every result in its challenge window is re-run.
  const form = page.getByRole('region', { name: 'Sampling and budget' });
  await form.getByLabel('Sampling rate (%)').fill('100');
  await form.getByLabel('Re-runs per hour, at most').fill('3000');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('Saved: the next pass uses it.')).toBeVisible();
  await page.getByTestId('validate-switch').click();
  await expect(page.getByTestId('validate-switch')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('validator-status')).toContainText(
    'Validating in 1 economy: re-running 100 % of the results in their challenge window, at most 3000 an hour',
    { timeout: 30_000 },
  );
  const on = Date.now();
  timing('start → validating', started);

  // Checks appear as the market's results come in, each with its figures and device; the page follows the node's
  // pushed state without a reload.
  const table = page.getByTestId('validator-checks');
  const judged = table.locator('tr[data-verdict="valid"], tr[data-verdict="invalid"]');
  await expect(judged.first()).toBeVisible({ timeout: 90_000 });
  timing('validating → first judged check', on);
  await expect(judged.first()).toContainText(/: (valid|invalid)/);
  await expect(judged.first()).toContainText(/Re-run on .+ \(cpu\) in [\d.]+ (ms|s)\./);
  const state = await api<ValidatorState>(page, 'validator.get');
  const first = state.checks.find((c) => c.verdict === 'valid' || c.verdict === 'invalid')!;
  expect(first.evidence?.executionProvider).toBe('cpu');
  // Never the wallet's own jobs; the providers checked are the market's.
  const me = (await api<{ address: string | null }>(page, 'wallet.get')).address!.toLowerCase();
  expect(state.checks.every((c) => c.provider?.toLowerCase() !== me)).toBe(true);

  // Babbage's wrong result: re-run here, judged invalid with its figures, challenged by this node (commit, then
  // reveal), voted invalid by the devnet's three validators after their own re-runs, Rejected; the provider
  // is slashed and this validator paid.
  const caught = page
    .getByTestId('validator-challenges')
    .locator(':scope > li')
    .filter({ hasText: 'challenged the result (voted invalid) · the result was rejected · +' });
  await expect(caught.first()).toBeVisible({ timeout: 120_000 });
  timing('validating → a wrong result challenged, rejected and paid', on);
  const challenge = caught.first();
  await expect(challenge).toContainText(/: invalid/);
  await expect(challenge.getByTestId('challenge-votes')).toContainText(
    /^Votes: 4 invalid, 0 valid · provider slashed [\d.]+ FLY$/,
  );
  const steps = challenge.getByTestId('challenge-steps');
  for (const step of [
    're-run here and judged',
    'challenge committed (the commitment sent) · 0x',
    'challenge revealed with the evidence · 0x',
    'challenge resolved',
    'vote settled and paid out',
  ]) {
    await expect(steps).toContainText(step);
  }
  const jobLink = challenge.getByRole('link', { name: /^job #\d+$/ });
  const jobId = (await jobLink.textContent())!.replace('job #', '');
  const row = table.locator(`tr[data-verdict="invalid"]`).filter({ hasText: `job #${jobId}` });
  await expect(row).toContainText('disagrees');
  await expect(row).toContainText(/Policy: .+\. Re-run on .+ \(cpu\) in [\d.]+ (ms|s)\./);
  const after = await api<ValidatorState>(page, 'validator.get');
  const mine = after.checks.find((c) => c.jobId === jobId)!;
  process.stdout.write(
    `  validate · ${JSON.stringify(after.stats)}; caught job ${jobId}: ${mine.evidence?.summary}, ` +
      `votes ${JSON.stringify(mine.votes)}, provider slashed ${mine.providerSlashed}, paid ${mine.reward}\n`,
  );
  expect(BigInt(mine.reward!)).toBeGreaterThan(0n);
  expect(BigInt(mine.providerSlashed!)).toBeGreaterThan(0n);
  await page.screenshot({ path: test.info().outputPath('validate.png'), fullPage: true });

  // The job's page: its history from the chain (challenged, the votes, Rejected, the provider slashed), and the
  // checks of its result this node knows of: its own, and the devnet validators' that voted.
  await jobLink.click();
  await expect(page.getByRole('heading', { name: new RegExp(`#${jobId}$`) })).toBeVisible();
  const history = page.getByTestId('job-timeline');
  for (const label of [
    'Challenged',
    'Vote',
    'Challenge won: result rejected',
    'Rejected',
    'Provider slashed',
  ]) {
    await expect(history).toContainText(label);
  }
  const checks = page.getByTestId('job-checks');
  await expect(checks.locator('li').filter({ hasText: 'this node: disagrees' })).toContainText(
    'challenged the result (voted invalid) · the result was rejected',
  );
  for (const name of ['Noether', 'Turing', 'Hopper']) {
    await expect(
      checks.locator('li').filter({ hasText: `${name} (devnet validator): disagrees` }),
    ).toContainText('voted invalid');
  }
  await page.screenshot({ path: test.info().outputPath('job.png'), fullPage: true });

  // The Dashboard card counts the checks; the Earnings page shows the validator bond and what it earned beside
  // provider earnings.
  await nav(page, 'Dashboard');
  await expect(page.getByTestId('validator-summary')).toContainText(
    /Validating · in 1 economy · [1-9]\d* checks in the last hour · earned [\d.]+ FLY/,
  );
  await nav(page, 'Earnings');
  await expect(page.getByTestId('validation-earnings')).toContainText('Flywheelvalidating150 FLY');
  await page.screenshot({ path: test.info().outputPath('earnings.png'), fullPage: true });
  timing('whole test', started);
});
