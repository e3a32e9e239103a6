import type { HardwareReport } from '#shared/api/hardware';
import { startProber } from '../engine/probe';
import type { WorkerHostFactory } from '../engine/worker/host';
import { chooseExecutionProviders, executionProviderEnvironment } from './executionProviders';

/**
 * Fills each device's execution provider by trying the candidates in a probe worker. If the probe worker itself
 * cannot start, the report says so and no device gets a provider (the engine then has nothing to run on).
 */
export async function probeExecutionProviders(
  report: HardwareReport,
  host?: WorkerHostFactory,
): Promise<HardwareReport> {
  let prober;
  try {
    prober = await startProber(host);
  } catch (err) {
    return {
      ...report,
      notes: [...report.notes, `Could not try execution providers: ${(err as Error).message}`],
    };
  }
  try {
    return await chooseExecutionProviders(
      report,
      executionProviderEnvironment(await prober.backends()),
      prober.probe,
    );
  } finally {
    await prober.close();
  }
}
