/**
 * Which ONNX Runtime execution provider each compute device runs on. Candidates in order of preference: cuda
 * (NVIDIA, with the provider libraries installed), dml (Windows), coreml (macOS), webgpu, cpu. Each one that applies
 * is tried with a tiny model (see engine/probe.ts); the first that works is chosen, and every other one says why it
 * was not, in words the user can act on. onnxruntime does not fall back by itself (WebGPU throws "Failed to get a
 * WebGPU adapter"), so this is where the fallback happens.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type {
  ComputeDevice,
  ExecutionProviderCandidate,
  ExecutionProviderName,
  GpuInfo,
  HardwareReport,
} from '#shared/api/hardware';

export type ProbeResult = { ok: true } | { ok: false; error: string };
/** Tries a provider on a device with a tiny model. */
export type Probe = (provider: ExecutionProviderName, deviceIndex: number) => Promise<ProbeResult>;

/** What this install of onnxruntime-node offers. */
export interface ExecutionProviderEnvironment {
  platform: NodeJS.Platform;
  /** Backends onnxruntime-node lists (`listSupportedBackends()`), with whether their libraries ship in the package. */
  backends: { name: string; bundled: boolean }[];
  /** Whether the CUDA provider library is in onnxruntime-node's bin folder. */
  cudaLibraries: boolean;
}

const CUDA_INSTALL =
  'Run `npm run cuda:install` (it fetches the CUDA provider for onnxruntime), then restart Flywheel.';

// Not named `require`: electron-vite adds a top-level `require` shim to the bundle and the names would clash.
const localRequire = createRequire(import.meta.url);

/** onnxruntime-node's native folder on this machine, where the CUDA provider library must be. */
export function onnxruntimeBinDir(platform = process.platform, arch = process.arch): string | null {
  try {
    return join(dirname(localRequire.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', platform, arch);
  } catch {
    return null;
  }
}

/** The environment, given the backends onnxruntime-node lists (asked in the probe worker, not in the node). */
export function executionProviderEnvironment(
  backends: ExecutionProviderEnvironment['backends'],
): ExecutionProviderEnvironment {
  const dir = onnxruntimeBinDir();
  const library =
    process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return {
    platform: process.platform,
    backends,
    cudaLibraries: dir !== null && existsSync(join(dir, library)),
  };
}

/** Chooses a provider for every device of the report; devices where none works get `null` and a note. */
export async function chooseExecutionProviders(
  report: HardwareReport,
  env: ExecutionProviderEnvironment,
  probe: Probe,
): Promise<HardwareReport> {
  const devices: ComputeDevice[] = [];
  const notes = [...report.notes];
  const firstGpu = report.devices.find((d) => d.kind === 'gpu')?.id;
  for (const device of report.devices) {
    const gpu = report.gpus.find((g) => g.id === device.id) ?? null;
    const candidates = await tryCandidates(device, gpu, env, probe, device.id === firstGpu);
    const chosen = candidates.find((c) => c.status === 'chosen');
    if (!chosen) notes.push(`${device.label}: no execution provider works, so no jobs run on it.`);
    else if (device.kind === 'gpu' && chosen.name === 'cpu') {
      notes.push(`${device.label}: no GPU execution provider works; see its candidates for what to do.`);
    }
    devices.push({ ...device, executionProvider: chosen ? { chosen: chosen.name, candidates } : null });
  }
  return { ...report, devices, notes };
}

async function tryCandidates(
  device: ComputeDevice,
  gpu: GpuInfo | null,
  env: ExecutionProviderEnvironment,
  probe: Probe,
  firstGpu: boolean,
): Promise<ExecutionProviderCandidate[]> {
  const index = device.deviceIndex ?? gpu?.index ?? 0;
  const has = (name: string) => env.backends.some((b) => b.name === name);
  const candidates: ExecutionProviderCandidate[] = [];
  let chosen = false;
  const attempt = async (name: ExecutionProviderName, label: string, action?: string) => {
    const result = await probe(name, index);
    if (result.ok) {
      candidates.push({
        name,
        status: chosen ? 'available' : 'chosen',
        reason: chosen ? `${label}: works` : `${label}: works, chosen`,
      });
      chosen = true;
    } else {
      candidates.push({
        name,
        status: 'rejected',
        reason: `${label}: ${result.error}`,
        ...(action ? { action } : {}),
      });
    }
  };
  const skip = (
    name: ExecutionProviderName,
    reason: string,
    status: 'rejected' | 'not-applicable',
    action?: string,
  ) => candidates.push({ name, status, reason, ...(action ? { action } : {}) });

  if (!gpu) {
    for (const name of ['cuda', 'dml', 'coreml', 'webgpu'] as const) {
      skip(name, `${executionProviderLabel(name)}: for GPUs, not the CPU`, 'not-applicable');
    }
    await attempt('cpu', 'CPU', 'Reinstall Flywheel: onnxruntime could not run on the CPU.');
    return candidates;
  }

  // CUDA
  if (gpu.vendor !== 'nvidia') skip('cuda', 'CUDA: only for NVIDIA GPUs', 'not-applicable');
  else if (env.platform !== 'linux' && env.platform !== 'win32')
    skip('cuda', 'CUDA: not on this OS', 'not-applicable');
  else if (!has('cuda')) skip('cuda', 'CUDA: this onnxruntime build has no CUDA provider', 'rejected');
  else if (!env.cudaLibraries)
    skip('cuda', 'CUDA: provider libraries not installed', 'rejected', CUDA_INSTALL);
  else {
    await attempt(
      'cuda',
      'CUDA',
      'Check that `nvidia-smi` works and that CUDA 12 and cuDNN 9 libraries are installed, then restart Flywheel.',
    );
  }
  // DirectML
  if (env.platform !== 'win32') skip('dml', 'DirectML: Windows only', 'not-applicable');
  else if (!has('dml')) skip('dml', 'DirectML: this onnxruntime build has no DirectML provider', 'rejected');
  else await attempt('dml', 'DirectML', 'Update the GPU driver (DirectX 12 is needed).');
  // CoreML
  if (env.platform !== 'darwin') skip('coreml', 'CoreML: macOS only', 'not-applicable');
  else if (!has('coreml'))
    skip('coreml', 'CoreML: this onnxruntime build has no CoreML provider', 'rejected');
  else await attempt('coreml', 'CoreML');
  // WebGPU: onnxruntime-node opens one default adapter, so only the first GPU can have it.
  if (!has('webgpu')) skip('webgpu', 'WebGPU: this onnxruntime build has no WebGPU provider', 'rejected');
  else if (!firstGpu)
    skip('webgpu', 'WebGPU: onnxruntime uses one adapter, taken by the first GPU', 'not-applicable');
  else {
    await attempt(
      'webgpu',
      'WebGPU',
      env.platform === 'linux'
        ? 'Install the GPU’s Vulkan driver (e.g. `mesa-vulkan-drivers` or the vendor driver), then restart Flywheel.'
        : 'Update the GPU driver, then restart Flywheel.',
    );
  }
  // The CPU is its own device. A GPU whose providers all failed keeps its candidates (so the user sees why) with
  // 'cpu' as the choice; the engine does not give such a GPU a worker of its own, the CPU device runs the jobs.
  if (chosen) skip('cpu', 'CPU: not used for this GPU', 'not-applicable');
  else {
    candidates.push({
      name: 'cpu',
      status: 'chosen',
      reason: 'CPU: no GPU provider works for this GPU, so its jobs run on the CPU',
      action: candidates.find((c) => c.status === 'rejected' && c.action)?.action ?? 'Update the GPU driver.',
    });
  }
  return candidates;
}

export function executionProviderLabel(name: ExecutionProviderName): string {
  return { cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', webgpu: 'WebGPU', cpu: 'CPU' }[name];
}
