/** The fields we ask nvidia-smi for, in this order (`--query-gpu=… --format=csv,noheader,nounits`). */
export const NVIDIA_SMI_FIELDS = [
  'index',
  'name',
  'pci.bus_id',
  'memory.total',
  'driver_version',
  'temperature.gpu',
  'utilization.gpu',
  'power.draw',
  'memory.used',
] as const;

export const NVIDIA_SMI_ARGS = [
  `--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`,
  '--format=csv,noheader,nounits',
];

export interface NvidiaGpu {
  /** nvidia-smi's index: PCI bus order, which is CUDA's with CUDA_DEVICE_ORDER=PCI_BUS_ID. */
  index: number;
  name: string;
  busId: string | null;
  memoryMiB: number | null;
  driver: string | null;
  temperatureC: number | null;
  utilizationPct: number | null;
  /** Board power draw in watts (`power.draw`); null where the GPU does not report it. */
  powerW: number | null;
  /** VRAM in use (`memory.used`), by any process. */
  memoryUsedMiB: number | null;
}

/**
 * Parses nvidia-smi's CSV. Fields it cannot read come as `[N/A]` or `[Not Supported]` (→ null); a line that is not
 * a GPU row (a warning, a truncated line) is skipped with a note rather than trusted.
 */
export function parseNvidiaSmi(csv: string, notes: string[] = []): NvidiaGpu[] {
  const gpus: NvidiaGpu[] = [];
  for (const raw of csv.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const cells = line.split(',').map((c) => c.trim());
    const index = Number(cells[0]);
    if (cells.length !== NVIDIA_SMI_FIELDS.length || !/^\d+$/.test(cells[0] ?? '') || !cells[1]) {
      notes.push(`nvidia-smi: skipped a line that is not a GPU row: ${JSON.stringify(line.slice(0, 80))}`);
      continue;
    }
    gpus.push({
      index,
      name: cells[1],
      busId: text(cells[2]),
      memoryMiB: positive(cells[3]),
      driver: text(cells[4]),
      temperatureC: positive(cells[5]),
      utilizationPct: percent(cells[6]),
      powerW: positive(cells[7]),
      memoryUsedMiB: nonNegative(cells[8]),
    });
  }
  return gpus;
}

function unavailable(cell: string | undefined): boolean {
  return cell === undefined || cell === '' || /^\[.*\]$/.test(cell) || /^n\/?a$/i.test(cell);
}

function text(cell: string | undefined): string | null {
  return unavailable(cell) ? null : cell!;
}

function nonNegative(cell: string | undefined): number | null {
  if (unavailable(cell)) return null;
  const n = Number(cell);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function positive(cell: string | undefined): number | null {
  if (unavailable(cell)) return null;
  const n = Number(cell);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function percent(cell: string | undefined): number | null {
  if (unavailable(cell)) return null;
  const n = Number(cell);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : null;
}
