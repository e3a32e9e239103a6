import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Settings } from '../../src/renderer/src/pages/Settings';
import { renderWithBridge } from './bridge';
import { fixtureBridge, unavailableBridge } from './fixtureBridge';
import * as f from './fixtures';

const section = (name: string) => screen.getByRole('region', { name });

afterEach(() => {
  document.documentElement.removeAttribute('data-theme');
  vi.restoreAllMocks();
});

describe('Settings: appearance', () => {
  it('applies a theme at once and saves it', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge();
    renderWithBridge(<Settings />, bridge);
    await user.click(await screen.findByRole('radio', { name: 'Dark' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(screen.getByRole('radio', { name: 'Dark' })).toBeChecked();
    expect(bridge.calls).toContainEqual({
      name: 'settings.update',
      params: { patch: { ui: { theme: 'dark' } } },
    });
  });

  it('puts the theme back when the node refuses to save it', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('settings.update', {
      code: 'IO_FAILED',
      shortMessage: 'Could not save the settings.',
    });
    renderWithBridge(<Settings />, bridge);
    await user.click(await screen.findByRole('radio', { name: 'Light' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Check that the data folder is writable');
    expect(document.documentElement.dataset.theme).toBe('system');
    expect(screen.getByRole('radio', { name: 'Like the system' })).toBeChecked();
  });

  it('saves start on login', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge();
    renderWithBridge(<Settings />, bridge);
    await user.click(await screen.findByRole('checkbox', { name: /Start Flywheel when I log in/ }));
    expect(bridge.calls).toContainEqual({
      name: 'settings.update',
      params: { patch: { startOnLogin: true } },
    });
  });
});

describe('Settings: network', () => {
  it('checks a custom network field by field, then saves it', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge();
    renderWithBridge(<Settings />, bridge);
    await user.click(await screen.findByRole('radio', { name: 'A custom EVM network' }));
    await user.click(screen.getByRole('button', { name: 'Save network' }));
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Give the network a name.');
    expect(screen.getByLabelText('RPC URL')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Factory address')).toHaveAccessibleDescription(
      '0x followed by 40 hexadecimal characters.',
    );
    expect(bridge.calls.some((c) => c.name === 'settings.update')).toBe(false);

    await user.type(screen.getByLabelText('Name'), 'Base Sepolia');
    await user.type(screen.getByLabelText('RPC URL'), 'https://sepolia.base.org');
    await user.type(screen.getByLabelText('Chain id'), '84532');
    await user.type(screen.getByLabelText('Factory address'), f.GENESIS);
    await user.click(screen.getByRole('radio', { name: 'IPFS (a Kubo node)' }));
    await user.click(screen.getByRole('button', { name: 'Save network' }));
    expect(bridge.calls).toContainEqual({
      name: 'settings.update',
      params: {
        patch: {
          network: {
            kind: 'custom',
            label: 'Base Sepolia',
            rpcUrl: 'https://sepolia.base.org',
            chainId: 84532,
            factory: f.GENESIS,
            blobStore: { kind: 'ipfs', apiUrl: 'http://127.0.0.1:5001', gatewayUrl: 'http://127.0.0.1:8080' },
          },
        },
      },
    });
    expect(await within(section('Network')).findByText('Saved.')).toBeInTheDocument();
    // An edit after the save: no longer saved.
    await user.type(screen.getByLabelText('Name'), ' 2');
    expect(within(section('Network')).queryByText('Saved.')).toBeNull();
  });

  it('shows the fields the node refused', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('settings.update', {
      code: 'BAD_INPUT',
      shortMessage: 'These settings were not saved.',
      issues: [{ path: 'network.rpcUrl', message: 'must be reachable' }],
    });
    renderWithBridge(<Settings />, bridge);
    await user.click(await screen.findByRole('button', { name: 'Save network' }));
    const alert = await within(section('Network')).findByRole('alert');
    expect(alert).toHaveTextContent('network.rpcUrl: must be reachable');
    expect(alert).toHaveTextContent('Correct the fields named below');
  });
});

describe('Settings: limits', () => {
  it('bounds each number, then saves the limits with the devices chosen', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge();
    renderWithBridge(<Settings />, bridge);
    const jobs = await screen.findByLabelText(/Jobs at once/);
    await user.clear(jobs);
    await user.type(jobs, '20');
    expect(jobs).toHaveAccessibleDescription('Between 1 and 16.');
    expect(screen.getByRole('button', { name: 'Save limits' })).toBeDisabled();
    await user.clear(jobs);
    await user.type(jobs, '4');
    await user.click(await screen.findByRole('checkbox', { name: /NVIDIA GeForce RTX 4090/ }));
    await user.click(screen.getByRole('checkbox', { name: 'Only take jobs at set times' }));
    await user.click(screen.getByRole('checkbox', { name: 'Sun' }));
    await user.click(screen.getByRole('button', { name: 'Save limits' }));
    const call = bridge.calls.find((c) => c.name === 'settings.update');
    expect(call?.params).toEqual({
      patch: {
        limits: {
          ...f.settings.limits,
          maxConcurrentJobs: 4,
          devices: ['cpu'],
          schedule: { ...f.settings.limits.schedule, enabled: true, days: [1, 2, 3, 4, 5, 6] },
        },
      },
    });
  });
});

describe('Settings: wallet', () => {
  it('still works for everything else while the wallet is not running', async () => {
    renderWithBridge(<Settings />, unavailableBridge());
    expect(await screen.findByText('The wallet is not running on this node.')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Like the system' })).toBeChecked();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('creates a key with a passphrase typed twice', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('wallet.get', f.noWallet).answer('wallet.create', f.wallet);
    renderWithBridge(<Settings />, bridge);
    expect(await screen.findByText(/No wallet yet/)).toHaveTextContent(f.noWallet.protectionNote);
    await user.type(screen.getByLabelText('Passphrase'), 'correct horse');
    await user.type(screen.getByLabelText('Passphrase again'), 'correct hose');
    expect(screen.getByText('The two passphrases differ.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create wallet' })).toBeDisabled();
    await user.clear(screen.getByLabelText('Passphrase again'));
    await user.type(screen.getByLabelText('Passphrase again'), 'correct horse');
    bridge.answer('wallet.get', f.wallet);
    await user.click(screen.getByRole('button', { name: 'Create wallet' }));
    expect(bridge.calls).toContainEqual({ name: 'wallet.create', params: { passphrase: 'correct horse' } });
    expect(await screen.findByTestId('wallet-address')).toHaveTextContent(f.WALLET);
  });

  it('imports a recovery phrase', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('wallet.get', f.noWallet).answer('wallet.import', f.wallet);
    renderWithBridge(<Settings />, bridge);
    await user.click(await screen.findByRole('radio', { name: 'Import a key I have' }));
    await user.type(
      screen.getByLabelText(/Your recovery phrase/),
      ' test test test test test test test test test test test junk ',
    );
    await user.click(screen.getByRole('button', { name: 'Import wallet' }));
    expect(bridge.calls).toContainEqual({
      name: 'wallet.import',
      params: {
        mnemonic: 'test test test test test test test test test test test junk',
        passphrase: undefined,
      },
    });
  });

  it('unlocks a locked wallet, saying why a wrong passphrase failed', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge()
      .answer('wallet.get', { ...f.wallet, locked: true })
      .answer('wallet.unlock', {
        code: 'BAD_INPUT',
        shortMessage: 'That passphrase does not open this keystore.',
      });
    renderWithBridge(<Settings />, bridge);
    await user.type(await screen.findByLabelText('Passphrase'), 'not it at all');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'That passphrase does not open this keystore.',
    );
  });

  it('exports the key only behind a confirmation, as an encrypted file download', async () => {
    const user = userEvent.setup();
    const keystore = JSON.stringify({ version: 3, address: f.WALLET.slice(2), crypto: { kdf: 'scrypt' } });
    const bridge = fixtureBridge().answer('wallet.export', { keystore, filename: 'flywheel-keystore.json' });
    const createObjectURL = vi.fn(() => 'blob:keystore');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(`${this.download} ${this.href}`);
    });
    renderWithBridge(<Settings />, bridge);
    await user.click(await screen.findByRole('button', { name: 'Export the key…' }));
    const form = screen.getByRole('form', { name: 'Export the key' });
    expect(form).toHaveTextContent('Anyone who has the file and its passphrase controls this wallet');
    const exportButton = within(form).getByRole('button', { name: 'Export keystore file' });
    await user.type(within(form).getByLabelText('Passphrase for the file'), 'a long passphrase');
    expect(exportButton).toBeDisabled();
    await user.click(within(form).getByRole('checkbox'));
    await user.click(exportButton);
    expect(bridge.calls).toContainEqual({
      name: 'wallet.export',
      params: { passphrase: 'a long passphrase', confirm: true },
    });
    await waitFor(() => expect(clicks).toEqual(['flywheel-keystore.json blob:keystore']));
    expect(screen.getByText('Saved as flywheel-keystore.json.')).toBeInTheDocument();
  });
});
