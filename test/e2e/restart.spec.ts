import { createServer } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';
import { tempDir } from '../helpers/tmp';

const PASSPHRASE = 'restart passphrase 1';
const data = tempDir('flywheel-restart-');
let port: number;
let shell: HeadlessProcess | undefined;

/** A free port, so the restarted shell comes back at the same origin (the tab's sessionStorage is per origin). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolve(p));
    });
  });
}

async function start(env: NodeJS.ProcessEnv = {}): Promise<HeadlessProcess> {
  shell = await startHeadless({
    dataDir: data.dir,
    args: ['--port', String(port)],
    // No chain: this is about the page, the token and the wallet unlock.
    env: { FLYWHEEL_DEVNET: 'off', FLYWHEEL_HEARTBEAT_MS: '500', ...env },
  });
  return shell;
}

async function call(token: string, name: string, payload: unknown = {}) {
  const res = await fetch(`http://127.0.0.1:${port}/api/call/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result: Record<string, string> } };
}

/** Marks the document: still there after a step means the tab was not reloaded. */
const mark = (page: Page) => page.evaluate(() => ((window as { marker?: number }).marker = 42));
const marked = (page: Page) => page.evaluate(() => (window as { marker?: number }).marker);

test.beforeAll(async () => {
  port = await freePort();
});
test.afterAll(async () => {
  await shell?.stop();
  data.cleanup();
});

test('a restarted shell keeps the tab working; a rotated token makes it say so; a new URL is taken without a reload', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  const first = await start();
  expect((await call(first.token, 'wallet.create', { passphrase: PASSPHRASE })).status).toBe(200);
  await page.goto(first.url);
  await expect(page.getByTestId('connection')).toHaveText('Connected');
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByTestId('unlocked-by')).toHaveText(
    'With the passphrase typed here (or the key just created or imported)',
  );
  await expect(page.getByRole('heading', { name: 'API token' })).toBeVisible();
  await mark(page);

  // Ctrl-C and start again, this time unlocking at start from the environment: the tab carries on by itself.
  await first.stop();
  await expect(page.getByTestId('connection')).not.toHaveText('Connected');
  const second = await start({ FLYWHEEL_PASSPHRASE: PASSPHRASE });
  expect(second.token).toBe(first.token);
  await expect(page.getByTestId('connection')).toHaveText('Connected', { timeout: 20_000 });
  // The wallet panel asked again after the reconnect: it shows this run's unlock and where it came from.
  await expect(page.getByTestId('unlocked-by')).toHaveText(
    'At start, with the FLYWHEEL_PASSPHRASE environment variable',
  );
  await expect(page.getByTestId('unlock-way-environment')).toContainText('used in this run');
  await expect(page.getByTestId('unlock-way-environment')).toContainText('/proc/<pid>/environ');
  await expect(page.getByTestId('unlock-way-passphrase-file')).toContainText('Risk:');
  await expect(page.getByTestId('stale-token')).toHaveCount(0);
  expect(await marked(page)).toBe(42);
  await page.screenshot({ path: test.info().outputPath('after-restart.png'), fullPage: true });

  // Rotated elsewhere (another tab, `flywheel token rotate`): this tab says its token is no longer valid.
  const rotated = await call(second.token, 'node.rotateToken', { confirm: true });
  expect(rotated.status).toBe(200);
  const fresh = rotated.body.result.token!;
  await expect(page.getByTestId('stale-token')).toContainText(
    'This tab’s token is no longer valid: open the URL the shell printed.',
  );
  await expect(page.getByTestId('connection')).toHaveText('Token no longer valid');
  await page.screenshot({ path: test.info().outputPath('stale.png'), fullPage: true });

  // The new URL pasted into the tab changes only the fragment: taken without a reload, on the same page.
  await page.evaluate((t) => (window.location.hash = `#token=${t}`), fresh);
  await expect(page.getByTestId('connection')).toHaveText('Connected');
  await expect(page.getByTestId('stale-token')).toHaveCount(0);
  await expect.poll(() => page.url()).not.toContain('token=');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  expect(await marked(page)).toBe(42);
  expect(await page.evaluate(() => sessionStorage.getItem('flywheel.token'))).toBe(fresh);

  // Rotating from this tab's Settings: this tab takes the new token itself, the old one is refused.
  await page.getByRole('button', { name: 'Rotate the token…' }).click();
  await page.getByTestId('rotate-token').click();
  await expect(page.getByTestId('rotated-url')).toContainText(`http://127.0.0.1:${port}/#token=`);
  const newest = await page.evaluate(() => sessionStorage.getItem('flywheel.token'));
  expect(newest).not.toBe(fresh);
  expect((await call(fresh, 'node.status')).status).toBe(401);
  expect((await call(newest!, 'node.status')).status).toBe(200);
  await expect(page.getByTestId('connection')).toHaveText('Connected');
  await expect(page.getByTestId('stale-token')).toHaveCount(0);
  expect(await marked(page)).toBe(42);
  expect(errors).toEqual([]);
});
