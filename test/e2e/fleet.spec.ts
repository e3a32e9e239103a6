import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';
import { tempDir } from '../helpers/tmp';

// One devnet, three nodes on one machine: the home node serves the devnet (its demo market posts jobs), and two rigs
// join it from their own data folders and ports (FLYWHEEL_DEVNET_DIR). The home node's Fleet page watches and steers
// the rigs; one provides and is stopped from it, the other is killed and comes back.
const base = { FLYWHEEL_PASSPHRASE: '', FLYWHEEL_PASSPHRASE_FILE: '', FLYWHEEL_DEVNET: 'run' };
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
  const shell = await startHeadless({
    waitFor: /Devnet ready\./,
    timeoutMs: 120_000,
    ...options,
    env: { ...base, ...options.env },
  });
  shells.push(shell);
  return shell;
}

/** A call to a node's own API, as its token allows. */
async function call<T>(node: HeadlessProcess, name: string, params: unknown = {}): Promise<T> {
  const response = await fetch(`${node.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as { result: T; error?: { message: string } };
  if (response.status !== 200) throw new Error(`${name}: ${response.status} ${body.error?.message ?? ''}`);
  return body.result;
}

interface Economy {
  economy: string;
  parent: string | null;
  params: { minBond: string };
  membership: { status: string; walletBalance?: string } | null;
}

test.afterAll(async () => {
  for (const shell of shells) await shell.stop();
  rigBData.cleanup();
});

test('three nodes on one devnet: two rigs added to the home node’s Fleet page, one providing and stopped from it, one killed and back', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const portB = await freePort();
  const home = await start();
  const rig = { FLYWHEEL_DEVNET_DIR: home.dataDir };
  const [rigA, rigB] = await Promise.all([
    start({ env: rig }),
    start({ dataDir: rigBData.dir, args: ['--port', String(portB)], env: rig }),
  ]);
  // The fleet's tokens are sealed by the home node's wallet: create one first.
  await call(home, 'wallet.create', { passphrase: 'fleet passphrase 1' });
  // Rig A's wallet: the devnet pays it its welcome funds, and it joins the genesis economy with the minimum bond.
  await call(rigA, 'wallet.create', { passphrase: 'rig A passphrase' });
  const genesis = (await call<Economy[]>(rigA, 'economies.list')).find((e) => e.parent === null)!;
  await expect
    .poll(
      async () =>
        BigInt(
          (await call<Economy>(rigA, 'economies.get', { economy: genesis.economy })).membership
            ?.walletBalance ?? 0,
        ) >= BigInt(genesis.params.minBond),
      { timeout: 30_000 },
    )
    .toBe(true);
  await call(rigA, 'provider.join', { economy: genesis.economy, bond: genesis.params.minBond });

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
  await expect(a).toContainText('Devnet (local)');
  await expect(a.getByTestId('fleet-provider')).toHaveText('Not providing (switched off)');
  // Rig B has no wallet: starting it through its API says so.
  await b.getByRole('button', { name: 'Start providing' }).click();
  await expect(b.getByTestId('fleet-provider')).toContainText(/wallet/i);
  await b.getByRole('button', { name: 'Stop providing' }).click();
  await expect(b.getByTestId('fleet-provider')).toHaveText('Not providing (switched off)');

  // Rig A started from here: it provides in the genesis economy of the one devnet, takes the market's jobs (their
  // models and inputs read from the devnet's blob folder) and the page counts them.
  await a.getByRole('button', { name: 'Start providing' }).click();
  await expect(a.getByTestId('fleet-provider')).toContainText('Providing in 1 economy');
  expect((await call<Economy>(rigA, 'economies.get', { economy: genesis.economy })).membership?.status).toBe(
    'active',
  );
  await expect(a.getByTestId('fleet-jobs')).not.toHaveText('0', { timeout: 150_000 });
  console.log(
    `fleet: rig A's card counts ${await a.getByTestId('fleet-jobs').textContent()} job(s) in the last hour`,
  );
  await expect(a.getByTestId('fleet-earnings')).toContainText('FLY');

  // And stopped from here: switched off, and paused on-chain so it is drawn no more.
  await a.getByRole('button', { name: 'Stop providing' }).click();
  await expect(a.getByTestId('fleet-provider')).toHaveText('Not providing (switched off)');
  expect((await call<{ status: string }>(rigA, 'provider.get')).status).toBe('stopped');
  await expect
    .poll(
      async () =>
        (await call<Economy>(rigA, 'economies.get', { economy: genesis.economy })).membership?.status,
      {
        timeout: 30_000,
      },
    )
    .toBe('paused');

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

  // Back on the same port with the same data folder (same token), on the same devnet: answering again by itself;
  // Check now asks at once.
  await start({ dataDir: rigBData.dir, args: ['--port', String(portB)], env: rig });
  const backAt = Date.now();
  await expect(b).toHaveAttribute('data-state', 'answering', { timeout: 12_000 });
  console.log(
    `fleet: rig B shown as answering ${((Date.now() - backAt) / 1000).toFixed(1)} s after its start`,
  );
  await page.getByRole('button', { name: 'Check now' }).click();
  await expect(b).toHaveAttribute('data-state', 'answering');
  expect(errors).toEqual([]);
});
