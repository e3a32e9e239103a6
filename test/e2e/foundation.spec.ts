import { expect, test } from '@playwright/test';
import { startHeadless, type HeadlessProcess } from '../helpers/headless';

let shell: HeadlessProcess;

test.beforeAll(async () => {
  // A fresh data folder: the node starts the embedded devnet; the chain calls answer once it has deployed.
  shell = await startHeadless({
    env: { FLYWHEEL_HEARTBEAT_MS: '500' },
    waitFor: /Devnet ready\./,
    timeoutMs: 60_000,
  });
});
test.afterAll(async () => {
  await shell.stop();
});

test('the headless shell shows live data from the node through the bridge', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));

  await page.goto(shell.url);
  // The token leaves the address bar once read.
  await expect.poll(() => page.url()).not.toContain('token=');
  await expect(page.getByTestId('connection')).toHaveText('Connected');

  // A call through the bridge: hardware as the node detected it on this machine.
  await expect(page.getByTestId('cpu-brand')).toContainText('cores');
  // An event pushed by the node: the heartbeat moves the uptime forward without a reload.
  const first = await page.getByTestId('uptime').textContent();
  await expect(page.getByTestId('uptime')).not.toHaveText(first ?? '', { timeout: 5_000 });

  await page.screenshot({ path: test.info().outputPath('dashboard.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('a settings change made through the HTTP bridge comes back as a pushed event', async ({ page }) => {
  await page.goto(shell.url);
  await expect(page.getByTestId('connection')).toHaveText('Connected');
  const pushed = page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/api/events`, [
          'flywheel.v1',
          `token.${sessionStorage.getItem('flywheel.token')}`,
        ]);
        ws.onmessage = (e) => {
          const m = JSON.parse(String(e.data)) as { name: string; payload: { ui: { theme: string } } };
          if (m.name === 'settings.changed') resolve(m.payload.ui.theme);
        };
      }),
  );
  const answer = await page.evaluate(async () => {
    await new Promise((r) => setTimeout(r, 300));
    const res = await fetch('/api/call/settings.update', {
      method: 'POST',
      headers: { authorization: `Bearer ${sessionStorage.getItem('flywheel.token')}` },
      body: JSON.stringify({ patch: { ui: { theme: 'dark' } } }),
    });
    return res.json();
  });
  expect(answer).toMatchObject({ ok: true, result: { ui: { theme: 'dark' } } });
  expect(await pushed).toBe('dark');
});

test('a page opened without the token says how to get in, and the API refuses it', async ({ page }) => {
  await page.goto(shell.origin + '/');
  await expect(page.getByRole('alert').first()).toContainText('without its access token');
  const status = await page.evaluate(
    async () => (await fetch('/api/call/node.status', { method: 'POST' })).status,
  );
  expect(status).toBe(401);
});
