/**
 * `flywheel status` and `flywheel hardware`: what the node sees, for people (human units: dates, durations, MiB in
 * GiB) or, with `--json`, the raw API answer for scripts. `status` waits briefly for the running devnet (the app's
 * or `flywheel devnet up`'s) so it says whether it is connected; `hardware` probes the execution providers, or says
 * it has not.
 */
import type { HardwareReport } from '#shared/api/hardware';
import type { NodeStatus } from '#shared/api/node';
import { formatDuration } from '#shared/time';
import type { FlywheelNode } from '../node';

export const STATUS_HELP = `Usage: flywheel status [--json] [--data-dir DIR]

The node's status: version, data folder, the network and whether it is connected (a running devnet is found and
joined), the chain's block and the start-up phase. Times and durations in words; --json prints the API's raw
answer (unix milliseconds, seconds).
`;

export const HARDWARE_HELP = `Usage: flywheel hardware [--json] [--no-probe] [--data-dir DIR]

The detected GPUs, CPU and memory, and for each device the execution provider jobs run on. Probing the providers
loads each runtime once (a few seconds); --no-probe skips it, and the devices then say "not probed yet".
--json prints the API's raw answer.
`;

/** How long `status` waits for the devnet join before it answers. */
const JOIN_WAIT_MS = 10_000;
/** How long `hardware` lets the execution-provider probe take. */
const PROBE_WAIT_MS = 60_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
      timer.unref();
    }),
  ]);
}

/** The node's status once the devnet join (if the settings name the devnet) is over or has taken too long. */
export async function statusNow(node: FlywheelNode): Promise<NodeStatus> {
  await within(
    node.devnet.start().catch(() => undefined),
    JOIN_WAIT_MS,
  );
  return node.status();
}

/** The hardware report with execution providers probed, or as detected when probing is off, fails or is too slow. */
export async function hardwareNow(node: FlywheelNode, probe: boolean): Promise<HardwareReport> {
  if (!probe) return node.hardware.get();
  const probed = await within(
    node.hardware.probed().catch(() => undefined),
    PROBE_WAIT_MS,
  );
  return probed ?? node.hardware.get();
}

/** "2026-12-04 18:59:50 UTC" from unix seconds or milliseconds. */
export function dateWords(t: number): string {
  const ms = t > 1e12 ? t : t * 1000;
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

function lines(rows: [string, string | undefined][]): string {
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join('');
}

/** `flywheel status` for people. */
export function formatStatus(s: NodeStatus): string {
  const n = s.network;
  return lines([
    ['Version', s.version],
    ['Data folder', s.dataDir],
    ['Started', `${dateWords(s.startedAt)} (up ${formatDuration(s.uptimeS)}, pid ${s.pid})`],
    ['Network', n.label],
    [
      'Connected',
      n.connected
        ? `yes${n.rpcUrl ? `, ${n.rpcUrl}` : ''}${n.chainId !== null ? `, chain ${n.chainId}` : ''}`
        : n.kind === 'devnet'
          ? 'no: no running devnet found (start Flywheel with `npm start`, or run `flywheel devnet up`)'
          : 'no: the RPC did not answer (check `rpcUrl` in the settings)',
    ],
    ['Block', n.blockNumber !== null ? n.blockNumber.toLocaleString('en-US') : undefined],
    [
      'Phase',
      `${s.phase.label}${s.phase.state === 'failed' ? ` (failed${s.phase.error ? `: ${s.phase.error}` : ''})` : ''}`,
    ],
    ['API token file', s.apiTokenFile],
  ]);
}

const gib = (mib: number) => `${(mib / 1024).toFixed(1)} GiB`;

/** `flywheel hardware` for people. */
export function formatHardware(h: HardwareReport): string {
  let out = lines([
    ['Detected', dateWords(h.detectedAt)],
    [
      'CPU',
      `${h.cpu.brand} (${h.cpu.physicalCores} cores, ${h.cpu.threads} threads${
        h.cpu.simd.length ? `; ${h.cpu.simd.join(', ')}` : ''
      })`,
    ],
    ['Memory', `${gib(h.memory.totalMiB)} (${gib(h.memory.availableMiB)} available)`],
    ['OS', `${h.os.distro} ${h.os.release} (${h.os.platform} ${h.os.arch})`],
    ['GPUs', h.gpus.length ? undefined : 'none found'],
  ]);
  for (const g of h.gpus) {
    out += `GPU       ${g.vendor} ${g.model}${g.vramMiB ? `, ${gib(g.vramMiB)}` : ''}\n`;
  }
  out += 'Devices:\n';
  for (const d of h.devices) {
    const ep = d.executionProvider;
    out += `  ${d.id}  ${d.label}: ${ep ? `runs on ${ep.chosen}` : 'not probed yet'}\n`;
    for (const c of ep?.candidates ?? []) {
      if (c.status === 'not-applicable') continue;
      out += `      ${c.name}: ${c.status}, ${c.reason}${c.action ? ` (${c.action})` : ''}\n`;
    }
  }
  for (const note of h.notes) out += `Note: ${note}\n`;
  return out;
}
