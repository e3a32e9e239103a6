import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { BenchmarkState } from '../../src/shared/api';
import { Dashboard } from '../../src/renderer/src/pages/Dashboard';
import { renderWithBridge } from './bridge';
import { fixtureBridge } from './fixtureBridge';
import * as f from './fixtures';

describe('Dashboard: where jobs run', () => {
  it('shows per device its measured rates, the jobs that go to it and why; per device its score and the routed one', async () => {
    renderWithBridge(<Dashboard />, fixtureBridge());
    const gpu = await screen.findByTestId('route-gpu0');
    expect(gpu).toHaveTextContent('measured Runs: PP-OCRv4 recognition, other models');
    expect(gpu).toHaveTextContent('PP-OCRv4 recognition 212.4 lines/s · Silero VAD 1,804 frames/s');
    expect(gpu).toHaveTextContent('the CPU runs Silero VAD');
    expect(gpu).toHaveTextContent('npm run cuda:install');
    const cpu = screen.getByTestId('route-cpu');
    expect(cpu).toHaveTextContent('Runs: Silero VAD');
    expect(cpu).toHaveTextContent('PP-OCRv4 recognition 96.5 lines/s · Silero VAD 7,420 frames/s');

    const scores = await screen.findByTestId('device-scores');
    const rows = within(scores)
      .getAllByRole('row')
      .map((r) => r.textContent);
    expect(rows).toEqual([
      'DeviceScoreRuns',
      'Ryzen 9 7950X (cpu)830Silero VAD',
      'NVIDIA GeForce RTX 4090 (webgpu)5,120PP-OCRv4 recognition, other models',
    ]);
    expect(screen.getByTestId('routed-score')).toHaveTextContent(
      'As routed (each kind of job on its fastest device): 6,210 ± 2.1 %',
    );
  });

  it('says why a GPU slower than the CPU runs nothing, and what would fix it', async () => {
    const routing = f.benchmark.routing;
    const slow: BenchmarkState = {
      ...f.benchmark,
      routing: {
        ...routing,
        workloads: routing.workloads.map((w) => ({ ...w, device: 'cpu' })),
        devices: [
          { ...routing.devices[0]!, serves: ['ocr-rec', 'vad', 'general'], note: 'Runs every job.' },
          {
            ...routing.devices[1]!,
            serves: [],
            note: 'WebGPU copies dominate for small models: jobs run on the CPU (PP-OCRv4 recognition 13.2 vs 106 lines/s).',
            action:
              'Run `npm run cuda:install` (it fetches the CUDA provider for onnxruntime), then restart Flywheel.',
          },
        ],
      },
    };
    renderWithBridge(<Dashboard />, fixtureBridge().answer('benchmark.get', slow));
    const gpu = await screen.findByTestId('route-gpu0');
    expect(gpu).toHaveTextContent('Runs no jobs now');
    expect(gpu).toHaveTextContent('WebGPU copies dominate for small models: jobs run on the CPU');
    expect(gpu).toHaveTextContent('Run `npm run cuda:install`');
    const rows = within(await screen.findByTestId('device-scores')).getAllByRole('row');
    expect(rows[2]).toHaveTextContent('nothing: slower than the others');
  });
});
