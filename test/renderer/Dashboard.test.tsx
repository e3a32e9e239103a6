import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { HardwareReport, NodeStatus } from '../../src/shared/api';
import { Dashboard } from '../../src/renderer/src/pages/Dashboard';
import { renderWithBridge, TestBridge } from './bridge';

const status: NodeStatus = {
  version: '0.1.0',
  shell: 'headless',
  startedAt: 0,
  uptimeS: 65,
  pid: 1,
  platform: 'linux',
  arch: 'x64',
  dataDir: '/tmp/x',
  network: {
    kind: 'devnet',
    label: 'Devnet (local)',
    chainId: null,
    rpcUrl: null,
    connected: false,
    blockNumber: null,
  },
  phase: { id: 'ready', label: 'Ready', state: 'done', progress: 1 },
};

const hardware: HardwareReport = {
  detectedAt: 0,
  gpus: [],
  cpu: { manufacturer: 'AMD', brand: 'EPYC', physicalCores: 2, threads: 2, speedGHz: null, simd: ['avx2'] },
  memory: { totalMiB: 24576, availableMiB: 20480 },
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', arch: 'x64' },
  devices: [{ id: 'cpu', label: 'EPYC', kind: 'cpu', executionProvider: null }],
  notes: ['No GPU was found: jobs will run on the CPU.'],
};

describe('Dashboard', () => {
  it('shows loading states until the node answers', () => {
    const bridge = new TestBridge().hang('node.status').hang('hardware.get');
    renderWithBridge(<Dashboard />, bridge);
    expect(screen.getAllByRole('status').map((e) => e.textContent)).toEqual([
      'Loading…',
      'Detecting hardware…',
    ]);
  });

  it('shows the node status and hardware, and says when there is no GPU', async () => {
    const bridge = new TestBridge().answer('node.status', status).answer('hardware.get', hardware);
    renderWithBridge(<Dashboard />, bridge);
    expect(await screen.findByTestId('uptime')).toHaveTextContent('1 min 5 s');
    expect(screen.getByTestId('cpu-brand')).toHaveTextContent('EPYC · 2 cores / 2 threads');
    expect(screen.getByText(/No GPU detected/)).toBeInTheDocument();
    expect(screen.getByText('No GPU was found: jobs will run on the CPU.')).toBeInTheDocument();
  });

  it('follows pushed status events', async () => {
    const bridge = new TestBridge().answer('node.status', status).answer('hardware.get', hardware);
    renderWithBridge(<Dashboard />, bridge);
    await screen.findByTestId('uptime');
    act(() =>
      bridge.push('node.status', {
        ...status,
        uptimeS: 3725,
        network: { ...status.network, blockNumber: 42 },
      }),
    );
    expect(screen.getByTestId('uptime')).toHaveTextContent('1 h 2 min');
    expect(screen.getByTestId('node-status')).toHaveTextContent('block 42');
  });

  it('shows the error and what to do, with a retry that calls again', async () => {
    const bridge = new TestBridge()
      .answer('node.status', {
        code: 'UNAVAILABLE',
        shortMessage: 'The Flywheel node is not answering.',
        action: 'Check that `npm start` is still running, then try again.',
      })
      .answer('hardware.get', hardware);
    renderWithBridge(<Dashboard />, bridge);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The Flywheel node is not answering.');
    expect(alert).toHaveTextContent('Check that `npm start` is still running');
    bridge.answer('node.status', status);
    act(() => within(alert).getByRole('button', { name: 'Try again' }).click());
    expect(await screen.findByTestId('uptime')).toBeInTheDocument();
    expect(bridge.calls.filter((c) => c.name === 'node.status')).toHaveLength(2);
  });

  it('lists each GPU with its memory and driver', async () => {
    const bridge = new TestBridge().answer('node.status', status).answer('hardware.get', {
      ...hardware,
      gpus: [
        {
          id: 'gpu0',
          index: 0,
          vendor: 'nvidia',
          model: 'NVIDIA H100 80GB HBM3',
          vramMiB: 81559,
          driver: '550.54.15',
          busId: '19:00.0',
          source: 'nvidia-smi',
          temperatureC: 40,
          utilizationPct: 0,
        },
      ],
    });
    renderWithBridge(<Dashboard />, bridge);
    expect(await screen.findByText('NVIDIA H100 80GB HBM3')).toBeInTheDocument();
    expect(screen.getByTestId('hardware')).toHaveTextContent('79.6 GiB · driver 550.54.15');
  });
});
