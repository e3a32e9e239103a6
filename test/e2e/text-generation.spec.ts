import { expect, test } from '@playwright/test';
import type { EconomySummary, JobSummary } from '../../src/shared/api';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';
import { tempDir } from '../helpers/tmp';
import { api } from './api';

/**
 * Text generation in a real Chromium against the real headless shell on the embedded devnet: the node provides in the
 * genesis economy, the demo requester's text-generation jobs (its random-weight llama) are drawn for it and run on
 * llama.cpp, and such a job's page shows the prompt, the generated text with why it stopped and each token's
 * logprob, and says the model has random weights; while it runs, the dashboard counts its tokens. Setup goes through the API (the first-run story clicks it).
 */
test.describe.configure({ mode: 'serial' });

const data = tempDir('flywheel-text-e2e-');
let shell: HeadlessProcess | undefined;

test.afterAll(async () => {
  await shell?.stop();
  data.cleanup();
});

test('a text-generation job streams its tokens on the dashboard, then its page shows the prompt, text and logprobs', async ({
  page,
}) => {
  test.setTimeout(420_000);
  // Most demo posts are text generations here: at the default share (about one post in eight, each drawn among the
  // devnet's providers) the first one reached this node after 8 s in one CI run and not within 5 min in another.
  shell = await startHeadless({
    dataDir: data.dir,
    waitFor: /Devnet ready/,
    timeoutMs: 120_000,
    env: { FLYWHEEL_DEVNET_TEXT_SHARE: '0.8' },
  });
  await page.goto(shell.url);
  await expect(page.getByTestId('connection')).toHaveText('Connected');
  await api(page, 'wallet.create', { passphrase: 'text passphrase 42' });
  const flywheel = async () =>
    (await api<EconomySummary[]>(page, 'economies.list')).find((e) => e.name === 'Flywheel');
  await expect
    .poll(async () => BigInt((await flywheel())?.membership.walletBalance ?? '0'), { timeout: 60_000 })
    .toBeGreaterThan(0n);
  const genesis = (await flywheel())!;
  await api(page, 'provider.join', {
    economy: genesis.economy,
    bond: (BigInt(genesis.params.minBond) * 2n).toString(),
  });
  await api(page, 'provider.start');

  // While this node generates, the dashboard's live jobs count its tokens (a few seconds a job on this CPU).
  const streaming = page.locator(
    '[data-testid="job-feed"] [data-testid="text-progress"] [role="progressbar"][aria-valuetext*=" / 24 tokens"]',
  );
  await expect(streaming.first()).toBeAttached({ timeout: 300_000 });

  // The demo requester posts text generations among its other jobs: wait for one this node ran and submitted.
  let text: JobSummary | undefined;
  await expect
    .poll(
      async () => {
        const mine = await api<JobSummary[]>(page, 'jobs.list', { mine: true, limit: 200 });
        text = mine.find(
          (j) => j.local?.generation && (j.local.step === 'submitted' || j.status === 'Finalized'),
        );
        return text !== undefined;
      },
      { timeout: 300_000, intervals: [2_000] },
    )
    .toBe(true);

  // Opened as a link in the app would (the shell's URL carries its token in the fragment).
  await page.evaluate((key) => (location.hash = `#/jobs/${encodeURIComponent(key)}`), text!.key);
  const card = page.getByRole('region', { name: 'Text generation' });
  await expect(page.getByRole('link', { name: '← All jobs' })).toBeVisible();
  await expect(card.getByTestId('text-prompt')).toHaveText(text!.local!.generation!.prompt);
  await expect(card.getByTestId('generated-text')).not.toBeEmpty();
  await expect(card.getByTestId('text-stats')).toContainText(
    /^\d+ \/ 24 tokens, (stopped at max_tokens \(24\)|stopped at a stop string|the model ended the sequence) · generation [\d.]+ tokens\/s/,
  );
  await expect(card.getByTestId('random-weights-note')).toContainText('random weights');
  await card.getByText(/^Per-token logprobs \(\d+ tokens\)$/).click();
  const rows = card.getByTestId('token-logprobs').locator('tbody tr');
  await expect(rows.first()).toContainText(/-?\d+\.\d{3}/);
  expect(await rows.count()).toBeGreaterThan(0);
  await page.screenshot({ path: test.info().outputPath('text-generation-job.png'), fullPage: true });
});
