import { z } from 'zod';
import { defineCall, defineEvent } from './define';

export type GpuVendor = 'nvidia' | 'amd' | 'intel' | 'apple' | 'other';

export interface GpuInfo {
  /** Stable id within this machine: `gpu0`, `gpu1`, … in bus order. */
  id: string;
  index: number;
  vendor: GpuVendor;
  model: string;
  vramMiB: number | null;
  /** VRAM in use (by any process), where the vendor tool reports it. */
  vramUsedMiB: number | null;
  driver: string | null;
  busId: string | null;
  /** Where the figures came from (vendor tools refine systeminformation). */
  source: 'systeminformation' | 'nvidia-smi' | 'rocm-smi';
  temperatureC: number | null;
  utilizationPct: number | null;
  /** Board power draw in watts, where the GPU reports it (the power cut-off in Settings → Limits reads it). */
  powerW: number | null;
}

export interface CpuInfo {
  manufacturer: string;
  brand: string;
  physicalCores: number;
  threads: number;
  /** null where the OS reports 0 or nothing (VMs). */
  speedGHz: number | null;
  /** SIMD features relevant to inference: avx, avx2, avx512f, fma, f16c, neon, … */
  simd: string[];
}

export type ExecutionProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';

export interface ExecutionProviderCandidate {
  name: ExecutionProviderName;
  status: 'chosen' | 'available' | 'rejected' | 'not-applicable';
  /** Why, in words the user can act on: "CUDA: provider libraries not installed". */
  reason: string;
  /** What to do about it, e.g. the install command. */
  action?: string;
}

/** llama.cpp's backends (text-generation jobs), as node-llama-cpp's prebuilt binaries offer them. */
export type LlamaBackendName = 'cpu' | 'cuda' | 'vulkan' | 'metal';

export interface LlamaBackendCandidate {
  name: LlamaBackendName;
  status: 'chosen' | 'available' | 'rejected' | 'not-applicable';
  /** Why, in words the user can act on: "llama.cpp's CUDA build does not load (…): it needs the CUDA 13 runtime". */
  reason: string;
  action?: string;
}

/** A place jobs can run: one per GPU, plus the CPU. */
export interface ComputeDevice {
  id: string;
  label: string;
  kind: 'gpu' | 'cpu';
  /** The execution provider's device number (CUDA / DirectML device id); the vendor tool's order for GPUs. */
  deviceIndex?: number;
  /** The execution provider chosen after probing, with every candidate and why it was or was not taken. */
  executionProvider: { chosen: ExecutionProviderName; candidates: ExecutionProviderCandidate[] } | null;
  /** The llama.cpp backend language models run on here, with every candidate and why; absent until tried. */
  llama?: { chosen: LlamaBackendName | null; candidates: LlamaBackendCandidate[] };
}

export interface HardwareReport {
  detectedAt: number;
  gpus: GpuInfo[];
  cpu: CpuInfo;
  memory: { totalMiB: number; availableMiB: number };
  os: { platform: string; distro: string; release: string; arch: string };
  devices: ComputeDevice[];
  /** Things that were odd or missing while detecting (no GPU found, tool missing, …). */
  notes: string[];
}

export const hardwareCalls = {
  'hardware.get': defineCall<HardwareReport>()(
    'The detected hardware; `refresh` detects again instead of returning the cached report.',
    z.object({ refresh: z.boolean().default(false) }).strict(),
  ),
};

export const hardwareEvents = {
  'hardware.changed': defineEvent<HardwareReport>('Hardware was detected again.'),
};
