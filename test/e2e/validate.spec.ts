import { expect, test, type Page } from '@playwright/test';
import type { EconomySummary, ValidatorState } from '../../src/shared/api';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';
import { tempDir } from '../helpers/tmp';
import { api } from './api';

/**
 * Issue 17 in a real Chromium against the real headless shell on the embedded devnet (anvil, the contracts, the
 * demo market): the user opens Validate, reads the risk before bonding, bonds as a validator in the genesis economy
 * from the page, switches validation on, and sees the node's own checks of the market's results appear — re-run on
 * this machine's engine and judged by the model's policy, with their evidence — and the Dashboard card count them.
 * Every click is the UI's; the API is only read to wait for the devnet and to report.
 */
test.describe.configure({ mode: 'serial' });

const data = tempDir('flywheel-validate-e2e-');
const PASSPHRASE = 'validate passphrase 42';
let shell: HeadlessProcess | undefined;

test.afterAll(async () => {
  await shell?.stop();
  data.cleanup();
});

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();

function timing(label: string, since: number): void {
  const line = `${label}: ${((Date.now() - since) / 1000).toFixed(1)} s`;
  test.info().annotations.push({ type: 'timing', description: line });
  process.stdout.write(`  validate · ${line}\n`);
}

test('bond as a validator from the Validate page, switch on, and see the node check the market’s results', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const started = Date.now();
  shell = await startHeadless({ dataDir: data.dir, waitFor: /Devnet ready/, timeoutMs: 120_000 });
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
  await expect(risk).toContainText('A vote against the outcome');
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

  await page.getByTestId('validate-switch').click();
  await expect(page.getByTestId('validate-switch')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('validator-status')).toContainText('Validating in 1 economy', {
    timeout: 30_000,
  });
  const on = Date.now();
  timing('start → validating', started);

  // Checks appear as the market's results come in: the first judged one carries its figures and device.
  const table = page.getByTestId('validator-checks');
  await expect(table).toBeVisible({ timeout: 90_000 });
  timing('validating → first check', on);
  const judged = table.locator('tr[data-verdict="valid"], tr[data-verdict="invalid"]');
  await expect(judged.first()).toBeVisible({ timeout: 120_000 });
  timing('validating → first judged check', on);
  await expect(judged.first()).toContainText(/: (valid|invalid)/);
  await expect(judged.first()).toContainText(/Re-run on .+ \(cpu\) in [\d.]+ (ms|s)\./);
  const state = await api<ValidatorState>(page, 'validator.get');
  const first = state.checks.find((c) => c.verdict === 'valid' || c.verdict === 'invalid')!;
  process.stdout.write(
    `  validate · ${state.checks.length} checks: ${state.stats.valid} valid, ${state.stats.invalid} invalid, ` +
      `${state.stats.skipped} skipped; e.g. job ${first.jobId}: ${first.evidence?.summary}\n`,
  );
  expect(first.evidence?.executionProvider).toBe('cpu');
  // Never the wallet's own jobs; the providers checked are the market's.
  const me = (await api<{ address: string | null }>(page, 'wallet.get')).address!.toLowerCase();
  expect(state.checks.every((c) => c.provider?.toLowerCase() !== me)).toBe(true);
  await expect(page.getByTestId('validator-stats')).toContainText(
    /Checked in the last hour[1-9]\d* of at most 60/,
  );

  // The sampling rate and the budget from the page: every result is checked from now on, and more checks come.
  // (A wrong result of the market's sloppy provider is not asserted: it comes up by chance. In one run at 100 % the
  // node met and challenged one within 30 s; in another it checked 34 results in 3 min, all right. Catching one —
  // challenge, vote, Rejected — is tested on a real anvil in test/main/validator/, its display in
  // test/renderer/Validate.test.tsx.)
  const form = page.getByRole('region', { name: 'Sampling and budget' });
  await form.getByLabel('Sampling rate (%)').fill('100');
  await form.getByLabel('Re-runs per hour, at most').fill('3000');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('Saved: the next pass uses it.')).toBeVisible();
  await expect(page.getByTestId('validator-status')).toContainText(
    'Validating in 1 economy: re-running 100 % of the results in their challenge window, at most 3000 an hour',
  );
  const judgedBefore = state.stats.checked;
  await expect
    .poll(async () => (await api<ValidatorState>(page, 'validator.get')).stats.checked, { timeout: 120_000 })
    .toBeGreaterThanOrEqual(judgedBefore + 3);
  timing('validating → three more checks at 100 %', on);
  const after = await api<ValidatorState>(page, 'validator.get');
  process.stdout.write(`  validate · ${JSON.stringify(after.stats)}\n`);
  // The page follows the node's pushed state: the new checks are in the table without a reload.
  await expect
    .poll(() => page.getByTestId('validator-checks').locator('tbody tr').count())
    .toBeGreaterThanOrEqual(Math.min(100, judgedBefore + 3));
  await page.screenshot({ path: test.info().outputPath('validate.png'), fullPage: true });

  // The Dashboard card counts them; the Earnings page shows the validator bond beside provider earnings.
  await nav(page, 'Dashboard');
  await expect(page.getByTestId('validator-summary')).toContainText(
    /Validating · in 1 economy · [1-9]\d* checks in the last hour · earned/,
  );
  await nav(page, 'Earnings');
  await expect(page.getByTestId('validation-earnings')).toContainText('Flywheelvalidating150 FLY');
  await page.screenshot({ path: test.info().outputPath('earnings.png'), fullPage: true });
});
