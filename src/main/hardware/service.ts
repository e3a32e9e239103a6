import type { HardwareReport } from '../../shared/api/hardware';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { detectHardware } from './detect';

/** Detects once, caches, and detects again on demand; concurrent callers share one detection. */
export class HardwareService {
  #report: HardwareReport | undefined;
  #pending: Promise<HardwareReport> | undefined;

  constructor(
    private readonly events: EventBus,
    private readonly log: Logger,
    private readonly detect: () => Promise<HardwareReport> = detectHardware,
  ) {}

  async get(refresh = false): Promise<HardwareReport> {
    if (this.#report && !refresh) return this.#report;
    this.#pending ??= this.detect()
      .then((report) => {
        this.#report = report;
        this.log.info('hardware detected', {
          gpus: report.gpus.map((g) => `${g.vendor} ${g.model}`),
          cpu: report.cpu.brand,
          notes: report.notes,
        });
        this.events.emit('hardware.changed', report);
        return report;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }
}
