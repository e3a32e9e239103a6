import type { HardwareReport } from '#shared/api/hardware';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { detectHardware } from './detect';

export interface HardwareServiceOptions {
  detect?: () => Promise<HardwareReport>;
  /** Fills in each device's execution provider (engine/probe.ts via hardware/probe.ts); none: left null. */
  probeProviders?: (report: HardwareReport) => Promise<HardwareReport>;
  /**
   * How long after a detection the providers are tried in the background, so a starting node (or a short-lived CLI
   * command) does not pay for it; `probed()` does it at once.
   */
  probeDelayMs?: number;
}

/**
 * Detects once, caches, and detects again on demand; concurrent callers share one detection. Execution providers
 * are tried after detection (in the background, or at once for `probed()`), and the report is pushed again with them.
 */
export class HardwareService {
  #report: HardwareReport | undefined;
  #pending: Promise<HardwareReport> | undefined;
  #probing: Promise<HardwareReport> | undefined;
  #probeTimer: NodeJS.Timeout | undefined;
  #closed = false;
  private readonly detect: () => Promise<HardwareReport>;

  constructor(
    private readonly events: EventBus,
    private readonly log: Logger,
    detectOrOptions: (() => Promise<HardwareReport>) | HardwareServiceOptions = {},
  ) {
    this.options = typeof detectOrOptions === 'function' ? { detect: detectOrOptions } : detectOrOptions;
    this.detect = this.options.detect ?? detectHardware;
  }

  private readonly options: HardwareServiceOptions;

  async get(refresh = false): Promise<HardwareReport> {
    if (this.#report && !refresh) return this.#report;
    this.#pending ??= this.detect()
      .then((report) => {
        this.#report = report;
        this.#probing = undefined;
        this.log.info('hardware detected', {
          gpus: report.gpus.map((g) => `${g.vendor} ${g.model}`),
          cpu: report.cpu.brand,
          notes: report.notes,
        });
        this.events.emit('hardware.changed', report);
        this.#scheduleProbe();
        return report;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  /** The report with execution providers chosen (probing now if that has not happened yet). */
  async probed(): Promise<HardwareReport> {
    const report = await this.get();
    if (!this.options.probeProviders) return report;
    clearTimeout(this.#probeTimer);
    this.#probing ??= this.options.probeProviders(report).then((probed) => {
      if (this.#report === report) {
        this.#report = probed;
        this.log.info('execution providers chosen', {
          devices: probed.devices.map((d) => `${d.id}: ${d.executionProvider?.chosen ?? 'none'}`),
        });
        this.events.emit('hardware.changed', probed);
      }
      return probed;
    });
    return this.#probing;
  }

  #scheduleProbe(): void {
    if (!this.options.probeProviders || this.#closed) return;
    clearTimeout(this.#probeTimer);
    this.#probeTimer = setTimeout(() => {
      this.probed().catch((err: Error) =>
        this.log.warn('execution provider probing failed', { error: err.message }),
      );
    }, this.options.probeDelayMs ?? 3000);
    this.#probeTimer.unref();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#probeTimer);
  }
}
