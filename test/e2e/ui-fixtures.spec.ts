import { expect, test, type Locator, type Page } from '@playwright/test';
import type { ApiEventMessage, CallName, EarningsReport, JobDetail } from '../../src/shared/api';
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

async function withFixtures(
  page: Page,
  overrides: Partial<Record<CallName, (params: unknown) => unknown>> = {},
): Promise<(message: ApiEventMessage) => void> {
  await page.route('**/api/call/*', async (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop() as CallName;
    const answer = (overrides[name] ?? fixtureAnswers[name]) as ((params: unknown) => unknown) | undefined;
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
  await expect(page.getByTestId('comparison')).toContainText('273.6 – 410.4 FLY');
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

type Box = { x: number; y: number; width: number; height: number };
const boxes = async (items: Locator): Promise<Box[]> =>
  Promise.all((await items.all()).map(async (l) => (await l.boundingBox())!));
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

test('nothing on screen contradicts itself: axis labels apart, lineage titles whole, one toast per event, one withdraw amount', async ({
  page,
}) => {
  // Payouts seconds apart, ending now; a fine-tune whose loss got tiny; a long economy name with a standing badge.
  const now = Math.floor(Date.now() / 1000);
  const fly = f.earnings.history.find((h) => h.economy === f.GENESIS && h.kind === 'fee')!;
  const secondsApart: EarningsReport = {
    ...f.earnings,
    history: [50, 44, 39, 33, 26, 20].map((ago, i) => ({
      ...fly,
      t: now - ago,
      block: 2000 + i,
      jobId: `${60 + i}`,
    })),
  };
  const tinyLoss: JobDetail = {
    ...f.fineTuneDetail,
    preview: { kind: 'fine-tune', lossCurve: [0.0031, 0.0004, 0.0000412, 0.0000119], evalLoss: 0.0000131 },
  };
  const longName = f.economies.map((e) =>
    e.economy === f.FORK_OCR
      ? {
          ...e,
          name: 'Flywheel Lite Community Guild',
          membership: { ...e.membership, status: 'exiting' as const, unbondingEndsAt: now + 120 },
        }
      : e,
  );
  const push = await withFixtures(page, {
    'earnings.get': () => secondsApart,
    'jobs.get': (params) =>
      (params as { key: string }).key === f.fineTuneDetail.key
        ? tinyLoss
        : (fixtureAnswers['jobs.get'] as (p: unknown) => unknown)(params),
    'economies.list': () => longName,
  });
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(shell.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected');

    // The lineage: every title and badge inside its node, the name on one line.
    await openPage(page, `walk-economies-${theme}`, 'Economies');
    const nodes = page.locator('.lineage-node');
    await expect(nodes).toHaveCount(3);
    for (const node of await nodes.all()) {
      const outer = (await node.boundingBox())!;
      for (const part of await node.locator('.lineage-title, .lineage-meta, .badge').all()) {
        expect(inside((await part.boundingBox())!, outer), await node.innerText()).toBe(true);
      }
      const name = node.locator('.lineage-name');
      expect(await name.evaluate((el) => el.getClientRects().length)).toBe(1);
    }
    await expect(page.locator('.lineage-node .badge-member-exiting')).toHaveText('unbonding');

    // The earnings chart: tick labels for a span of seconds, each its own, none over another.
    await openPage(page, `walk-earnings-${theme}`, 'Earnings');
    const ticks = page.getByTestId('earnings-chart-FLY').locator('.recharts-xAxis-tick-labels text');
    await expect(page.getByTestId('earnings-chart-FLY').locator('.recharts-area')).toHaveCount(2);
    // recharts 3 draws the tick labels in their own layer, apart from the axis line's group.
    await expect(ticks.first()).toBeVisible();
    const labels = await ticks.allTextContents(); // SVG text has no innerText
    expect(labels.length).toBeGreaterThanOrEqual(2);
    expect(labels, labels.join(' | ')).toEqual([...new Set(labels)]);
    for (const label of labels) expect(label).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    const tickBoxes = await boxes(ticks);
    for (let i = 1; i < tickBoxes.length; i++) expect(overlap(tickBoxes[i - 1]!, tickBoxes[i]!)).toBe(false);

    // The tooltip follows the pointer and goes with it: none left standing once the pointer leaves the chart.
    const chart = page.getByTestId('earnings-chart-FLY').locator('.recharts-cartesian-grid');
    const tooltip = page.getByTestId('earnings-chart-FLY').locator('.recharts-tooltip-wrapper');
    await chart.scrollIntoViewIfNeeded();
    const area = (await chart.boundingBox())!;
    await page.mouse.move(area.x + area.width * 0.5, area.y + area.height * 0.5, { steps: 5 });
    await page.mouse.move(area.x + area.width * 0.6, area.y + area.height * 0.5, { steps: 5 });
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText('FLY');
    await page.mouse.move(area.x + area.width * 0.6, area.y + area.height + 120, { steps: 5 });
    await expect(tooltip).toBeHidden();

    // The claimable card and the withdraw dialog show one amount, rounded alike.
    const card = (await page.getByTestId('totals-FLY').locator('.big-amount .amount').innerText()).trim();
    await page.getByRole('button', { name: 'Withdraw from Flywheel Genesis' }).click();
    await expect(page.getByTestId('quotes')).toContainText(`Flywheel Genesis: ${card} for about`);
    await page.getByRole('button', { name: 'Cancel' }).click();

    // One toast per event, in the sidebar, never over the page.
    const slash = {
      name: 'node.notification' as const,
      payload: {
        kind: 'slashed' as const,
        title: `Slashed in job 73 (${theme})`,
        body: 'Job 73 missed its deadline.',
        t: now,
      },
    };
    for (let i = 0; i < 3; i++) push(slash);
    const toasts = page.getByRole('region', { name: 'Notifications' });
    const these = toasts.getByRole('alert').filter({ hasText: `(${theme})` });
    await expect(these).toHaveCount(1);
    await page.waitForTimeout(300);
    await expect(these).toHaveCount(1);
    const main = (await page.locator('main').boundingBox())!;
    expect(overlap((await toasts.boundingBox())!, main)).toBe(false);

    // The loss axis: tiny losses in exponent form, every label inside the chart.
    await page.goto(`${shell.origin}/#/jobs/${encodeURIComponent(f.fineTuneDetail.key)}`);
    const curve = page.getByTestId('loss-curve');
    await expect(curve).toBeVisible();
    const svg = (await curve.boundingBox())!;
    const axisLabels = curve.locator('.axis-label');
    await expect(axisLabels.first()).toHaveText('0.00310');
    await expect(axisLabels.last()).toHaveText('1.19e-5');
    for (const b of await boxes(axisLabels)) expect(inside(b, svg)).toBe(true);
    await page.screenshot({ path: test.info().outputPath(`walk-loss-${theme}.png`), fullPage: true });

    // Every page of the navigation, each screenshot in this theme.
    await page.goto(shell.url);
    const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    const titles = (await nav.allInnerTexts()).map((t) => t.trim().split('\n')[0]!.trim());
    expect(titles.length).toBeGreaterThanOrEqual(8);
    for (const title of titles) {
      await openPage(page, `walk-${title.toLowerCase()}-${theme}`, title);
      // The theme follows the system's here: the page is drawn in the scheme it was given.
      expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(
        theme === 'dark',
      );
    }
  }
});
