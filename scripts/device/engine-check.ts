/**
 * The engine on a machine with a GPU, in one run: hardware detection and provider choice as the node does them, the
 * quick suite on every device, then real jobs of each reference model on every device against the router's pick
 * (bench/routing.ts). Writes one JSON file (the path given, else stdout). Bundled with what it needs by
 * `node scripts/device/build.mjs` and run there by `scripts/device/engine-check.sh` (see that file).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchmarkService } from '../../src/main/benchmark/benchmarkService';
import { appVersion, engineDevicesFrom, onnxruntimeVersion } from '../../src/main/engine/devices';
import { createEngine } from '../../src/main/engine/engine';
import { createKeccak256 } from '../../src/main/engine/hash';
import { DeviceRouter } from '../../src/main/engine/router';
import { EventBus } from '../../src/main/events';
import { detectHardware } from '../../src/main/hardware/detect';
import { probeExecutionProviders } from '../../src/main/hardware/probe';
import { LogSink } from '../../src/main/log';
import { routingFigures } from '../../bench/routing';

const out = process.argv[2];
const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  console.error(line);
};
const log = new LogSink({ consoleLevel: 'silent' }).logger('check');
const started = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'flywheel-check-'));
const report = await probeExecutionProviders(await detectHardware());
for (const d of report.devices) {
  say(
    `${d.id} ${d.label}: ${d.executionProvider?.candidates.map((c) => `${c.name} ${c.status}`).join(', ')}`,
  );
}
const devices = engineDevicesFrom(report);
const router = new DeviceRouter();
const engine = createEngine({ devices, router, log });
const bench = new BenchmarkService({ dataDir: dir, engine, router, events: new EventBus(), log });
let routing: Awaited<ReturnType<typeof routingFigures>> = [];
let error: string | null = null;
try {
  await bench.run('quick');
  for (const d of bench.get().routing.devices) {
    say(`${d.device} (${d.executionProvider}) score ${d.result?.score ?? '—'}: ${d.note}`);
  }
  routing = await routingFigures({
    engine,
    router,
    devices,
    keccak256: await createKeccak256(),
    turns: 20,
    report: say,
  });
} catch (err) {
  error = (err as Error).stack ?? String(err);
  say(`failed: ${error}`);
} finally {
  await engine.close();
}
const result = {
  startedAt: new Date(started).toISOString(),
  durationS: Math.round((Date.now() - started) / 1000),
  versions: { app: appVersion, onnxruntime: onnxruntimeVersion(), node: process.version },
  env: {
    LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ?? null,
    VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? null,
  },
  hardware: report,
  benchmark: bench.get(),
  routing,
  lines,
  error,
};
rmSync(dir, { recursive: true, force: true });
const text = JSON.stringify(result, null, 1) + '\n';
if (out) writeFileSync(out, text);
else process.stdout.write(text);
process.exit(error ? 1 : 0);
