export const ROCM_SMI_ARGS = [
  '--showproductname',
  '--showbus',
  '--showmeminfo',
  'vram',
  '--showdriverversion',
  '--showtemp',
  '--showuse',
  '--showpower',
  '--json',
];

export interface AmdGpu {
  /** The N of rocm-smi's `cardN` (HIP/ROCm device order). */
  index: number;
  name: string | null;
  busId: string | null;
  vramMiB: number | null;
  driver: string | null;
  temperatureC: number | null;
  utilizationPct: number | null;
  /** Graphics package power in watts; null where the card does not report it. */
  powerW: number | null;
}

/**
 * Parses `rocm-smi --json`: `{ "card0": { "Card series": …, "PCI Bus": …, "VRAM Total Memory (B)": …, … },
 * "system": { "Driver version": … } }`. Every value is a string; keys vary a little between versions, so fields
 * are found by pattern. Output that is not JSON gives no GPUs and a note.
 */
export function parseRocmSmi(json: string, notes: string[] = []): AmdGpu[] {
  let data: unknown;
  try {
    // rocm-smi may print warnings before the JSON.
    data = JSON.parse(json.slice(Math.max(0, json.indexOf('{'))));
  } catch {
    notes.push('rocm-smi: the output was not JSON');
    return [];
  }
  if (typeof data !== 'object' || data === null) return [];
  const record = data as Record<string, unknown>;
  const system = asRecord(record.system);
  const systemDriver = system ? find(system, /driver version/i) : null;
  const gpus: AmdGpu[] = [];
  for (const [key, value] of Object.entries(record)) {
    const m = /^card(\d+)$/.exec(key);
    const card = asRecord(value);
    if (!m || !card) continue;
    const vramBytes = number(find(card, /^vram total memory/i));
    gpus.push({
      index: Number(m[1]),
      name: find(card, /^card series$/i) ?? find(card, /^card model$/i) ?? find(card, /^device name$/i),
      busId: find(card, /^pci bus$/i),
      vramMiB: vramBytes !== null && vramBytes > 0 ? Math.round(vramBytes / 2 ** 20) : null,
      driver: find(card, /driver version/i) ?? systemDriver,
      temperatureC: number(find(card, /^temperature \(sensor (edge|junction)\)/i)),
      utilizationPct: number(find(card, /^gpu use \(%\)$/i)),
      // Key names differ by version: "Average Graphics Package Power (W)", "Current Socket Graphics Package Power (W)".
      powerW: number(find(card, /graphics package power \(w\)$/i)),
    });
  }
  return gpus.sort((a, b) => a.index - b.index);
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function find(card: Record<string, unknown>, pattern: RegExp): string | null {
  for (const [k, v] of Object.entries(card)) {
    if (pattern.test(k.trim()) && typeof v === 'string' && v.trim() && !/^n\/a$/i.test(v.trim()))
      return v.trim();
  }
  return null;
}

function number(v: string | null): number | null {
  if (v === null) return null;
  const n = Number(v.replace(/[^\d.]/g, ''));
  return Number.isFinite(n) ? n : null;
}
