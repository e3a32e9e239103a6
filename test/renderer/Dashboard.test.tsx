import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../../src/shared/api';
import { Dashboard } from '../../src/renderer/src/pages/Dashboard';
import { renderWithBridge, TestBridge } from './bridge';
import { deferred, fixtureBridge, unavailableBridge } from './fixtureBridge';
import * as f from './fixtures';

const card = (name: string) => screen.getByRole('region', { name });

describe('Dashboard', () => {
  it('shows a loading state in every card until the node answers', () => {
    const bridge = new TestBridge();
    for (const name of [
      'node.status',
      'hardware.get',
      'benchmark.get',
      'wallet.get',
      'provider.get',
      'jobs.list',
      'economies.list',
    ] as const) {
      bridge.hang(name);
    }
    renderWithBridge(<Dashboard />, bridge);
    expect(within(card('Node')).getByRole('status')).toHaveTextContent('Loading…');
    expect(within(card('Hardware')).getByRole('status')).toHaveTextContent('Detecting hardware…');
    expect(within(card('Benchmark')).getByRole('status')).toHaveTextContent('Loading the benchmark…');
    expect(within(card('Live jobs')).getByRole('status')).toHaveTextContent('Loading jobs…');
    expect(screen.getByRole('switch')).toBeDisabled();
  });

  it('shows status, wallet, hardware, benchmark and jobs once the node answers', async () => {
    renderWithBridge(<Dashboard />, fixtureBridge());
    expect(await screen.findByTestId('block')).toHaveTextContent('1,284');
    expect(screen.getByTestId('node-status')).toHaveTextContent('Devnet (local) · chain 31337');
    expect(await screen.findByTestId('wallet-line')).toHaveTextContent(f.WALLET);
    expect(screen.getByTestId('balance')).toHaveTextContent('9.876543 ETH for gas');
    expect(screen.getByTestId('uptime')).toHaveTextContent('1 min 5 s');

    expect(await screen.findByTestId('hardware')).toHaveTextContent('NVIDIA GeForce RTX 4090 nvidia');
    expect(screen.getByTestId('hardware')).toHaveTextContent(
      '1.8 of 24.0 GiB in use · driver 550.54.15 · 46 °C · 12 % busy',
    );

    expect(await screen.findByTestId('score')).toHaveTextContent('5,120');
    expect(card('Benchmark')).toHaveTextContent('± 2.8 %');
    expect(
      screen.getByRole('img', { name: 'Score over the last 4 runs, from 4870 to 5120' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('drift')).toHaveTextContent('1.04× the predicted time (37 jobs)');

    const feed = await screen.findByTestId('job-feed');
    expect(within(feed).getByRole('progressbar', { name: 'Running' })).toHaveAttribute('aria-valuenow', '40');
    expect(feed).toHaveTextContent('Declined: Input hash mismatch');
    expect(feed).toHaveTextContent('2.5 FLY');
    expect(within(feed).getByRole('link', { name: 'PP-OCRv4 recognition #40' })).toHaveAttribute(
      'href',
      `#/jobs/${encodeURIComponent(f.finalizedJob.key)}`,
    );
  });

  it('shows each device’s execution provider and why the others were not used, with what to do', async () => {
    renderWithBridge(<Dashboard />, fixtureBridge());
    const gpu = await screen.findByTestId('ep-gpu0');
    expect(gpu).toHaveTextContent('runs on WebGPU');
    expect(gpu).toHaveTextContent('CUDA not used: CUDA provider libraries are not installed');
    expect(gpu).toHaveTextContent('npm run cuda:install');
    // Candidates that cannot apply to this OS are left out rather than listed as failures.
    expect(gpu).not.toHaveTextContent('DirectML');
  });

  it('says when there is no GPU', async () => {
    const bridge = fixtureBridge().answer('hardware.get', {
      ...f.hardware,
      gpus: [],
      notes: ['No GPU was found: jobs will run on the CPU.'],
    });
    renderWithBridge(<Dashboard />, bridge);
    expect(await screen.findByText(/No GPU detected/)).toBeInTheDocument();
    expect(screen.getByText('No GPU was found: jobs will run on the CPU.')).toBeInTheDocument();
  });

  it('follows pushed events: status, jobs and the switch', async () => {
    const bridge = fixtureBridge();
    renderWithBridge(<Dashboard />, bridge);
    await screen.findByTestId('job-feed');
    act(() =>
      bridge.push('node.status', {
        ...f.nodeStatus,
        uptimeS: 3725,
        network: { ...f.nodeStatus.network, blockNumber: 1300 },
      }),
    );
    expect(screen.getByTestId('uptime')).toHaveTextContent('1 h 2 min');
    expect(screen.getByTestId('block')).toHaveTextContent('1,300');

    act(() =>
      bridge.push('jobs.updated', {
        ...f.runningJob,
        local: { ...f.runningJob.local!, step: 'submitting', progress: null },
      }),
    );
    expect(
      within(screen.getByTestId('job-feed')).getByRole('progressbar', { name: 'Submitting the result' }),
    ).not.toHaveAttribute('aria-valuenow');
    act(() =>
      bridge.push('jobs.updated', {
        ...f.runningJob,
        status: 'Finalized',
        local: { ...f.runningJob.local!, step: 'submitted' },
      }),
    );
    expect(within(screen.getByTestId('job-feed')).queryByRole('progressbar')).toBeNull();

    act(() =>
      bridge.push('provider.changed', {
        ...f.providerOn,
        status: 'held',
        reason: 'GPU at 88 °C (limit 85 °C)',
      }),
    );
    expect(screen.getByTestId('provider-status')).toHaveTextContent('Held back: GPU at 88 °C (limit 85 °C)');
  });

  it('switches providing on and off', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge()
      .answer('provider.start', f.providerOn)
      .answer('provider.stop', f.providerStopped);
    renderWithBridge(<Dashboard />, bridge);
    const toggle = await screen.findByRole('switch', { name: 'Provide GPU' });
    await waitFor(() => expect(toggle).toBeEnabled());
    expect(toggle).toHaveAttribute('aria-checked', 'false');
    expect(screen.getByTestId('provider-status')).toHaveTextContent(
      'Stopped: your GPU takes no jobs. Switch on to take jobs in 1 economy.',
    );

    bridge.answer('provider.get', f.providerOn);
    await user.click(toggle);
    expect(bridge.calls.some((c) => c.name === 'provider.start')).toBe(true);
    const on = await screen.findByRole('switch', { name: 'Stop' });
    expect(on).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByTestId('provider-status')).toHaveTextContent(
      'Providing in 1 economy · 1 of 2 job slots busy',
    );

    bridge.answer('provider.get', f.providerStopped);
    await user.click(on);
    expect(bridge.calls.some((c) => c.name === 'provider.stop')).toBe(true);
    expect(await screen.findByRole('switch', { name: 'Provide GPU' })).toBeInTheDocument();
  });

  it('points to the Economies page when no economy is joined yet', async () => {
    renderWithBridge(
      <Dashboard />,
      fixtureBridge()
        .answer('provider.get', { ...f.providerStopped, serving: [] })
        .answer(
          'economies.list',
          f.economies.map((e) => ({ ...e, membership: { ...e.membership, status: 'none' as const } })),
        ),
    );
    expect(await screen.findByRole('link', { name: 'Economies' })).toHaveAttribute('href', '#/economies');
  });

  it('right after a join (stopped, serving nowhere yet), says to switch on rather than to join', async () => {
    renderWithBridge(
      <Dashboard />,
      fixtureBridge().answer('provider.get', { ...f.providerStopped, serving: [] }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('provider-status')).toHaveTextContent(
        'Stopped: your GPU takes no jobs. Switch on to take jobs in 1 economy.',
      ),
    );
    expect(screen.queryByText(/Join an economy first/)).toBeNull();
  });

  it('runs a benchmark with a progress bar fed by events, then shows the new score', async () => {
    const user = userEvent.setup();
    const run = deferred<BenchmarkResult>();
    const bridge = fixtureBridge().answer('benchmark.run', () => run.promise);
    renderWithBridge(<Dashboard />, bridge);
    await screen.findByTestId('score');
    await user.click(screen.getByRole('button', { name: 'Run quick' }));
    expect(bridge.calls.find((c) => c.name === 'benchmark.run')?.params).toEqual({ mode: 'quick' });
    expect(screen.getByRole('button', { name: 'Run full' })).toBeDisabled();
    expect(screen.getByRole('progressbar', { name: 'Starting the benchmark…' })).toBeInTheDocument();

    act(() =>
      bridge.push('benchmark.progress', {
        runId: 'b5',
        mode: 'quick',
        step: 'ocr-rec',
        label: 'OCR recognition',
        stepIndex: 1,
        steps: 3,
        fraction: 0.5,
        etaS: 12,
      }),
    );
    const bar = screen.getByRole('progressbar', { name: 'Quick benchmark: OCR recognition' });
    expect(bar).toHaveAttribute('aria-valuenow', '50');
    expect(card('Benchmark')).toHaveTextContent('step 2 of 3 · about 12 s left');

    const latest = { ...f.benchmark.latest!, id: 'b5', score: 5300 };
    bridge.answer('benchmark.get', { ...f.benchmark, latest, history: [...f.benchmark.history, latest] });
    await act(async () => run.resolve(latest));
    expect(await screen.findByText('5,300')).toBeInTheDocument();
    expect(within(card('Benchmark')).queryByRole('progressbar')).toBeNull();
  });

  it('invites a first benchmark when there is none', async () => {
    renderWithBridge(<Dashboard />, fixtureBridge().answer('benchmark.get', f.noBenchmark));
    expect(await screen.findByText(/No benchmark yet/)).toBeInTheDocument();
  });

  it('warns when live jobs run slower than the benchmark predicts', async () => {
    const bridge = fixtureBridge().answer('benchmark.get', {
      ...f.benchmark,
      drift: { flagged: true, ratio: 1.42, jobs: 20, message: 'OCR jobs took 42 % longer than predicted.' },
    });
    renderWithBridge(<Dashboard />, bridge);
    const drift = await screen.findByTestId('drift');
    expect(drift).toHaveTextContent('Live jobs run 42 % slower than the benchmark predicts.');
    expect(drift).toHaveTextContent('Run a full benchmark');
  });

  it('shows the parts the node does not run yet calmly, and the rest normally', async () => {
    renderWithBridge(<Dashboard />, unavailableBridge());
    expect(await screen.findByTestId('cpu-brand')).toHaveTextContent('Ryzen 9 7950X · 16 cores / 32 threads');
    expect(await screen.findByText('The benchmark is not running on this node.')).toBeInTheDocument();
    expect(await screen.findByText('The wallet is not running on this node.')).toBeInTheDocument();
    expect(screen.getAllByText('The chain connection is not running on this node.')).toHaveLength(2);
    // Not alarms: a part that is not running is a state.
    expect(screen.queryAllByRole('alert')).toHaveLength(0);
    expect(screen.getAllByText(/Nothing to fix on your side/).length).toBeGreaterThan(0);
    expect(screen.getByRole('switch')).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Run quick' })).toBeDisabled();
  });

  it('shows an error and what to do, with a retry that calls again', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('node.status', {
      code: 'UNAVAILABLE',
      shortMessage: 'The Flywheel node is not answering.',
      action: 'Check that `npm start` is still running, then try again.',
    });
    renderWithBridge(<Dashboard />, bridge);
    const notice = await within(card('Node')).findByText('The Flywheel node is not answering.');
    const box = notice.closest('.notice') as HTMLElement;
    expect(box).toHaveTextContent('Check that `npm start` is still running');
    bridge.answer('node.status', f.nodeStatus);
    await user.click(within(box).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('uptime')).toBeInTheDocument();
    expect(bridge.calls.filter((c) => c.name === 'node.status').length).toBeGreaterThanOrEqual(2);
  });

  it('raises an alert for a failed action, with the node’s message and details', async () => {
    const user = userEvent.setup();
    const bridge = fixtureBridge().answer('provider.start', {
      code: 'WALLET_LOCKED',
      shortMessage: 'The wallet is locked.',
      details: 'provider.start needs the key to sign the score declaration',
    });
    renderWithBridge(<Dashboard />, bridge);
    const toggle = await screen.findByRole('switch');
    await waitFor(() => expect(toggle).toBeEnabled());
    await user.click(toggle);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The wallet is locked.');
    expect(alert).toHaveTextContent('Unlock the wallet in Settings, then try again.');
    expect(within(alert).getByText('Details')).toBeInTheDocument();
  });
});
