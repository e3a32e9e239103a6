import { declineReasons, type DeclineReasonCode, type DeclineReasonName } from '#shared/decline';
import { FlywheelError } from '#shared/errors';

/**
 * The engine will not (or could not) run a job, for a reason the node can put on-chain with `declineJob`.
 * `reason` is one of the shared decline reason codes; `details` says what exactly was wrong, for the log.
 */
export class EngineRefusal extends FlywheelError {
  override name = 'EngineRefusal';
  readonly reason: DeclineReasonName;
  readonly reasonCode: DeclineReasonCode;

  constructor(reason: DeclineReasonName, details: string, options: { cause?: unknown } = {}) {
    super(`Job declined: ${declineReasons[reason].label.toLowerCase()}.`, {
      code: 'ENGINE_FAILED',
      details,
      cause: options.cause,
    });
    this.reason = reason;
    this.reasonCode = declineReasons[reason].code;
  }
}

export function isEngineRefusal(err: unknown): err is EngineRefusal {
  return err instanceof EngineRefusal;
}
