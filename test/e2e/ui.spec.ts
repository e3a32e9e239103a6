import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';

/**
 * The UI against the real node with no chain (devnet off): every page loads, parts that need the chain show their
 * UNAVAILABLE state calmly (no crash, no console error of our own), the provider says what to do first, the keyboard
 * reaches everything, and the theme switches. Screenshots of every page in both themes are saved as test artefacts.
 */

let shell: HeadlessProcess;

test.beforeAll(async () => {
  // No chain on purpose: these tests are about the pages' "not running" states (story.spec.ts has the devnet).
  shell = await startHeadless({ env: { FLYWHEEL_HEARTBEAT_MS: '500', FLYWHEEL_DEVNET: 'off' } });
});
test.afterAll(async () => {
  await shell.stop();
});

const pages = [
  { id: 'dashboard', title: 'Dashboard' },
  { id: 'economies', title: 'Economies' },
  { id: 'jobs', title: 'Jobs' },
  { id: 'earnings', title: 'Earnings' },
  { id: 'penalties', title: 'Penalties' },
  { id: 'settings', title: 'Settings' },
] as const;

/**
 * Collects what went wrong in the page. A call to a part that is not running answers HTTP 503 with an UNAVAILABLE
 * envelope, and Chromium logs every 5xx as "Failed to load resource": those lines are allowed only as long as each
 * 503 really carried UNAVAILABLE; anything else (a page error, another console error, another status) is a failure.
 */
function watch(page: Page) {
  const problems: string[] = [];
  let unavailable = 0;
  let resourceLines = 0;
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/Failed to load resource: the server responded with a status of 503/.test(m.text())) resourceLines++;
    else problems.push(`console: ${m.text()}`);
  });
  page.on('response', async (r) => {
    if (r.status() < 400) return;
    const body = (await r.json().catch(() => null)) as { error?: { code?: string } } | null;
    if (r.status() === 503 && body?.error?.code === 'UNAVAILABLE') unavailable++;
    else problems.push(`${r.status()} ${r.url()} ${JSON.stringify(body)}`);
  });
  return {
    check() {
      expect(problems).toEqual([]);
      expect(resourceLines).toBeLessThanOrEqual(unavailable);
    },
  };
}

/** A page's link in the sidebar (the dashboard's text links to pages too). */
const navLink = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

async function open(page: Page) {
  await page.goto(shell.url);
  await expect(page.getByTestId('connection')).toHaveText('Connected');
}

test('every page loads against the real node; parts not running say so without a crash', async ({ page }) => {
  const watcher = watch(page);
  await open(page);

  // Dashboard: live data where the node has it, calm notices where it does not.
  await expect(page.getByTestId('cpu-brand')).toContainText('cores');
  await expect(page.getByTestId('node-status')).toContainText('Devnet');
  // The provider answers without a chain: stopped, and the first thing to do is to join an economy.
  const switchButton = page.getByRole('switch');
  await expect(switchButton).toHaveText('Provide GPU');
  await expect(switchButton).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId('provider-status')).toContainText('Join an economy first');
  await expect(page.getByTestId('provider-status').getByRole('link', { name: 'Economies' })).toHaveAttribute(
    'href',
    '#/economies',
  );
  const uptime = await page.getByTestId('uptime').textContent();
  await expect(page.getByTestId('uptime')).not.toHaveText(uptime ?? '', { timeout: 5_000 });

  for (const p of pages) {
    await navLink(page, p.title).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(p.title);
    await expect(navLink(page, p.title)).toHaveAttribute('aria-current', 'page');
    // Every page settles: nothing is left loading forever.
    await expect(page.locator('.loading')).toHaveCount(0);
    if (p.id !== 'dashboard' && p.id !== 'settings') {
      // Without a chain a page either says it cannot reach one, or shows its empty state: never a blank page.
      await expect(page.locator('[data-error-code="UNAVAILABLE"], .empty').first()).toBeVisible();
    }
    await page.screenshot({ path: test.info().outputPath(`${p.id}-light.png`), fullPage: true });
  }

  // Settings reads and writes real settings even while the wallet is not running.
  await expect(page.getByRole('radio', { name: 'Like the system' })).toBeChecked();
  await expect(page.getByRole('radio', { name: /^Devnet/ })).toBeChecked();
  await expect(page.getByLabel(/Jobs at once/)).toHaveValue('2');
  watcher.check();
});

test('the keyboard reaches everything: skip link first, then the pages, focus on each new page', async ({
  page,
}) => {
  const watcher = watch(page);
  await open(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page).not.toHaveURL(/#main/);

  await page.keyboard.press('Shift+Tab'); // back into the sidebar: the last page link
  await expect(navLink(page, 'Settings')).toBeFocused();
  // As many steps back as there are page links after Economies (pages come and go; the order is the sidebar's).
  const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
  for (let i = 0; i < links.length - 1 - links.indexOf('Economies'); i++)
    await page.keyboard.press('Shift+Tab');
  await expect(navLink(page, 'Economies')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Economies' })).toBeFocused();

  // From the heading, Tab goes into the page itself (once its code has loaded), and a notice's retry is reachable.
  await expect(page.locator('[data-error-code="UNAVAILABLE"]').first()).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Try again' }).first()).toBeFocused();
  watcher.check();
});

test('the theme switches from Settings, applies to <html> at once and survives a reload', async ({
  page,
}) => {
  const watcher = watch(page);
  await open(page);
  await navLink(page, 'Settings').click();
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.getByRole('radio', { name: 'Light' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const light = await background();

  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).not.toBe(light);
  await page.screenshot({ path: test.info().outputPath('settings-dark.png'), fullPage: true });

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  for (const p of pages) {
    await navLink(page, p.title).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(p.title);
    await expect(page.locator('.loading')).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath(`${p.id}-dark.png`), fullPage: true });
  }

  await navLink(page, 'Settings').click();
  await page.getByRole('radio', { name: 'Like the system' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
  watcher.check();
});

test('a quick benchmark on the real node shows its progress, then the score with its spread', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const watcher = watch(page);
  await open(page);
  const card = page.getByRole('region', { name: 'Benchmark' });
  await expect(card.getByRole('button', { name: 'Run quick' })).toBeEnabled();
  await card.getByRole('button', { name: 'Run quick' }).click();
  // The bar is driven by benchmark.progress events from the node's real suite.
  await expect(card.getByRole('progressbar', { name: /Quick benchmark: / })).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: test.info().outputPath('benchmark-running.png') });
  await expect(card.getByTestId('score')).toHaveText(/^[\d,]+$/, { timeout: 240_000 });
  await expect(card).toContainText('±');
  await expect(card.getByRole('progressbar')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('benchmark-done.png'), fullPage: true });
  watcher.check();
});

test('the wallet on the real node: create, lock, unlock, export as an encrypted keystore file', async ({
  page,
}) => {
  const watcher = watch(page);
  await open(page);
  await navLink(page, 'Settings').click();
  const wallet = page.getByRole('region', { name: 'Wallet' });
  await expect(wallet).toContainText('No wallet yet');
  await wallet.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
  await wallet.getByLabel('Passphrase again').fill('correct horse battery');
  await wallet.getByRole('button', { name: 'Create wallet' }).click();
  const address = wallet.getByTestId('wallet-address');
  await expect(address).toHaveText(/^0x[0-9a-fA-F]{40}$/, { timeout: 30_000 });
  const created = await address.textContent();

  await wallet.getByRole('button', { name: 'Lock the wallet' }).click();
  await expect(wallet).toContainText('The wallet is locked');
  await wallet.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
  await wallet.getByRole('button', { name: 'Unlock' }).click();
  await expect(wallet.getByRole('button', { name: 'Lock the wallet' })).toBeVisible({ timeout: 30_000 });

  await wallet.getByRole('button', { name: 'Export the key…' }).click();
  await wallet.getByLabel('Passphrase for the file').fill('another long passphrase');
  await wallet.getByRole('checkbox', { name: /full control of the wallet/ }).check();
  const download = page.waitForEvent('download');
  await wallet.getByRole('button', { name: 'Export keystore file' }).click();
  const file = await download;
  const keystore = JSON.parse(readFileSync(await file.path(), 'utf8')) as {
    version: number;
    address: string;
    crypto?: unknown;
  };
  expect(keystore.version).toBe(3);
  expect(`0x${keystore.address}`.toLowerCase()).toBe(created?.toLowerCase());
  expect(keystore.crypto).toBeDefined();
  await expect(wallet).toContainText(`Saved as ${file.suggestedFilename()}.`);

  // The dashboard shows the same wallet.
  await navLink(page, 'Dashboard').click();
  await expect(page.getByTestId('wallet-line')).toContainText(created ?? '');
  await page.screenshot({ path: test.info().outputPath('dashboard-with-wallet.png'), fullPage: true });
  watcher.check();
});
