/**
 * Which llama.cpp backend each compute device runs language models on, for the hardware report: like ONNX Runtime's
 * execution providers, every candidate is listed as chosen, available, rejected or not applicable, with a reason the
 * user can act on. Candidates, best first: CUDA (NVIDIA; the CUDA 13 runtime must be on the library path), Vulkan
 * (any GPU vendor on Linux and Windows; needs the Vulkan loader and a driver), Metal (Apple). The CPU device runs
 * the CPU build. node-llama-cpp's prebuilt binaries all come from the npm registry; nothing is downloaded or built.
 *
 * A backend is tried in a child process (llama/worker.ts with FLYWHEEL_LLAMA_PROBE): loading a GPU build that does
 * not fit the machine must not take the node down, and each answer says which GPUs that build sees.
 */
import type {
  ComputeDevice,
  GpuInfo,
  HardwareReport,
  LlamaBackendCandidate,
  LlamaBackendName,
} from '#shared/api/hardware';
import { forkWorker } from '../worker/host';
import { llamaWorkerEntry } from './runtime';

/** llama.cpp's compute backends, as node-llama-cpp's prebuilt binaries from the npm registry offer them. */
export type LlamaBackend = LlamaBackendName;
export type LlamaGpuBackend = Exclude<LlamaBackend, 'cpu'>;
export type LlamaBackendChoice = NonNullable<ComputeDevice['llama']>;

/** The backend the hardware report chose for a device, or the CPU build for the CPU when the report has none. */
export function llamaBackendOf(
  report: HardwareReport | null,
  device: { id: string; executionProvider: string },
) {
  const choice = report?.devices.find((d) => d.id === device.id)?.llama;
  if (choice) return choice.chosen;
  return device.executionProvider === 'cpu' ? ('cpu' as const) : null;
}

export type LlamaProbeResult = { ok: true; gpus: string[] } | { ok: false; error: string };
/** Loads a GPU build of llama.cpp and lists the GPUs it sees. */
export type LlamaProbe = (backend: LlamaGpuBackend) => Promise<LlamaProbeResult>;

/** Tries a GPU backend in a child process (60 s at most). */
export const probeLlamaBackend: LlamaProbe = (backend) =>
  new Promise((resolve) => {
    let entry;
    try {
      entry = llamaWorkerEntry();
    } catch (err) {
      resolve({ ok: false, error: (err as Error).message });
      return;
    }
    const child = forkWorker(entry, {
      env: { ...process.env, FLYWHEEL_LLAMA_PROBE: backend },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    let settled = false;
    const done = (result: LlamaProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, error: 'it did not load within 60 s' }), 60_000);
    child.on('message', (m) => done(m as LlamaProbeResult));
    child.on('exit', (code, signal) => done({ ok: false, error: `the probe exited (${signal ?? code})` }));
  });

const order: Record<GpuInfo['vendor'], LlamaGpuBackend[]> = {
  nvidia: ['cuda', 'vulkan'],
  amd: ['vulkan'],
  intel: ['vulkan'],
  apple: ['metal'],
  other: ['vulkan'],
};

/** What to do when a backend does not load, per backend and platform. */
function rejected(backend: LlamaGpuBackend, error: string, platform: NodeJS.Platform): LlamaBackendCandidate {
  switch (backend) {
    case 'cuda':
      return {
        name: 'cuda',
        status: 'rejected',
        reason: `llama.cpp's CUDA build does not load (${error}): it needs the CUDA 13 runtime (cudart, cuBLAS)`,
        action:
          platform === 'win32'
            ? 'Install the CUDA 13 runtime from NVIDIA, then restart Flywheel.'
            : 'Install the CUDA 13 runtime (libcudart.so.13, libcublas.so.13) or add its folder to ' +
              'LD_LIBRARY_PATH, then restart Flywheel.',
      };
    case 'vulkan':
      return {
        name: 'vulkan',
        status: 'rejected',
        reason: `llama.cpp's Vulkan build does not load (${error}): it needs the Vulkan loader and a GPU driver with Vulkan`,
        action:
          platform === 'linux'
            ? 'Install the Vulkan loader and your driver’s Vulkan support (Debian/Ubuntu: `apt install libvulkan1`, ' +
              'plus `mesa-vulkan-drivers` for AMD and Intel), then restart Flywheel.'
            : 'Update your GPU driver (it ships Vulkan), then restart Flywheel.',
      };
    case 'metal':
      return {
        name: 'metal',
        status: 'rejected',
        reason: `llama.cpp's Metal build does not load (${error})`,
      };
  }
}

/** Chooses a llama.cpp backend for every device of the report (`llama` on each device). */
export async function chooseLlamaBackends(
  report: HardwareReport,
  probe: LlamaProbe,
  platform: NodeJS.Platform = process.platform,
): Promise<HardwareReport & { devices: (ComputeDevice & { llama: LlamaBackendChoice })[] }> {
  const probes = new Map<LlamaGpuBackend, Promise<LlamaProbeResult>>();
  const tried = (b: LlamaGpuBackend) => {
    let p = probes.get(b);
    if (!p)
      probes.set(b, (p = probe(b).catch((err: unknown) => ({ ok: false, error: String(err) }) as const)));
    return p;
  };
  const notes = [...report.notes];
  const devices = [];
  for (const device of report.devices) {
    const candidates: LlamaBackendCandidate[] = [];
    if (device.kind === 'cpu') {
      candidates.push({
        name: 'cpu',
        status: 'chosen',
        reason: 'llama.cpp’s CPU build (prebuilt, from npm)',
      });
      for (const name of ['cuda', 'vulkan', 'metal'] as const) {
        candidates.push({ name, status: 'not-applicable', reason: 'a GPU backend: not for the CPU device' });
      }
    } else {
      const gpu = report.gpus.find((g) => g.id === device.id);
      const wanted = order[gpu?.vendor ?? 'other'];
      for (const name of ['cuda', 'vulkan', 'metal'] as const) {
        if (!wanted.includes(name) || (name === 'metal' && platform !== 'darwin')) {
          candidates.push({
            name,
            status: 'not-applicable',
            reason:
              name === 'cuda'
                ? 'NVIDIA GPUs only'
                : name === 'metal'
                  ? 'Apple GPUs on macOS only'
                  : 'this GPU takes a backend of its own vendor',
          });
          continue;
        }
        const result = await tried(name);
        const chosenAlready = candidates.some((c) => c.status === 'chosen');
        if (!result.ok) candidates.push(rejected(name, result.error, platform));
        else if (!result.gpus.length) {
          candidates.push({
            name,
            status: 'rejected',
            reason: `llama.cpp's ${name} build loads but sees no GPU`,
          });
        } else {
          candidates.push({
            name,
            status: chosenAlready ? 'available' : 'chosen',
            reason: `sees ${result.gpus.join(', ')}`,
          });
        }
      }
      candidates.push({ name: 'cpu', status: 'not-applicable', reason: 'the CPU device runs the CPU build' });
      if (!candidates.some((c) => c.status === 'chosen')) {
        notes.push(
          `${device.label}: no llama.cpp GPU backend works, so language models run on the CPU only.`,
        );
      }
    }
    const chosen = candidates.find((c) => c.status === 'chosen')?.name ?? null;
    devices.push({ ...device, llama: { chosen, candidates } });
  }
  return { ...report, devices, notes };
}
