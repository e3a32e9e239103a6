import { expect, test, type Page } from '@playwright/test';
import type { ApiEventMessage, CallName } from '../../src/shared/api';
import { fixtureAnswers } from '../renderer/fixtureAnswers';
import * as f from '../renderer/fixtures';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';

/**
 * The pages with data, in a real Chromium: the built UI is served by the real headless shell, but every API call
 * and the event socket are answered from the component-test fixtures (a whole devnet), because the node does not
 * run those parts yet. This checks what happy-dom cannot — layout, charts drawn by recharts, SVG, both themes —
 * and saves a screenshot of each page. The real node is exercised in ui.spec.ts.
 */

let shell: HeadlessProcess;

test.beforeAll(async () => {
  // Every call is answered from fixtures: the node's own devnet would only cost CPU here.
  shell = await startHeadless({ env: { FLYWHEEL_DEVNET: 'off' } });
});
test.afterAll(async () => {
  await shell.stop();
});

async function withFixtures(page: Page): Promise<(message: ApiEventMessage) => void> {
  await page.route('**/api/call/*', async (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop() as CallName;
    const answer = fixtureAnswers[name] as ((params: unknown) => unknown) | undefined;
    const params = route.request().postDataJSON() as unknown;
    const body = answer
      ? { ok: true, result: answer(params) }
      : { ok: false, error: { code: 'UNAVAILABLE', shortMessage: `No fixture answers ${name}.` } };
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
  let send: (message: ApiEventMessage) => void = () => undefined;
  await page.routeWebSocket(/\/api\/events$/, (ws) => {
    send = (message) => ws.send(JSON.stringify(message));
  });
  return (message) => send(message);
}

async function openPage(page: Page, id: string, title: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('.loading')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath(`${id}.png`), fullPage: true });
}

test('every page with a whole devnet’s data, in both themes', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const push = await withFixtures(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(shell.url);
  await expect(page.getByTestId('connection')).toHaveText('Connected');

  await expect(page.getByTestId('score')).toHaveText('5,120');
  await expect(page.getByTestId('job-feed')).toContainText('PP-OCRv4 recognition #40');
  push({
    name: 'benchmark.progress',
    payload: {
      runId: 'b5',
      mode: 'full',
      step: 'ocr-rec',
      label: 'OCR recognition',
      stepIndex: 1,
      steps: 3,
      fraction: 0.45,
      etaS: 20,
    },
  });
  push({
    name: 'node.notification',
    payload: {
      kind: 'job-finalized',
      title: 'Job #40 finalized',
      body: '2.375 FLY added to claimable.',
      t: f.NOW_S,
    },
  });
  await expect(page.getByRole('progressbar', { name: /Full benchmark/ })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('dashboard.png'), fullPage: true });

  await openPage(page, 'economies', 'Economies');
  await expect(page.getByTestId('comparison')).toContainText('14.25 FLY');
  await page.getByRole('button', { name: 'Join OCR Guild…' }).click();
  await expect(page.getByTestId('risk')).toContainText('moderate risk');
  await page.screenshot({ path: test.info().outputPath('economies-join.png'), fullPage: true });

  await openPage(page, 'jobs', 'Jobs');
  await page.getByRole('link', { name: 'PP-OCRv4 recognition #40' }).click();
  await expect(page.getByTestId('ocr-text')).toHaveText('Flywheel 2026 GPU');
  await page.screenshot({ path: test.info().outputPath('job-ocr.png'), fullPage: true });
  await page.goto(`${shell.origin}/#/jobs/${encodeURIComponent(f.fineTuneDetail.key)}`);
  await expect(page.getByTestId('loss-curve')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('job-fine-tune.png'), fullPage: true });
  await page.goto(`${shell.origin}/#/jobs/${encodeURIComponent(f.vadDetail.key)}`);
  await expect(page.getByTestId('vad-timeline')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('job-vad.png'), fullPage: true });
  await page.goto(`${shell.origin}/#/jobs/${encodeURIComponent(f.detectionDetail.key)}`);
  await expect(page.getByTestId('text-regions')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('job-detection.png'), fullPage: true });

  await openPage(page, 'earnings', 'Earnings');
  // recharts drew the running totals: one area per series, in the real layout.
  await expect(page.getByTestId('earnings-chart-FLY').locator('.recharts-area')).toHaveCount(2);
  await page.getByRole('button', { name: 'Withdraw all…' }).click();
  await expect(page.getByTestId('quotes')).toContainText('0.00021 ETH');
  await page.screenshot({ path: test.info().outputPath('earnings.png'), fullPage: true });

  await openPage(page, 'penalties', 'Penalties');
  await openPage(page, 'settings', 'Settings');

  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await openPage(page, 'dashboard-dark', 'Dashboard');
  await openPage(page, 'economies-dark', 'Economies');
  await openPage(page, 'earnings-dark', 'Earnings');
  expect(errors).toEqual([]);
});
