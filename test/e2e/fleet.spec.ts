import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';
import { tempDir } from '../helpers/tmp';

// No chain: this is about the fleet — adding nodes, seeing them side by side, steering one, one going down and back.
const env = { FLYWHEEL_DEVNET: 'off', FLYWHEEL_PASSPHRASE: '', FLYWHEEL_PASSPHRASE_FILE: '' };
const shells: HeadlessProcess[] = [];
const rigBData = tempDir('flywheel-fleet-b-');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function start(options: Parameters<typeof startHeadless>[0] = {}): Promise<HeadlessProcess> {
  const shell = await startHeadless({ ...options, env });
  shells.push(shell);
  return shell;
}

test.afterAll(async () => {
  for (const shell of shells) await shell.stop();
  rigBData.cleanup();
});

test('three nodes on one machine: two added to the third’s Fleet page, one stopped from it, one killed and back', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const portB = await freePort();
  const [home, rigA, rigB] = await Promise.all([
    start(),
    start(),
    start({ dataDir: rigBData.dir, args: ['--port', String(portB)] }),
  ]);
  // The fleet's tokens are sealed by this node's wallet: create one first.
  const created = await fetch(`${home.origin}/api/call/wallet.create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${home.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ passphrase: 'fleet passphrase 1' }),
  });
  expect(created.status).toBe(200);

  await page.goto(home.url);
  await expect(page.getByTestId('connection')).toHaveText('Connected');
  await page.getByRole('link', { name: 'Fleet' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Fleet');
  await expect(page.getByText(/No other nodes yet/)).toBeVisible();

  // A wrong token is refused in words; the URL with #token= is taken.
  await page.getByLabel('URL', { exact: true }).fill(rigA.origin);
  await page.getByLabel('Token (if not in the URL)').fill('x'.repeat(43));
  await page.getByRole('button', { name: 'Add node' }).click();
  await expect(page.getByRole('alert')).toContainText(`The node at ${rigA.origin} refused that token.`);
  await page.getByLabel('Token (if not in the URL)').fill('');
  await page.getByLabel('URL', { exact: true }).fill(rigA.url);
  await page.getByLabel('Name (optional)').fill('rig A');
  await page.getByRole('button', { name: 'Add node' }).click();
  await expect(page.getByRole('region', { name: 'rig A' })).toBeVisible();
  await page.getByLabel('URL', { exact: true }).fill(rigB.url);
  await page.getByLabel('Name (optional)').fill('rig B');
  await page.getByRole('button', { name: 'Add node' }).click();

  const a = page.getByRole('region', { name: 'rig A' });
  const b = page.getByRole('region', { name: 'rig B' });
  await expect(a).toHaveAttribute('data-state', 'answering');
  await expect(b).toHaveAttribute('data-state', 'answering');
  await expect(a.getByTestId('fleet-provider')).toHaveText('Not providing (switched off)');

  // Start at rig A through its API: it has no wallet, and says so; then stop it again.
  await a.getByRole('button', { name: 'Start providing' }).click();
  await expect(a.getByTestId('fleet-provider')).toContainText(/wallet/i);
  await a.getByRole('button', { name: 'Stop providing' }).click();
  await expect(a.getByTestId('fleet-provider')).toHaveText('Not providing (switched off)');
  const direct = await fetch(`${rigA.origin}/api/call/provider.get`, {
    method: 'POST',
    headers: { authorization: `Bearer ${rigA.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(((await direct.json()) as { result: { status: string } }).result.status).toBe('stopped');

  // rig B killed: shown as not answering within seconds by the background checks (every 5 s, 4 s timeout), rig A
  // untouched.
  rigB.child.kill('SIGKILL');
  await new Promise((r) => rigB.child.once('exit', r));
  const killedAt = Date.now();
  await expect(b).toHaveAttribute('data-state', 'not-answering', { timeout: 12_000 });
  console.log(
    `fleet: rig B shown as not answering ${((Date.now() - killedAt) / 1000).toFixed(1)} s after its kill`,
  );
  await expect(b.getByTestId('fleet-down')).toContainText('Not answering since');
  await expect(b.getByRole('button', { name: 'Start providing' })).toBeDisabled();
  await expect(a).toHaveAttribute('data-state', 'answering');
  await expect(page.getByTestId('fleet-summary')).toContainText('2 nodes, 1 not answering.');

  // Back on the same port with the same data folder (same token): answering again by itself; Check now asks at once.
  await start({ dataDir: rigBData.dir, args: ['--port', String(portB)] });
  const backAt = Date.now();
  await expect(b).toHaveAttribute('data-state', 'answering', { timeout: 12_000 });
  console.log(
    `fleet: rig B shown as answering ${((Date.now() - backAt) / 1000).toFixed(1)} s after its start`,
  );
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(b).toHaveAttribute('data-state', 'answering');
  expect(errors).toEqual([]);
});
